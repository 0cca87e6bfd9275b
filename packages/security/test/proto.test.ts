// Shows that the security models survive the trip through their herald.v1 messages, encoded and
// decoded by the real definitions, and that bad messages are refused with the field named.
// Method: round trips through the SecurityService request serializers.

import { loadApiDefinition, type v1 } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import {
  aclBindingFromProto,
  aclBindingToProto,
  aclFilterFromProto,
  aclFilterToProto,
  checkAclBinding,
  createScramCredential,
  quotaFromProto,
  quotaToProto,
  scramCredentialFromProto,
  scramCredentialToProto,
} from '../src/index.js';

type Method = { requestSerialize(v: object): Buffer; requestDeserialize(b: Buffer): unknown };
const security = loadApiDefinition()['herald.v1.SecurityService'] as Record<string, Method>;
/** Encodes a request and decodes it as a server would. */
const wire = <T>(method: string, request: object) => security[method]!.requestDeserialize(security[method]!.requestSerialize(request)) as T;

describe('ACL messages', () => {
  it('round-trip a binding', () => {
    const binding = checkAclBinding({ principal: 'User:*', resourceType: 'queue', patternType: 'prefixed', resourceName: 'work', operation: 'read', permission: 'deny' });
    const back = wire<v1.CreateAclsRequest__Output>('CreateAcls', { acls: [aclBindingToProto(binding)] });
    expect(back.acls[0]).toMatchObject({ resourceType: 'RESOURCE_TYPE_QUEUE', patternType: 'PATTERN_TYPE_PREFIXED', operation: 'ACL_OPERATION_READ', permission: 'ACL_PERMISSION_DENY' });
    expect(aclBindingFromProto(back.acls[0]!)).toEqual(binding);
  });

  it('round-trip filters, unspecified fields matching anything', () => {
    for (const filter of [{}, { principal: 'User:alice' as const, operation: 'write' as const }, { resourceType: 'cluster' as const, resourceName: 'herald-cluster', patternType: 'literal' as const, permission: 'allow' as const }]) {
      const back = wire<v1.ListAclsRequest__Output>('ListAcls', { filter: aclFilterToProto(filter) });
      expect(aclFilterFromProto(back.filter!)).toEqual(filter);
    }
  });

  it('refuse a binding with an unspecified field, naming it', () => {
    const message = wire<v1.CreateAclsRequest__Output>('CreateAcls', { acls: [{ principal: 'User:a', resourceType: 'RESOURCE_TYPE_TOPIC', resourceName: 'x', operation: 'ACL_OPERATION_READ', permission: 'ACL_PERMISSION_ALLOW' }] });
    expect(() => aclBindingFromProto(message.acls[0]!, 'acls[0]')).toThrow(/^acls\[0\]\.pattern_type: must be one of literal, prefixed/);
  });

  it('refuse a filter with a bad principal', () => {
    const message = wire<v1.ListAclsRequest__Output>('ListAcls', { filter: { principal: 'alice' } });
    expect(() => aclFilterFromProto(message.filter!)).toThrow(/^filter\.principal: "alice" is not a principal/);
  });

  it('refuse enum numbers the .proto does not name (found by the fuzz test)', () => {
    const message = wire<v1.ListAclsRequest__Output>('ListAcls', { filter: { patternType: -1 as never } });
    expect(() => aclFilterFromProto(message.filter!)).toThrow(/^filter\.pattern_type: must be one of literal, prefixed or unspecified \(got "unknown value -1"\)/);
    const binding = wire<v1.CreateAclsRequest__Output>('CreateAcls', { acls: [{ principal: 'User:a', resourceType: 7 as never, patternType: 'PATTERN_TYPE_LITERAL', resourceName: 'x', operation: 'ACL_OPERATION_READ', permission: 'ACL_PERMISSION_ALLOW' }] });
    expect(() => aclBindingFromProto(binding.acls[0]!, 'acls[0]')).toThrow(/^acls\[0\]\.resource_type: /);
  });
});

describe('credential and quota messages', () => {
  it('round-trip a SCRAM credential', async () => {
    const credential = await createScramCredential('pw', 'SCRAM-SHA-512', { iterations: 4096 });
    const back = wire<v1.CreateUserRequest__Output>('CreateUser', { name: 'alice', credentials: [scramCredentialToProto(credential)] });
    expect(scramCredentialFromProto(back.credentials[0]!)).toEqual(credential);
    const broken = { ...back.credentials[0]!, storedKey: Buffer.alloc(3) };
    expect(() => scramCredentialFromProto(broken, 'credentials[0]')).toThrow(/^credentials\[0\]\.storedKey: must be 64 bytes/);
  });

  it('round-trip quotas, 0 meaning no limit', () => {
    const back = wire<v1.SetQuotaRequest__Output>('SetQuota', { principal: 'User:*', quota: quotaToProto({ produceBytesPerSecond: 1_048_576 }) });
    expect(quotaFromProto(back.quota)).toEqual({ produceBytesPerSecond: 1_048_576 });
    expect(quotaFromProto(null)).toEqual({});
    expect(() => quotaFromProto({ produceBytesPerSecond: -1, fetchBytesPerSecond: 0, requestsPerSecond: 0 })).toThrow(/^quota\.produceBytesPerSecond: must be 0 \(no limit\) or a positive number/);
  });
});
