// Original file: proto/herald/v1/security.proto


export interface DeleteUserResponse {
}

export interface DeleteUserResponse__Output {
}
