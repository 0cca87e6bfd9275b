// Original file: proto/herald/v1/security.proto


export interface SetUserCredentialsResponse {
}

export interface SetUserCredentialsResponse__Output {
}
