export { ConfigError, loadConfig, localPeer, NodeConfigSchema, parsePeers, type NodeConfig, type Peer } from './config/config.js';
export { HeraldNode, HERALD_VERSION } from './node.js';
export { nodeLogger, startNode, type RunningNode } from './server.js';
export { Acks } from './partition/partition.js';
