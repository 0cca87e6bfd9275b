// Original file: proto/herald/v1/security.proto


export interface CreateAclsResponse {
}

export interface CreateAclsResponse__Output {
}
