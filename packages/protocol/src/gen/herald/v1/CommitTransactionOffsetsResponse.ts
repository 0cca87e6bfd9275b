// Original file: proto/herald/v1/transactions.proto


export interface CommitTransactionOffsetsResponse {
}

export interface CommitTransactionOffsetsResponse__Output {
}
