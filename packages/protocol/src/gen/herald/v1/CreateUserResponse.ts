// Original file: proto/herald/v1/security.proto


export interface CreateUserResponse {
}

export interface CreateUserResponse__Output {
}
