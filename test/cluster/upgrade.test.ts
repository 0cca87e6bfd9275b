// Shows that a cluster of the previous release upgrades to this build node by node under load:
// rolled with `herald cluster roll`'s rules, each node restarted on this build, nothing
// acknowledged with acks ALL is lost or duplicated, and the mixed cluster serves throughout.
// Method: scripts/build-release.sh builds PREVIOUS_RELEASE once (a git worktree beside the clone,
// reused by later runs); three processes of it form the cluster; rollUnderLoad() restarts each on
// the clone's compiled CLI while an idempotent producer writes with acks ALL, then reads every
// acknowledged value back exactly once, in send order per partition. The previous release reports
// no meta group ISR, so the roll counts the nodes it hears for the meta group (roll.ts metaIsr).
import { execFileSync } from 'node:child_process';
import { HeraldClient } from '@herald/client';
import { afterAll, expect, it } from 'vitest';
import { heraldCompiled, ProcessCluster, type HeraldCommand } from '../support/process-cluster.js';
import { ROOT } from '../support/herald-cli.js';
import { rollUnderLoad } from '../support/roll-under-load.js';
import { waitFor } from '../support/wait-for.js';

/** The release this build upgrades from: main before issue #16's operations work. */
const PREVIOUS_RELEASE = 'b207df845286d31a39b33988fffe48f3749ddb7c';

let cluster: ProcessCluster | undefined;
let client: HeraldClient | undefined;
afterAll(async () => {
  await client?.close();
  await cluster?.destroy();
});

it('upgrades a cluster of the previous release to this build node by node under an acks=all load', { timeout: 900_000 }, async () => {
  const entry = execFileSync('bash', [`${ROOT}scripts/build-release.sh`, PREVIOUS_RELEASE], { encoding: 'utf8', timeout: 600_000, stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  const previous: HeraldCommand = { file: process.execPath, args: [entry] };
  expect(execFileSync(process.execPath, [entry, '--version'], { encoding: 'utf8' }).trim()).toMatch(/^\d+\.\d+\.\d+/);

  cluster = await ProcessCluster.start(3, previous);
  await cluster.ready();
  client = new HeraldClient({ brokers: cluster.brokers });
  const before = await client.describeCluster();
  expect(before.controllerIsr).toEqual([]); // the previous release does not report it

  await rollUnderLoad(cluster, client, 'upgrade', heraldCompiled());
  // Every node runs this build now, and the controller reports the meta group's ISR.
  await waitFor(async () => (await client!.describeCluster()).controllerIsr.length === 3, { timeoutMs: 10_000, what: 'the meta group ISR reported' });
});
