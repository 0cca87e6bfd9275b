// Original file: proto/herald/v1/groups.proto


export interface ListGroupsRequest {
}

export interface ListGroupsRequest__Output {
}
