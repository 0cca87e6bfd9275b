// ACLs, with Kafka's semantics (KIP-11, KIP-290 for prefixed patterns; Kafka's AclAuthorizer and
// StandardAuthorizer): a binding allows or denies one principal (or every user, `User:*`) one
// operation on the resources one pattern matches. Superusers may do everything; a matching deny
// wins over any allow; with no matching allow the answer is no (Kafka's
// allow.everyone.if.no.acl.found=false); an allow of read, write, delete or alter also allows
// describe. Hosts are not part of a binding: Herald's principals are proven by TLS or SCRAM, and
// a host filter adds little behind NAT and proxies.

import { invalidArgument, permissionDenied } from '@herald/protocol';
import { ANY_USER, parsePrincipal, type Principal } from './principal.js';

/** What a binding protects. `queue` is a queue subscription (by its name); `cluster` is the
 *  cluster itself, one resource named CLUSTER_RESOURCE_NAME (Kafka's "kafka-cluster");
 *  `transactional-id` a transactional producer's id (KIP-98: Write to use it). */
export const ResourceType = { Topic: 'topic', Group: 'group', Queue: 'queue', Cluster: 'cluster', TransactionalId: 'transactional-id' } as const;
export type ResourceType = (typeof ResourceType)[keyof typeof ResourceType];

/** The name of the cluster resource. */
export const CLUSTER_RESOURCE_NAME = 'herald-cluster';

/** How a binding's resource name matches: the exact name (`*`: every name), or a prefix. */
export const PatternType = { Literal: 'literal', Prefixed: 'prefixed' } as const;
export type PatternType = (typeof PatternType)[keyof typeof PatternType];

/** The literal resource name that matches every resource of its type. */
export const WILDCARD_RESOURCE = '*';

/** Operations, as Kafka names them (lower case here). `all` matches every operation. */
export const Operation = { Read: 'read', Write: 'write', Create: 'create', Delete: 'delete', Alter: 'alter', Describe: 'describe', All: 'all' } as const;
export type Operation = (typeof Operation)[keyof typeof Operation];

export const Permission = { Allow: 'allow', Deny: 'deny' } as const;
export type Permission = (typeof Permission)[keyof typeof Permission];

/** One ACL binding. */
export interface AclBinding {
  readonly principal: Principal;
  readonly resourceType: ResourceType;
  readonly patternType: PatternType;
  readonly resourceName: string;
  readonly operation: Operation;
  readonly permission: Permission;
}

/** A resource a request touches. */
export interface Resource {
  readonly type: ResourceType;
  readonly name: string;
}

/** The operations that make sense on each resource type (Kafka's table, for the types Herald
 *  has). A binding of another operation would never be asked about, so it is refused. */
export const OPERATIONS_BY_RESOURCE: Readonly<Record<ResourceType, readonly Operation[]>> = {
  topic: ['read', 'write', 'create', 'delete', 'alter', 'describe', 'all'],
  group: ['read', 'delete', 'describe', 'all'],
  queue: ['read', 'delete', 'describe', 'all'],
  cluster: ['create', 'alter', 'describe', 'all'],
  'transactional-id': ['write', 'describe', 'all'],
};

/** Kafka's implication: an allow of any of these also allows describe. Only allows imply; a deny
 *  of read does not deny describe. */
const IMPLIES_DESCRIBE: readonly Operation[] = ['read', 'write', 'delete', 'alter'];

/** Names of topics, groups and subscriptions: Herald's rule (broker/src/api/validate.ts). */
const RESOURCE_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

function oneOf<T extends string>(values: Readonly<Record<string, T>>, value: unknown, field: string): T {
  const all = Object.values(values);
  if (typeof value !== 'string' || !all.includes(value as T)) throw invalidArgument(field, `must be one of ${all.join(', ')} (got ${JSON.stringify(String(value).slice(0, 100))})`);
  return value as T;
}

/**
 * Checks a binding from outside (a request, the CLI) and returns it: a principal (`User:*`
 * allowed), known enums, an operation that applies to the resource type, and a resource name
 * valid for the type and pattern: the cluster is the literal CLUSTER_RESOURCE_NAME; `*` is
 * literal only; a prefix follows the name rule. Throws InvalidArgument naming the field.
 */
export function checkAclBinding(input: { readonly [K in keyof AclBinding]?: unknown }, field = 'acl'): AclBinding {
  const principal = parsePrincipal(input.principal, `${field}.principal`, { allowAny: true });
  const resourceType = oneOf(ResourceType, input.resourceType, `${field}.resource_type`);
  const patternType = oneOf(PatternType, input.patternType, `${field}.pattern_type`);
  const operation = oneOf(Operation, input.operation, `${field}.operation`);
  const permission = oneOf(Permission, input.permission, `${field}.permission`);
  const name = input.resourceName;
  if (typeof name !== 'string' || name === '') throw invalidArgument(`${field}.resource_name`, 'a resource name is required');
  if (resourceType === ResourceType.Cluster) {
    if (patternType !== PatternType.Literal || name !== CLUSTER_RESOURCE_NAME) {
      throw invalidArgument(`${field}.resource_name`, `the cluster resource is the literal name "${CLUSTER_RESOURCE_NAME}"`);
    }
  } else if (name === WILDCARD_RESOURCE) {
    if (patternType !== PatternType.Literal) throw invalidArgument(`${field}.resource_name`, `"*" matches every ${resourceType} as a literal pattern; a prefixed "*" would match nothing`);
  } else if (!RESOURCE_NAME.test(name)) {
    throw invalidArgument(`${field}.resource_name`, `"${name.slice(0, 300)}" is not a valid ${resourceType} name${patternType === PatternType.Prefixed ? ' prefix' : ''} (1 to 249 characters of a-z, A-Z, 0-9, ".", "_", "-", or "*")`);
  }
  if (!OPERATIONS_BY_RESOURCE[resourceType].includes(operation)) {
    throw invalidArgument(`${field}.operation`, `${operation} does not apply to a ${resourceType}; use one of ${OPERATIONS_BY_RESOURCE[resourceType].join(', ')}`);
  }
  return { principal, resourceType, patternType, resourceName: name, operation, permission };
}

/** A binding in the form people read: `allow User:alice read topic prefixed "orders."`. */
export function formatAclBinding(binding: AclBinding): string {
  const pattern = binding.patternType === PatternType.Prefixed ? `prefixed ${JSON.stringify(binding.resourceName)}` : JSON.stringify(binding.resourceName);
  return `${binding.permission} ${binding.principal} ${binding.operation} ${binding.resourceType} ${pattern}`;
}

/** Two bindings are the same binding when every field is equal. */
export function sameAclBinding(a: AclBinding, b: AclBinding): boolean {
  return a.principal === b.principal && a.resourceType === b.resourceType && a.patternType === b.patternType && a.resourceName === b.resourceName && a.operation === b.operation && a.permission === b.permission;
}

/**
 * A filter over bindings, for listing and removing them (Kafka's AclBindingFilter): an absent
 * field matches any value; a present one matches that value exactly (no pattern matching: a
 * filter on resource name "orders" lists the bindings written for "orders", not those that
 * would apply to it).
 */
export type AclFilter = { readonly [K in keyof AclBinding]?: AclBinding[K] };

/** Whether `binding` matches `filter`. */
export function matchesAclFilter(binding: AclBinding, filter: AclFilter): boolean {
  return (Object.keys(filter) as (keyof AclBinding)[]).every((key) => filter[key] === undefined || filter[key] === binding[key]);
}

/** The answer of Authorizer.authorize(): allowed, or why not (for PERMISSION_DENIED). */
export type AuthorizationResult = { readonly allowed: true } | { readonly allowed: false; readonly why: string };

/** Bindings of one resource type, indexed for lookups by name. */
interface TypeIndex {
  readonly literal: Map<string, AclBinding[]>;
  readonly prefixed: Map<string, AclBinding[]>;
}

/**
 * Answers whether a principal may perform an operation on a resource, from a set of bindings
 * and a list of superusers (Kafka's semantics, see the top of this file). Immutable: build a new
 * one when the bindings change (the meta group applies a change; lookups never see half of it).
 * A lookup costs one map lookup per prefix length of the name (at most 249) plus the bindings
 * that match; the number of bindings does not matter.
 */
export class Authorizer {
  private readonly index = new Map<ResourceType, TypeIndex>();
  private readonly superUsers: ReadonlySet<Principal>;

  constructor(bindings: readonly AclBinding[], superUsers: readonly Principal[] = []) {
    this.superUsers = new Set(superUsers);
    for (const binding of bindings) {
      let byType = this.index.get(binding.resourceType);
      if (byType === undefined) {
        byType = { literal: new Map(), prefixed: new Map() };
        this.index.set(binding.resourceType, byType);
      }
      const map = binding.patternType === PatternType.Literal ? byType.literal : byType.prefixed;
      const list = map.get(binding.resourceName);
      if (list === undefined) map.set(binding.resourceName, [binding]);
      else list.push(binding);
    }
  }

  /** Whether `principal` is a superuser. */
  isSuperUser(principal: Principal): boolean {
    return this.superUsers.has(principal);
  }

  /** The bindings that apply to `principal` on `resource`, whatever their operation. */
  private matching(principal: Principal, resource: Resource): AclBinding[] {
    const byType = this.index.get(resource.type);
    if (byType === undefined) return [];
    const candidates = [...(byType.literal.get(resource.name) ?? []), ...(byType.literal.get(WILDCARD_RESOURCE) ?? [])];
    for (let length = 1; length <= resource.name.length; length++) {
      const list = byType.prefixed.get(resource.name.slice(0, length));
      if (list !== undefined) candidates.push(...list);
    }
    return candidates.filter((b) => b.principal === principal || b.principal === ANY_USER);
  }

  /** Throws PermissionDenied, naming the permission, unless `principal` may perform
   *  `operation` on `resource`. */
  check(principal: Principal, operation: Exclude<Operation, 'all'>, resource: Resource): void {
    const result = this.authorize(principal, operation, resource);
    if (!result.allowed) throw permissionDenied(principal, operation, resource, result.why);
  }

  /** Whether `principal` may perform `operation` on `resource`, and if not, why. */
  authorize(principal: Principal, operation: Exclude<Operation, 'all'>, resource: Resource): AuthorizationResult {
    if (this.superUsers.has(principal)) return { allowed: true };
    const bindings = this.matching(principal, resource);
    const deny = bindings.find((b) => b.permission === Permission.Deny && (b.operation === operation || b.operation === Operation.All));
    if (deny !== undefined) return { allowed: false, why: `denied by ACL (${formatAclBinding(deny)})` };
    const allows = (b: AclBinding) =>
      b.permission === Permission.Allow && (b.operation === operation || b.operation === Operation.All || (operation === Operation.Describe && IMPLIES_DESCRIBE.includes(b.operation)));
    if (bindings.some(allows)) return { allowed: true };
    return { allowed: false, why: 'no ACL allows it' };
  }
}
