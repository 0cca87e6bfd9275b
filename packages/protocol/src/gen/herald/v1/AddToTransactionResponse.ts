// Original file: proto/herald/v1/transactions.proto


export interface AddToTransactionResponse {
}

export interface AddToTransactionResponse__Output {
}
