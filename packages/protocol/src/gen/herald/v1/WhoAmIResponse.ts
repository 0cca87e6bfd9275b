// Original file: proto/herald/v1/auth.proto


export interface WhoAmIResponse {
  /**
   * "User:<name>".
   */
  'principal'?: (string);
  /**
   * Whether the principal is a superuser (allowed everything, whatever the ACLs say).
   */
  'superuser'?: (boolean);
  /**
   * How the call was authenticated: "token" or "certificate".
   */
  'authenticatedBy'?: (string);
}

export interface WhoAmIResponse__Output {
  /**
   * "User:<name>".
   */
  'principal': (string);
  /**
   * Whether the principal is a superuser (allowed everything, whatever the ACLs say).
   */
  'superuser': (boolean);
  /**
   * How the call was authenticated: "token" or "certificate".
   */
  'authenticatedBy': (string);
}
