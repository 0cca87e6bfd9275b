// Original file: proto/herald/internal/v1/raft.proto


/**
 * The answer to a Heartbeat.
 */
export interface HeartbeatResponse {
}

/**
 * The answer to a Heartbeat.
 */
export interface HeartbeatResponse__Output {
}
