// The fixed limits of what a request may ask for, in one place. What an operator may tune lives
// in the node's configuration instead (config/config.ts: message, request and stream limits,
// timeouts).

/** The most partitions a topic may have; partition ids run from 0 to PARTITIONS_MAX - 1. */
export const PARTITIONS_MAX = 1024;
/** The highest partition id a request may name. */
export const PARTITION_ID_MAX = PARTITIONS_MAX - 1;

/** Fetch and Subscribe: the bytes of one answer when the request does not say, and the most. */
export const FETCH_BYTES_DEFAULT = 1 << 20;
export const FETCH_BYTES_MAX = 64 << 20;

/** ProduceStream: requests in flight before the stream stops reading. */
export const PRODUCE_STREAM_INFLIGHT_MAX = 4096;

/** Topic configs: the largest max.message.bytes a topic may set. */
export const TOPIC_MESSAGE_BYTES_MAX = 64 << 20;

/** Consumer groups. */
export const GROUP_TOPICS_MAX = 1_000;
export const GROUP_OFFSETS_MAX = 10_000;
export const GROUP_OFFSET_METADATA_BYTES_MAX = 4_096;
export const GROUP_MEMBER_ID_BYTES_MAX = 512;
export const GROUP_CLIENT_ID_BYTES_MAX = 256;
export const GROUP_SESSION_TIMEOUT_DEFAULT_MS = 10_000;
export const GROUP_REBALANCE_TIMEOUT_DEFAULT_MS = 60_000;
export const GROUP_REBALANCE_TIMEOUT_MAX_MS = 3_600_000;

/** Queue subscriptions. */
export const QUEUE_RECORDS_DEFAULT = 100;
export const QUEUE_RECORDS_MAX = 10_000;
export const QUEUE_ACK_TIMEOUT_MIN_MS = 100;
export const QUEUE_ACK_TIMEOUT_DEFAULT_MS = 30_000;
export const QUEUE_ACK_TIMEOUT_MAX_MS = 12 * 3_600_000;
export const QUEUE_NACK_DELAY_MAX_MS = 7 * 86_400_000;
export const QUEUE_MEMBER_BYTES_MAX = 512;

/** The longest a long poll (Fetch, Receive) may ask to wait; the node's config caps it lower. */
export const WAIT_MS_MAX = 3_600_000;
/** The longest a produce may ask to wait for its acks. */
export const PRODUCE_TIMEOUT_MS_MAX = 300_000;

/** WatchChecks streams (half-message check-backs) a node serves at once. */
export const CHECK_STREAMS_MAX = 10_000;

/** A half message's id: 1 to HALF_ID_MAX of [a-zA-Z0-9._-]. */
export const HALF_ID_MAX = 128;
