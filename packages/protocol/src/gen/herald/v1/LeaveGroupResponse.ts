// Original file: proto/herald/v1/groups.proto


export interface LeaveGroupResponse {
}

export interface LeaveGroupResponse__Output {
}
