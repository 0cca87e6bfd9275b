// Original file: proto/herald/internal/v1/raft.proto


/**
 * Asks the receiver to start an election at once (leadership transfer).
 */
export interface TimeoutNow {
}

/**
 * Asks the receiver to start an election at once (leadership transfer).
 */
export interface TimeoutNow__Output {
}
