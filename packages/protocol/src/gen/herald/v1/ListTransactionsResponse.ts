// Original file: proto/herald/v1/transactions.proto

import type { TransactionDescription as _herald_v1_TransactionDescription, TransactionDescription__Output as _herald_v1_TransactionDescription__Output } from '../../herald/v1/TransactionDescription.js';

export interface ListTransactionsResponse {
  'transactions'?: (_herald_v1_TransactionDescription)[];
}

export interface ListTransactionsResponse__Output {
  'transactions': (_herald_v1_TransactionDescription__Output)[];
}
