export { NodeStore, unknownRepairIndex, type LostWrites, type NodeStoreOptions, type StoreLogger } from './node-store.js';
export { StoreBatch } from './store-batch.js';
export type { LoadedGroup } from './load-group.js';
export { InvariantViolation } from './assert.js';
