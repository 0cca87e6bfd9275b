export { ConfigError, loadConfig, localPeer, NodeConfigSchema, parsePeers, type NodeConfig, type Peer } from './config/config.js';
export { HeraldNode, HERALD_VERSION, type HostedPartition, type PartitionView } from './node.js';
export { nodeLogger, startNode, type Listener, type ListenerFactory, type RunningNode } from './server.js';
export { Acks } from './partition/partition-leader.js';
export { systemClock, type Clock, type Timer } from './host/clock.js';
export { createTopic, deleteRecords, deleteTopic, describeTopic, transferLeadership, type CreateTopicRequest, type TopicDescription } from './topics.js';
export { prepareProduce, produce, ProducePipeline, type ProduceAnswer, type ProduceRequest } from './produce.js';
export { checkMember, checkOffset, fetch, startOffset, type FetchRequest, type GroupMemberRead, type StartPosition } from './consume.js';
export { deleteSubscription, describeSubscriptions, type SubscriptionDescription } from './queues.js';
