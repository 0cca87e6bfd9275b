// Original file: proto/herald/v1/groups.proto


export interface HeartbeatResponse {
}

export interface HeartbeatResponse__Output {
}
