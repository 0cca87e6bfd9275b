// Shows that `herald cluster roll` restarts every node of a live cluster, one at a time, without
// losing or duplicating anything acknowledged with acks ALL, and measures what each node's restart
// costs the clients. Method: three real `herald` processes; an idempotent producer writes unique
// values to three partitions (replication factor 3) at a steady pace, at most 64 unanswered,
// while rollCluster() (what the command runs) restarts every node with a clean stop (SIGTERM) and
// a start; afterwards every acknowledged value must be read back exactly once, at its
// acknowledged offset, in send order per partition. Printed per node: its stop and start times,
// how long until it was back in every ISR, the longest time without any acknowledgement while it
// was away, and the slowest acknowledgement of a record sent then.
import { HeraldClient } from '@herald/client';
import { afterAll, it } from 'vitest';
import { ProcessCluster } from '../support/process-cluster.js';
import { rollUnderLoad } from '../support/roll-under-load.js';

let cluster: ProcessCluster | undefined;
let client: HeraldClient | undefined;
afterAll(async () => {
  await client?.close();
  await cluster?.destroy();
});

it('rolls every node under an acks=all load, losing and duplicating nothing acknowledged', { timeout: 300_000 }, async () => {
  cluster = await ProcessCluster.start(3);
  await cluster.ready();
  client = new HeraldClient({ brokers: cluster.brokers });
  await rollUnderLoad(cluster, client, 'roll');
});
