// Original file: proto/herald/v1/auth.proto

import type { Long } from '@grpc/proto-loader';

export interface ScramFinishResponse {
  /**
   * The server-final message: "v=<server signature>". The client checks it before using the
   * token: a node that cannot produce it does not hold the user's credential.
   */
  'serverFinal'?: (string);
  /**
   * The session token, for `authorization: Bearer <token>`.
   */
  'token'?: (string);
  /**
   * When the token expires, in milliseconds since the epoch (node clock).
   */
  'expiresAtMs'?: (number | string | Long);
  /**
   * The principal the token names, "User:<name>".
   */
  'principal'?: (string);
}

export interface ScramFinishResponse__Output {
  /**
   * The server-final message: "v=<server signature>". The client checks it before using the
   * token: a node that cannot produce it does not hold the user's credential.
   */
  'serverFinal': (string);
  /**
   * The session token, for `authorization: Bearer <token>`.
   */
  'token': (string);
  /**
   * When the token expires, in milliseconds since the epoch (node clock).
   */
  'expiresAtMs': (number);
  /**
   * The principal the token names, "User:<name>".
   */
  'principal': (string);
}
