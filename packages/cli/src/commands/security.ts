// `herald user|acl|quota`: the users, ACLs and quotas of a secure cluster (docs/security.md),
// through the SDK's SecurityService client. Passwords are read from standard input (or a prompt)
// unless --password is given, and never sent: the client computes the SCRAM credential.

import { createInterface } from 'node:readline';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { AclBinding, AclFilter } from '@herald/client';
import { formatTable, print, printJson } from '../output.js';
import { withClient, withClusterOptions, type ClusterOptions } from '../options.js';

const OPERATIONS = ['read', 'write', 'create', 'delete', 'alter', 'describe', 'all'] as const;

/** A password: --password, else the first line of standard input (a pipe, or typed). */
async function password(given: string | undefined, what: string): Promise<string> {
  if (given !== undefined) return given;
  if (process.stdin.isTTY === true) process.stderr.write(`${what}: `);
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    lines.close();
    if (line === '') break;
    return line;
  }
  throw new InvalidArgumentError(`${what}: none given (pass --password, or one line on standard input)`);
}

function principal(value: string): `User:${string}` {
  const full = value.startsWith('User:') ? value : `User:${value}`;
  if (!/^User:(\*|[a-zA-Z0-9._-]{1,249})$/.test(full)) throw new InvalidArgumentError(`"${value}" is not a principal (User:<name>, a user name, or User:*)`);
  return full as `User:${string}`;
}

interface AclOptions extends ClusterOptions {
  principal?: `User:${string}`;
  operation?: (typeof OPERATIONS)[number];
  topic?: string;
  group?: string;
  queue?: string;
  transactionalId?: string;
  cluster?: boolean;
  prefixed?: boolean;
  deny?: boolean;
  json?: boolean;
}

/** The resource an acl command names: exactly one of --topic, --group, --queue,
 *  --transactional-id, --cluster. */
function resourceOf(options: AclOptions, required: boolean): Pick<AclBinding, 'resourceType' | 'resourceName'> | undefined {
  const given = [
    options.topic === undefined ? undefined : (['topic', options.topic] as const),
    options.group === undefined ? undefined : (['group', options.group] as const),
    options.queue === undefined ? undefined : (['queue', options.queue] as const),
    options.transactionalId === undefined ? undefined : (['transactional-id', options.transactionalId] as const),
    options.cluster === true ? (['cluster', 'herald-cluster'] as const) : undefined,
  ].filter((r) => r !== undefined);
  if (given.length > 1) throw new InvalidArgumentError('name one resource: --topic, --group, --queue, --transactional-id or --cluster');
  if (given.length === 0) {
    if (required) throw new InvalidArgumentError('name the resource: --topic, --group, --queue, --transactional-id or --cluster');
    return undefined;
  }
  const [type, name] = given[0]!;
  return { resourceType: type, resourceName: name };
}

function aclOptions(command: Command, forFilter: boolean): Command {
  return withClusterOptions(
    command
      .addOption(forFilter ? new Option('--principal <principal>', 'User:<name> or User:*').argParser(principal) : new Option('--principal <principal>', 'User:<name> or User:*').argParser(principal).makeOptionMandatory())
      .addOption(forFilter ? new Option('--operation <op>', 'the operation').choices(OPERATIONS) : new Option('--operation <op>', 'the operation').choices(OPERATIONS).makeOptionMandatory())
      .option('--topic <name>', 'a topic (or a prefix, with --prefixed; * for every topic)')
      .option('--group <name>', 'a consumer group (or a prefix)')
      .option('--queue <name>', 'a queue subscription (or a prefix)')
      .option('--transactional-id <id>', "a Kafka transactional producer's id (or a prefix)")
      .option('--cluster', 'the cluster itself (create topics, alter users, ACLs, quotas and leadership, describe)')
      .option('--prefixed', 'the name is a prefix: every resource whose name starts with it')
      .option('--deny', 'deny instead of allow (a deny wins over every allow)')
      .option('--json', 'print JSON'),
  );
}

function aclTable(bindings: readonly AclBinding[]): string {
  return formatTable(
    ['PERMISSION', 'PRINCIPAL', 'OPERATION', 'RESOURCE', 'NAME', 'PATTERN'],
    bindings.map((b) => [b.permission, b.principal, b.operation, b.resourceType, b.resourceName, b.patternType]),
  );
}

/** `herald user create|list|delete|passwd`. */
export function registerUser(user: Command): void {
  withClusterOptions(
    user
      .command('create')
      .description('create a user with SCRAM-SHA-256 and SCRAM-SHA-512 credentials (the password is read from standard input unless --password is given)')
      .argument('<name>', 'the user name: 1 to 249 characters of [a-zA-Z0-9._-]')
      .option('--password <password>', 'the password (visible in the process list: prefer standard input)'),
  ).action(async (name: string, options: ClusterOptions & { password?: string }) => {
    const secret = await password(options.password, `password for ${name}`);
    await withClient(options, (client) => client.security.createUser(name, secret));
    print(`created user ${name} (User:${name}); grant it permissions with herald acl add --principal User:${name} ...`);
  });

  withClusterOptions(user.command('list').description('list the users and their credentials (mechanisms and iterations, never keys)').option('--json', 'print JSON')).action(
    async (options: ClusterOptions & { json?: boolean }) => {
      const users = await withClient(options, (client) => client.security.listUsers());
      if (options.json === true) return printJson(users);
      if (users.length === 0) return print('no users');
      print(formatTable(['NAME', 'MECHANISMS'], users.map((u) => [u.name, u.credentials.map((c) => `${c.mechanism} (${c.iterations} iterations)`).join(', ')])));
    },
  );

  withClusterOptions(user.command('delete').description('delete a user: its sessions end at once').argument('<name>', 'the user')).action(async (name: string, options: ClusterOptions) => {
    await withClient(options, (client) => client.security.deleteUser(name));
    print(`deleted user ${name}`);
  });

  withClusterOptions(
    user
      .command('passwd')
      .description("change a user's password (yours, or anyone's with alter on the cluster); read from standard input unless --password is given")
      .argument('<name>', 'the user')
      .option('--password <password>', 'the new password'),
  ).action(async (name: string, options: ClusterOptions & { password?: string }) => {
    const secret = await password(options.password, `new password for ${name}`);
    await withClient(options, (client) => client.security.setPassword(name, secret));
    print(`changed the password of ${name}`);
  });
}

/** `herald acl add|list|remove`. */
export function registerAcl(acl: Command): void {
  aclOptions(acl.command('add').description('allow (or, with --deny, deny) a principal an operation on a resource'), false).action(async (options: AclOptions) => {
    const resource = resourceOf(options, true)!;
    const binding: AclBinding = {
      principal: options.principal!,
      operation: options.operation!,
      ...resource,
      patternType: options.prefixed === true ? 'prefixed' : 'literal',
      permission: options.deny === true ? 'deny' : 'allow',
    };
    await withClient(options, (client) => client.security.createAcls([binding]));
    if (options.json === true) return printJson(binding);
    print(`added: ${binding.permission} ${binding.principal} ${binding.operation} ${binding.resourceType} ${binding.patternType === 'prefixed' ? 'prefixed ' : ''}"${binding.resourceName}"`);
  });

  aclOptions(acl.command('list').description('list ACLs, all or those matching the options given'), true).action(async (options: AclOptions) => {
    const acls = await withClient(options, (client) => client.security.listAcls(filterOf(options)));
    if (options.json === true) return printJson(acls);
    print(acls.length === 0 ? 'no ACLs' : aclTable(acls));
  });

  aclOptions(acl.command('remove').description('remove the ACLs matching every option given (at least one)'), true).action(async (options: AclOptions) => {
    const filter = filterOf(options);
    if (Object.keys(filter).length === 0) throw new InvalidArgumentError('name at least one of --principal, --operation, --topic, --group, --queue, --transactional-id, --cluster: removing every ACL at once is not done by accident');
    const removed = await withClient(options, (client) => client.security.deleteAcls([filter]));
    if (options.json === true) return printJson(removed);
    print(removed.length === 0 ? 'no ACL matched' : `removed ${removed.length}:\n${aclTable(removed)}`);
  });
}

function filterOf(options: AclOptions): AclFilter {
  const resource = resourceOf(options, false);
  const filter: { -readonly [K in keyof AclFilter]: AclFilter[K] } = { ...resource };
  if (options.principal !== undefined) filter.principal = options.principal;
  if (options.operation !== undefined) filter.operation = options.operation;
  if (options.prefixed === true) filter.patternType = 'prefixed';
  if (options.deny === true) filter.permission = 'deny';
  return filter;
}

function rate(value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value) || Number(value) <= 0) throw new InvalidArgumentError(`"${value}" is not a positive number`);
  return Number(value);
}

/** `herald quota set|list`. */
export function registerQuota(quota: Command): void {
  withClusterOptions(
    quota
      .command('set')
      .description("set a principal's quotas per node (User:* is the default of principals without their own); over a quota, answers are slowed down, not refused; none of the three options removes the quota")
      .argument('<principal>', 'User:<name>, a user name, or User:*', principal)
      .option('--produce-bytes <n>', 'record bytes produced per second', rate)
      .option('--fetch-bytes <n>', 'record bytes fetched per second', rate)
      .option('--requests <n>', 'requests per second', rate),
  ).action(async (who: `User:${string}`, options: ClusterOptions & { produceBytes?: number; fetchBytes?: number; requests?: number }) => {
    const limits = { produceBytesPerSecond: options.produceBytes, fetchBytesPerSecond: options.fetchBytes, requestsPerSecond: options.requests };
    await withClient(options, (client) => client.security.setQuota(who, limits));
    print(Object.values(limits).every((v) => v === undefined) ? `removed the quota of ${who}` : `set the quota of ${who}`);
  });

  withClusterOptions(quota.command('list').description('list the quotas').argument('[principal]', 'only this principal', principal).option('--json', 'print JSON')).action(
    async (who: `User:${string}` | undefined, options: ClusterOptions & { json?: boolean }) => {
      const quotas = await withClient(options, (client) => client.security.listQuotas(who));
      if (options.json === true) return printJson(quotas);
      if (quotas.length === 0) return print('no quotas');
      const cell = (n: number | undefined) => (n === undefined ? '-' : String(n));
      print(formatTable(['PRINCIPAL', 'PRODUCE B/S', 'FETCH B/S', 'REQUESTS/S'], quotas.map((q) => [q.principal, cell(q.quota.produceBytesPerSecond), cell(q.quota.fetchBytesPerSecond), cell(q.quota.requestsPerSecond)])));
    },
  );
}
