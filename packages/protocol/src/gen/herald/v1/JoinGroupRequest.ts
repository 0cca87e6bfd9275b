// Original file: proto/herald/v1/groups.proto


export interface JoinGroupRequest {
  /**
   * The group's name: 1 to 249 characters of [a-zA-Z0-9._-].
   */
  'group'?: (string);
  /**
   * Empty for a new member; the id JoinGroup gave before for a member rejoining.
   */
  'memberId'?: (string);
  /**
   * Who the member is, for people reading DescribeGroup (e.g. "billing-worker-3").
   */
  'clientId'?: (string);
  /**
   * The topics the member consumes. Topics that do not exist yet are assigned once created.
   */
  'topics'?: (string)[];
  /**
   * Assignment strategies the member supports, most preferred first: "range",
   * "roundrobin", "sticky". Empty means ["range"]. The group uses the first strategy of its
   * oldest member that every member supports.
   */
  'strategies'?: (string)[];
  /**
   * A member not heard from for this long is removed; 0 means 10000. Bounded by the
   * broker's groups.minSessionTimeoutMs and groups.maxSessionTimeoutMs.
   */
  'sessionTimeoutMs'?: (number);
  /**
   * How long a rebalance waits for this member to rejoin before removing it; 0 means 60000.
   */
  'rebalanceTimeoutMs'?: (number);
}

export interface JoinGroupRequest__Output {
  /**
   * The group's name: 1 to 249 characters of [a-zA-Z0-9._-].
   */
  'group': (string);
  /**
   * Empty for a new member; the id JoinGroup gave before for a member rejoining.
   */
  'memberId': (string);
  /**
   * Who the member is, for people reading DescribeGroup (e.g. "billing-worker-3").
   */
  'clientId': (string);
  /**
   * The topics the member consumes. Topics that do not exist yet are assigned once created.
   */
  'topics': (string)[];
  /**
   * Assignment strategies the member supports, most preferred first: "range",
   * "roundrobin", "sticky". Empty means ["range"]. The group uses the first strategy of its
   * oldest member that every member supports.
   */
  'strategies': (string)[];
  /**
   * A member not heard from for this long is removed; 0 means 10000. Bounded by the
   * broker's groups.minSessionTimeoutMs and groups.maxSessionTimeoutMs.
   */
  'sessionTimeoutMs': (number);
  /**
   * How long a rebalance waits for this member to rejoin before removing it; 0 means 60000.
   */
  'rebalanceTimeoutMs': (number);
}
