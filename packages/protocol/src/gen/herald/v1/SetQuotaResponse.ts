// Original file: proto/herald/v1/security.proto


export interface SetQuotaResponse {
}

export interface SetQuotaResponse__Output {
}
