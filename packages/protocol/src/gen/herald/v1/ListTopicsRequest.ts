// Original file: proto/herald/v1/admin.proto


export interface ListTopicsRequest {
}

export interface ListTopicsRequest__Output {
}
