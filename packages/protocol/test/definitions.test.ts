// Shows that the package loads Herald's .proto files from source and from a build, that the
// committed generated types match the .proto files, and that nothing in the package loads
// @grpc/grpc-js at run time. Method: load the definitions and inspect them; run
// scripts/gen-proto.sh --check; scan the sources' import statements.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { API_PROTO_FILES, loadApiDefinition, loadPeerDefinition, protoDir } from '../src/index.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const srcDir = fileURLToPath(new URL('../src/', import.meta.url));

describe('definitions', () => {
  it('finds the repository proto/ folder', () => {
    expect(protoDir()).toBe(join(repoRoot, 'proto/'));
    for (const file of API_PROTO_FILES) expect(readFileSync(join(protoDir(), file), 'utf8')).toContain('package herald.v1;');
  });

  it('the API has its public services and their methods, and nothing internal', () => {
    const api = loadApiDefinition();
    const methods = (service: string) => Object.keys(api[`herald.v1.${service}`] as object).sort();
    expect(methods('ProduceService')).toEqual(['Produce', 'ProduceStream']);
    expect(methods('ConsumeService')).toEqual(['Fetch', 'ListOffsets', 'Subscribe']);
    expect(methods('AdminService')).toEqual(
      ['AddNode', 'CreateTopic', 'DecommissionNode', 'DeleteRecords', 'DeleteTopic', 'DescribeCluster', 'DescribeTopic', 'ListTopics', 'ReassignPartitions', 'RebalanceCluster', 'RemoveNode', 'TransferController', 'TransferLeadership'].sort(),
    );
    expect(methods('GroupService')).toEqual(
      ['CommitOffsets', 'DeleteGroup', 'DescribeGroup', 'FetchOffsets', 'Heartbeat', 'JoinGroup', 'LeaveGroup', 'ListGroups', 'ResetOffsets'].sort(),
    );
    expect(methods('AuthService')).toEqual(['ScramFinish', 'ScramStart', 'WhoAmI']);
    expect(methods('SecurityService')).toEqual(
      ['CreateAcls', 'CreateUser', 'DeleteAcls', 'DeleteUser', 'ListAcls', 'ListQuotas', 'ListUsers', 'SetQuota', 'SetUserCredentials'].sort(),
    );
    expect(methods('TransactionService')).toEqual(
      ['AddToTransaction', 'CommitTransactionOffsets', 'EndHalf', 'EndTransaction', 'InitTransactions', 'ListHalves', 'ListTransactions', 'SendHalf', 'WatchChecks'].sort(),
    );
    expect(Object.keys(api).filter((name) => name.includes('internal'))).toEqual([]);
  });

  it('streams are where the API says', () => {
    const api = loadApiDefinition();
    const kind = (service: string, method: string) => {
      const m = (api[`herald.v1.${service}`] as Record<string, { requestStream: boolean; responseStream: boolean }>)[method]!;
      return `${m.requestStream ? 'stream' : 'unary'}→${m.responseStream ? 'stream' : 'unary'}`;
    };
    expect(kind('ProduceService', 'Produce')).toBe('unary→unary');
    expect(kind('ProduceService', 'ProduceStream')).toBe('stream→stream');
    expect(kind('ConsumeService', 'Fetch')).toBe('unary→unary');
    expect(kind('ConsumeService', 'Subscribe')).toBe('unary→stream');
    expect(kind('TransactionService', 'WatchChecks')).toBe('unary→stream');
    const peer = loadPeerDefinition()['herald.internal.v1.RaftTransport'] as Record<string, { requestStream: boolean; responseStream: boolean }>;
    expect(peer['Send']).toMatchObject({ requestStream: true, responseStream: false });
  });

  it('decodes with the agreed loader options: camelCase, numbers for 64-bit, enum names, defaults, Buffers', () => {
    const produce = (loadApiDefinition()['herald.v1.ProduceService'] as Record<string, { requestSerialize(v: object): Buffer; requestDeserialize(b: Buffer): Record<string, unknown> }>)['Produce']!;
    const back = produce.requestDeserialize(produce.requestSerialize({ topic: 't', acks: 'ACKS_ALL', correlationId: 2 ** 40 }));
    expect(back).toEqual({ topic: 't', partition: 0, acks: 'ACKS_ALL', batch: Buffer.alloc(0), timeoutMs: 0, correlationId: 2 ** 40 });
    expect(Buffer.isBuffer(back['batch'])).toBe(true);
    const empty = produce.requestDeserialize(Buffer.alloc(0));
    expect(empty['acks']).toBe('ACKS_UNSPECIFIED');
  });

  it('loads from the build too (dist/ sits where src/ does)', () => {
    const script = `import('${join(repoRoot, 'packages/protocol/dist/definitions.js')}').then((m) => console.log(m.protoDir()))`;
    const built = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    // scripts/test.sh builds (tsc -b) before it tests; run `pnpm build` first when running alone.
    expect(built.stderr, 'is packages/protocol/dist built? run pnpm build').toBe('');
    expect(built.stdout.trim()).toBe(join(repoRoot, 'proto/'));
  });
});

describe('generated code', () => {
  it('src/gen matches proto/ (scripts/gen-proto.sh --check)', () => {
    const check = spawnSync('bash', [join(repoRoot, 'scripts/gen-proto.sh'), '--check'], { encoding: 'utf8' });
    expect(check.stderr + check.stdout).toContain('is up to date');
    expect(check.status).toBe(0);
  });

  it('no source file imports @grpc/grpc-js at run time (type-only imports are erased)', () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.ts')) {
          const source = readFileSync(path, 'utf8');
          for (const match of source.matchAll(/^\s*(import|export)\b(?!\s+type\b)[^;]*?from\s+['"]@grpc\/grpc-js['"]/gm)) {
            offenders.push(`${path}: ${match[0].trim()}`);
          }
          if (/require\(['"]@grpc\/grpc-js['"]\)|import\(['"]@grpc\/grpc-js['"]\)/.test(source)) offenders.push(path);
        }
      }
    };
    walk(srcDir);
    expect(offenders).toEqual([]);
    // The check can fail: it sees a runtime import.
    expect("import { Metadata } from '@grpc/grpc-js';").toMatch(/^\s*(import|export)\b(?!\s+type\b)[^;]*?from\s+['"]@grpc\/grpc-js['"]/m);
  });
});
