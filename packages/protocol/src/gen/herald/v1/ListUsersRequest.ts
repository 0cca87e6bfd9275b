// Original file: proto/herald/v1/security.proto


export interface ListUsersRequest {
}

export interface ListUsersRequest__Output {
}
