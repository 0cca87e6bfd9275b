// Original file: proto/herald/v1/admin.proto


export interface RemoveNodeResponse {
}

export interface RemoveNodeResponse__Output {
}
