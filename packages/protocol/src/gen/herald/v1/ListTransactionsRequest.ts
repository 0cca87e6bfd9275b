// Original file: proto/herald/v1/transactions.proto


export interface ListTransactionsRequest {
}

export interface ListTransactionsRequest__Output {
}
