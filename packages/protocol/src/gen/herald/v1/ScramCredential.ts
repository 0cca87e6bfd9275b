// Original file: proto/herald/v1/security.proto


/**
 * A SCRAM credential as stored (RFC 5802 §3): what a node needs to check a proof, and nothing
 * that lets it log in as the user.
 */
export interface ScramCredential {
  /**
   * "SCRAM-SHA-256" or "SCRAM-SHA-512".
   */
  'mechanism'?: (string);
  /**
   * 16 to 1,024 random bytes.
   */
  'salt'?: (Buffer | Uint8Array | string);
  /**
   * PBKDF2 iterations, 4,096 to 1,000,000.
   */
  'iterations'?: (number);
  /**
   * H(HMAC(SaltedPassword, "Client Key")): 32 bytes for SHA-256, 64 for SHA-512.
   */
  'storedKey'?: (Buffer | Uint8Array | string);
  /**
   * HMAC(SaltedPassword, "Server Key"): 32 bytes for SHA-256, 64 for SHA-512.
   */
  'serverKey'?: (Buffer | Uint8Array | string);
}

/**
 * A SCRAM credential as stored (RFC 5802 §3): what a node needs to check a proof, and nothing
 * that lets it log in as the user.
 */
export interface ScramCredential__Output {
  /**
   * "SCRAM-SHA-256" or "SCRAM-SHA-512".
   */
  'mechanism': (string);
  /**
   * 16 to 1,024 random bytes.
   */
  'salt': (Buffer);
  /**
   * PBKDF2 iterations, 4,096 to 1,000,000.
   */
  'iterations': (number);
  /**
   * H(HMAC(SaltedPassword, "Client Key")): 32 bytes for SHA-256, 64 for SHA-512.
   */
  'storedKey': (Buffer);
  /**
   * HMAC(SaltedPassword, "Server Key"): 32 bytes for SHA-256, 64 for SHA-512.
   */
  'serverKey': (Buffer);
}
