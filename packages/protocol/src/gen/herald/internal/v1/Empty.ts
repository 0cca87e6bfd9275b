// Original file: proto/herald/internal/v1/raft.proto


export interface Empty {
}

export interface Empty__Output {
}
