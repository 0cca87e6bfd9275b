// Original file: proto/herald/v1/security.proto


export interface CredentialInfo {
  'mechanism'?: (string);
  'iterations'?: (number);
}

export interface CredentialInfo__Output {
  'mechanism': (string);
  'iterations': (number);
}
