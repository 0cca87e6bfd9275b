/**
 * @herald/chaos: the pieces of Herald's Jepsen-style fault harness that do not need a running
 * cluster: the history format, the checker, the report, link proxies and fault schedules.
 */
export * from './history.js';
export * from './checker.js';
export * from './report.js';
export * from './proxy.js';
export * from './link-table.js';
export * from './schedule.js';
