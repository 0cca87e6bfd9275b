// The security models as herald.v1 messages (proto/herald/v1/security.proto) and back, for the
// broker's SecurityService and the client. What comes in is checked: a message from outside
// becomes a model only through the checks of acl.ts, scram.ts and quota.ts, with the field named.

import { invalidArgument, type v1 } from '@herald/protocol';
import { checkAclBinding, Operation, PatternType, Permission, ResourceType, type AclBinding, type AclFilter } from './acl.js';
import { parsePrincipal } from './principal.js';
import { checkQuota, type Quota } from './quota.js';
import { checkScramCredential, type ScramCredential, type ScramMechanism } from './scram.js';

const PREFIX = { resourceType: 'RESOURCE_TYPE_', patternType: 'PATTERN_TYPE_', operation: 'ACL_OPERATION_', permission: 'ACL_PERMISSION_' } as const;

/** `RESOURCE_TYPE_TOPIC` → `topic`, `RESOURCE_TYPE_TRANSACTIONAL_ID` → `transactional-id`;
 *  UNSPECIFIED → undefined; anything else as it came, so that the check names it. A number the
 *  .proto does not name arrives as a number, not a name. */
function fromEnum(prefix: string, value: string | number): string | undefined {
  if (typeof value === 'number') return `unknown value ${value}`;
  if (value === `${prefix}UNSPECIFIED` || value === '') return undefined;
  return value.startsWith(prefix) ? value.slice(prefix.length).toLowerCase().replaceAll('_', '-') : value;
}

function toEnum<T>(prefix: string, value: string): T {
  return `${prefix}${value.toUpperCase().replaceAll('-', '_')}` as T;
}

/** A binding from a request, checked (checkAclBinding): UNSPECIFIED enums are refused. */
export function aclBindingFromProto(message: v1.AclBinding__Output, field = 'acl'): AclBinding {
  return checkAclBinding(
    {
      principal: message.principal,
      resourceType: fromEnum(PREFIX.resourceType, message.resourceType),
      patternType: fromEnum(PREFIX.patternType, message.patternType),
      resourceName: message.resourceName,
      operation: fromEnum(PREFIX.operation, message.operation),
      permission: fromEnum(PREFIX.permission, message.permission),
    },
    field,
  );
}

/** A binding as a message. */
export function aclBindingToProto(binding: AclBinding): v1.AclBinding {
  return {
    principal: binding.principal,
    resourceType: toEnum(PREFIX.resourceType, binding.resourceType),
    patternType: toEnum(PREFIX.patternType, binding.patternType),
    resourceName: binding.resourceName,
    operation: toEnum(PREFIX.operation, binding.operation),
    permission: toEnum(PREFIX.permission, binding.permission),
  };
}

function oneOfOrAny<T extends string>(values: Readonly<Record<string, T>>, value: string | undefined, field: string): T | undefined {
  if (value === undefined) return undefined;
  if (!Object.values(values).includes(value as T)) throw invalidArgument(field, `must be one of ${Object.values(values).join(', ')} or unspecified (got ${JSON.stringify(value.slice(0, 100))})`);
  return value as T;
}

/** A filter from a request: empty strings and UNSPECIFIED enums match anything; set fields are
 *  checked (a principal must parse, enums must be known). */
export function aclFilterFromProto(message: v1.AclFilter__Output, field = 'filter'): AclFilter {
  if (message.resourceName.length > 249) throw invalidArgument(`${field}.resource_name`, 'must be at most 249 characters');
  const filter: { -readonly [K in keyof AclFilter]: AclFilter[K] } = {};
  if (message.principal !== '') filter.principal = parsePrincipal(message.principal, `${field}.principal`, { allowAny: true });
  const resourceType = oneOfOrAny(ResourceType, fromEnum(PREFIX.resourceType, message.resourceType), `${field}.resource_type`);
  const patternType = oneOfOrAny(PatternType, fromEnum(PREFIX.patternType, message.patternType), `${field}.pattern_type`);
  const operation = oneOfOrAny(Operation, fromEnum(PREFIX.operation, message.operation), `${field}.operation`);
  const permission = oneOfOrAny(Permission, fromEnum(PREFIX.permission, message.permission), `${field}.permission`);
  if (resourceType !== undefined) filter.resourceType = resourceType;
  if (patternType !== undefined) filter.patternType = patternType;
  if (message.resourceName !== '') filter.resourceName = message.resourceName;
  if (operation !== undefined) filter.operation = operation;
  if (permission !== undefined) filter.permission = permission;
  return filter;
}

/** A filter as a message. */
export function aclFilterToProto(filter: AclFilter): v1.AclFilter {
  return {
    principal: filter.principal ?? '',
    resourceType: filter.resourceType === undefined ? 'RESOURCE_TYPE_UNSPECIFIED' : toEnum<v1.ResourceType>(PREFIX.resourceType, filter.resourceType),
    patternType: filter.patternType === undefined ? 'PATTERN_TYPE_UNSPECIFIED' : toEnum<v1.PatternType>(PREFIX.patternType, filter.patternType),
    resourceName: filter.resourceName ?? '',
    operation: filter.operation === undefined ? 'ACL_OPERATION_UNSPECIFIED' : toEnum<v1.AclOperation>(PREFIX.operation, filter.operation),
    permission: filter.permission === undefined ? 'ACL_PERMISSION_UNSPECIFIED' : toEnum<v1.AclPermission>(PREFIX.permission, filter.permission),
  };
}

/** A credential from a request, checked (checkScramCredential). */
export function scramCredentialFromProto(message: v1.ScramCredential__Output, field = 'credential'): ScramCredential {
  return checkScramCredential(
    { mechanism: message.mechanism as ScramMechanism, salt: message.salt, iterations: message.iterations, storedKey: message.storedKey, serverKey: message.serverKey },
    field,
  );
}

/** A credential as a message. */
export function scramCredentialToProto(credential: ScramCredential): v1.ScramCredential {
  return { mechanism: credential.mechanism, salt: credential.salt, iterations: credential.iterations, storedKey: credential.storedKey, serverKey: credential.serverKey };
}

/** Quotas from a request: 0 (or absent) is no limit; negative or not finite is refused. */
export function quotaFromProto(message: v1.Quota__Output | null, field = 'quota'): Quota {
  const quota: { -readonly [K in keyof Quota]: Quota[K] } = {};
  if (message === null) return quota;
  for (const [key, value] of [
    ['produceBytesPerSecond', message.produceBytesPerSecond],
    ['fetchBytesPerSecond', message.fetchBytesPerSecond],
    ['requestsPerSecond', message.requestsPerSecond],
  ] as const) {
    if (!Number.isFinite(value) || value < 0) throw invalidArgument(`${field}.${key}`, `must be 0 (no limit) or a positive number (got ${value})`);
    if (value > 0) quota[key] = value;
  }
  return checkQuota(quota, field);
}

/** Quotas as a message: no limit is 0. */
export function quotaToProto(quota: Quota): v1.Quota {
  return { produceBytesPerSecond: quota.produceBytesPerSecond ?? 0, fetchBytesPerSecond: quota.fetchBytesPerSecond ?? 0, requestsPerSecond: quota.requestsPerSecond ?? 0 };
}
