// Original file: proto/herald/v1/transactions.proto


export interface TransactionPartition {
  'topic'?: (string);
  'partition'?: (number);
}

export interface TransactionPartition__Output {
  'topic': (string);
  'partition': (number);
}
