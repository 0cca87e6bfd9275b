// Original file: proto/herald/v1/admin.proto


export interface DeleteTopicResponse {
}

export interface DeleteTopicResponse__Output {
}
