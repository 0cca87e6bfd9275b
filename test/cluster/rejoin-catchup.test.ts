// A wiped node catches up without deposing anyone (issue #18). Method: three real `herald`
// processes; 16 MB written over 16 partitions (every node a replica of each); a node that does not
// lead the meta group is killed, its data deleted, and it is restarted with --rejoin
// (test/support/rejoin-catchup.ts). Until it is back in every ISR, with none of its groups
// repairing, no node may take a leadership (the log's `became leader`), and no intact node's
// host turn may take a second (the wiped node's, two: they are its writes, and a loaded disk
// took 0.8 s to sync 151 bytes), near the nodes' 1.2 s failure-detector timeout. (Pre-votes are not asserted: on a
// loaded machine a follower scheduled late misses a heartbeat now and then, and its pre-vote
// fails, as it should, while the leader's other followers hear it.) Before the catch-up budget
// (docs/design-notes.md, "Catch-up budget") this test failed: the wiped node was not back after
// 50 s, 14 partitions changed leaders and 138 elections started. After: back in 25 s, no
// leadership change, turns of 100 and 300 ms on the intact nodes, 0.7 s on the wiped one (74 s in
// all at a load of 26, most of it writing the 16 MB). Bounds are generous: the machine running
// this is shared and loaded.
import { afterAll, expect, it } from 'vitest';
import { ProcessCluster } from '../support/process-cluster.js';
import { measureRejoin } from '../support/rejoin-catchup.js';

let cluster: ProcessCluster | undefined;
afterAll(async () => {
  await cluster?.destroy();
});

it('a wiped node catches up a few MB in many partitions with no leadership change and short turns', async () => {
  cluster = await ProcessCluster.start(3);
  await cluster.ready();
  const started = performance.now();
  const progress = (step: string) => console.log(`${((performance.now() - started) / 1000).toFixed(1)} s: ${step}`);
  const measured = await measureRejoin(cluster, { megabytes: 16, partitions: 16, valueBytes: 128 << 10, timeoutMs: 50_000, progress });
  const report = JSON.stringify(measured);
  if (measured.isrBackSeconds === null || Object.keys(measured.leaderChanges).length > 0) console.log(`logs kept in ${cluster.keepLogs('rejoin-catchup')}: ${report}`);
  else console.log(report);
  expect(measured.isrBackSeconds, report).not.toBeNull();
  expect(measured.leaderChanges, report).toEqual({});
  for (const [node, turnMs] of Object.entries(measured.longestTurnMs)) expect(turnMs, `node ${node}: ${report}`).toBeLessThan(Number(node) === measured.victim ? 2_000 : 1_000);
}, 180_000);
