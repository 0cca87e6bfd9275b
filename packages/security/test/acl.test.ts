// Shows that the authorizer answers as Kafka's does: superusers always, deny wins, no matching
// allow means no, prefixed and wildcard patterns match, describe is implied by read, write,
// delete and alter; and that bindings from outside are validated field by field. Method:
// table-driven questions against one set of bindings.

import type { HeraldError } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { Authorizer, checkAclBinding, formatAclBinding, matchesAclFilter, type AclBinding, type Operation, type ResourceType } from '../src/index.js';

const bind = (text: string): AclBinding => {
  const [permission, principal, operation, resourceType, patternType, resourceName] = text.split(' ');
  return checkAclBinding({ permission, principal, operation, resourceType, patternType, resourceName });
};

const authorizer = new Authorizer(
  [
    bind('allow User:alice write topic literal orders'),
    bind('allow User:alice read topic prefixed logs.'),
    bind('deny User:alice read topic literal logs.secret'),
    bind('allow User:* describe topic literal *'),
    bind('allow User:bob all topic prefixed bob.'),
    bind('deny User:bob delete topic prefixed bob.keep'),
    bind('allow User:carol read topic literal *'),
    bind('deny User:* all topic literal forbidden'),
    bind('allow User:carol read group literal billing'),
    bind('allow User:carol read queue prefixed work'),
    bind('allow User:ops create cluster literal herald-cluster'),
    bind('allow User:dave read topic literal reports'),
    bind('deny User:dave read topic literal reports'),
    bind('allow User:erin read topic literal audit'),
    bind('deny User:erin read topic literal audit.x'),
  ],
  ['User:admin'],
);

describe('Authorizer', () => {
  it.each([
    // principal, operation, type, name, allowed
    ['User:admin', 'delete', 'topic', 'anything', true, 'superusers may do anything'],
    ['User:admin', 'alter', 'cluster', 'herald-cluster', true, 'superusers may do anything'],
    ['User:alice', 'write', 'topic', 'orders', true, 'literal allow'],
    ['User:alice', 'read', 'topic', 'orders', false, 'no allow for the operation'],
    ['User:alice', 'write', 'topic', 'orders2', false, 'literal is exact'],
    ['User:alice', 'read', 'topic', 'logs.app', true, 'prefixed allow'],
    ['User:alice', 'read', 'topic', 'logs', false, 'the prefix is "logs."'],
    ['User:alice', 'read', 'topic', 'logs.secret', false, 'deny wins over a prefixed allow'],
    ['User:alice', 'describe', 'topic', 'logs.secret', true, 'a deny of read does not deny describe'],
    ['User:mallory', 'describe', 'topic', 'orders', true, 'User:* and the * resource'],
    ['User:mallory', 'read', 'topic', 'orders', false, 'no ACL allows it'],
    ['User:bob', 'create', 'topic', 'bob.new', true, 'all covers create'],
    ['User:bob', 'delete', 'topic', 'bob.keep.1', false, 'deny of one operation under an all allow'],
    ['User:bob', 'write', 'topic', 'bob.keep.1', true, 'the deny is of delete only'],
    ['User:carol', 'read', 'topic', 'forbidden', false, 'deny all for User:* wins over a wildcard allow'],
    ['User:carol', 'describe', 'topic', 'forbidden', false, 'deny all denies describe too'],
    ['User:carol', 'read', 'group', 'billing', true, 'groups are their own resources'],
    ['User:carol', 'read', 'group', 'orders', false, 'a topic wildcard does not reach groups'],
    ['User:carol', 'describe', 'group', 'billing', true, 'read implies describe'],
    ['User:carol', 'delete', 'group', 'billing', false, 'read does not imply delete'],
    ['User:carol', 'read', 'queue', 'workers', true, 'queue subscriptions by prefix'],
    ['User:ops', 'create', 'cluster', 'herald-cluster', true, 'cluster create'],
    ['User:ops', 'alter', 'cluster', 'herald-cluster', false, 'create does not imply alter'],
    ['User:ops', 'describe', 'cluster', 'herald-cluster', false, 'create does not imply describe'],
    ['User:alice', 'describe', 'topic', 'orders', true, 'write implies describe'],
    ['User:dave', 'read', 'topic', 'reports', false, 'allow and deny of the same: deny wins'],
    ['User:erin', 'read', 'topic', 'audit.x', false, 'a literal deny on another name'],
    ['User:erin', 'read', 'topic', 'audit', true, '...does not touch this one'],
  ] as const)('%s %s %s %s → %s (%s)', (principal, operation, type, name, allowed, _why) => {
    expect(authorizer.authorize(principal, operation as Exclude<Operation, 'all'>, { type: type as ResourceType, name }).allowed).toBe(allowed);
  });

  it('says why it refuses', () => {
    expect(authorizer.authorize('User:mallory', 'read', { type: 'topic', name: 'orders' })).toEqual({ allowed: false, why: 'no ACL allows it' });
    expect(authorizer.authorize('User:alice', 'read', { type: 'topic', name: 'logs.secret' })).toEqual({ allowed: false, why: 'denied by ACL (deny User:alice read topic "logs.secret")' });
    expect(authorizer.authorize('User:bob', 'delete', { type: 'topic', name: 'bob.keep' })).toEqual({ allowed: false, why: 'denied by ACL (deny User:bob delete topic prefixed "bob.keep")' });
  });

  it('allows nothing without bindings, except to superusers', () => {
    const empty = new Authorizer([], ['User:root']);
    expect(empty.authorize('User:alice', 'describe', { type: 'cluster', name: 'herald-cluster' }).allowed).toBe(false);
    expect(empty.authorize('User:root', 'describe', { type: 'cluster', name: 'herald-cluster' }).allowed).toBe(true);
    expect(empty.isSuperUser('User:root')).toBe(true);
    expect(empty.isSuperUser('User:alice')).toBe(false);
  });
});

describe('checkAclBinding', () => {
  const good = { principal: 'User:alice', resourceType: 'topic', patternType: 'literal', resourceName: 'orders', operation: 'read', permission: 'allow' };

  it('returns a valid binding', () => {
    expect(checkAclBinding(good)).toEqual(good);
    expect(formatAclBinding(checkAclBinding({ ...good, patternType: 'prefixed', resourceName: 'ord' }))).toBe('allow User:alice read topic prefixed "ord"');
  });

  it.each([
    { field: 'principal', edit: { principal: 'alice' }, message: /acl.principal: "alice" is not a principal/ },
    { field: 'principal', edit: { principal: 'User:a b' }, message: /acl.principal: "a b" is not a valid user name/ },
    { field: 'resource_type', edit: { resourceType: 'table' }, message: /acl.resource_type: must be one of topic, group, queue, cluster/ },
    { field: 'pattern_type', edit: { patternType: 'regex' }, message: /acl.pattern_type: must be one of literal, prefixed/ },
    { field: 'operation', edit: { operation: 'write', resourceType: 'group' }, message: /acl.operation: write does not apply to a group; use one of read, delete, describe, all/ },
    { field: 'operation', edit: { operation: 'read', resourceType: 'cluster', resourceName: 'herald-cluster' }, message: /acl.operation: read does not apply to a cluster/ },
    { field: 'permission', edit: { permission: 'maybe' }, message: /acl.permission: must be one of allow, deny/ },
    { field: 'resource_name', edit: { resourceName: '' }, message: /acl.resource_name: a resource name is required/ },
    { field: 'resource_name', edit: { resourceName: 'a/b' }, message: /acl.resource_name: "a\/b" is not a valid topic name/ },
    { field: 'resource_name', edit: { resourceName: '*', patternType: 'prefixed' }, message: /a prefixed "\*" would match nothing/ },
    { field: 'resource_name', edit: { resourceType: 'cluster', resourceName: 'kafka-cluster', operation: 'alter' }, message: /the cluster resource is the literal name "herald-cluster"/ },
  ])('refuses a bad $field: $message', ({ edit, message }) => {
    expect(() => checkAclBinding({ ...good, ...edit })).toThrow(message);
  });

  it('lets User:* and the * resource through', () => {
    expect(checkAclBinding({ ...good, principal: 'User:*', resourceName: '*' }).principal).toBe('User:*');
  });
});

describe('matchesAclFilter', () => {
  const binding = bind('allow User:alice read topic prefixed logs.');
  it.each([
    [{}, true],
    [{ principal: 'User:alice' }, true],
    [{ principal: 'User:bob' }, false],
    [{ resourceName: 'logs.' }, true],
    [{ resourceName: 'logs.app' }, false],
    [{ patternType: 'prefixed', operation: 'read', permission: 'allow', resourceType: 'topic' }, true],
    [{ permission: 'deny' }, false],
  ] as const)('%j → %s', (filter, matches) => {
    expect(matchesAclFilter(binding, filter)).toBe(matches);
  });
});

describe('Authorizer.check', () => {
  it('throws PermissionDenied naming the permission, or nothing', () => {
    expect(() => authorizer.check('User:alice', 'write', { type: 'topic', name: 'orders' })).not.toThrow();
    let error: HeraldError | undefined;
    try {
      authorizer.check('User:alice', 'delete', { type: 'topic', name: 'orders' });
    } catch (err) {
      error = err as HeraldError;
    }
    expect(error?.reason).toBe('PermissionDenied');
    expect(error?.message).toBe('User:alice may not delete topic "orders" (no ACL allows it)');
    expect(error?.details).toEqual({ 'herald-operation': 'delete', 'herald-resource-type': 'topic', 'herald-resource-name': 'orders' });
  });
});
