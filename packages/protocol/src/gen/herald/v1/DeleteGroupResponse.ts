// Original file: proto/herald/v1/groups.proto


export interface DeleteGroupResponse {
}

export interface DeleteGroupResponse__Output {
}
