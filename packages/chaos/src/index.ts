/**
 * @herald/chaos: Herald's Jepsen-style fault harness. The history format, the checker and the
 * report work on any recorded history; link proxies, node processes, fault injection, the
 * workloads (producers, consumers, a consumer group, a queue subscription) and runChaos() run a
 * whole chaos test against a local cluster; runCampaign() runs seeded tests until a number of
 * fault cycles is reached, and adds them up; runOps() operates a cluster (upgrade, grow,
 * rebalance, decommission, roll) under the same workload and checker.
 */
export * from './history.js';
export * from './checker.js';
export * from './report.js';
export * from './proxy.js';
export * from './link-table.js';
export * from './schedule.js';
export * from './duration.js';
export * from './corrupt.js';
export * from './node-processes.js';
export * from './ports.js';
export * from './workload.js';
export * from './consumer-workloads.js';
export * from './final-read.js';
export * from './faults.js';
export * from './cluster-security.js';
export * from './run.js';
export * from './host-faults.js';
export * from './campaign.js';
export * from './protocol-workloads.js';
export * from './kafka-workload.js';
export * from './mqtt-workload.js';
export * from './half-workload.js';
export * from './ops.js';
export * from './txn-workload.js';
export { stronglyConnected } from './txn-checks.js';
