// Original file: proto/herald/internal/v1/raft.proto

import type { Vote as _herald_internal_v1_Vote, Vote__Output as _herald_internal_v1_Vote__Output } from '../../../herald/internal/v1/Vote.js';
import type { VoteResponse as _herald_internal_v1_VoteResponse, VoteResponse__Output as _herald_internal_v1_VoteResponse__Output } from '../../../herald/internal/v1/VoteResponse.js';
import type { Append as _herald_internal_v1_Append, Append__Output as _herald_internal_v1_Append__Output } from '../../../herald/internal/v1/Append.js';
import type { AppendResponse as _herald_internal_v1_AppendResponse, AppendResponse__Output as _herald_internal_v1_AppendResponse__Output } from '../../../herald/internal/v1/AppendResponse.js';
import type { Heartbeat as _herald_internal_v1_Heartbeat, Heartbeat__Output as _herald_internal_v1_Heartbeat__Output } from '../../../herald/internal/v1/Heartbeat.js';
import type { HeartbeatResponse as _herald_internal_v1_HeartbeatResponse, HeartbeatResponse__Output as _herald_internal_v1_HeartbeatResponse__Output } from '../../../herald/internal/v1/HeartbeatResponse.js';
import type { InstallSnapshot as _herald_internal_v1_InstallSnapshot, InstallSnapshot__Output as _herald_internal_v1_InstallSnapshot__Output } from '../../../herald/internal/v1/InstallSnapshot.js';
import type { TimeoutNow as _herald_internal_v1_TimeoutNow, TimeoutNow__Output as _herald_internal_v1_TimeoutNow__Output } from '../../../herald/internal/v1/TimeoutNow.js';
import type { Long } from '@grpc/proto-loader';

/**
 * raft's Message: an envelope (from, to, term) and exactly one body.
 */
export interface RaftMessage {
  /**
   * The sending node's id, at least 1.
   */
  'from'?: (number);
  /**
   * The receiving node's id, at least 1.
   */
  'to'?: (number);
  /**
   * The sender's current term.
   */
  'term'?: (number | string | Long);
  'vote'?: (_herald_internal_v1_Vote | null);
  'voteResponse'?: (_herald_internal_v1_VoteResponse | null);
  'append'?: (_herald_internal_v1_Append | null);
  'appendResponse'?: (_herald_internal_v1_AppendResponse | null);
  'heartbeat'?: (_herald_internal_v1_Heartbeat | null);
  'heartbeatResponse'?: (_herald_internal_v1_HeartbeatResponse | null);
  'installSnapshot'?: (_herald_internal_v1_InstallSnapshot | null);
  'timeoutNow'?: (_herald_internal_v1_TimeoutNow | null);
  /**
   * The message type and its fields. Exactly one is set; a message with none is refused.
   */
  'body'?: "vote"|"voteResponse"|"append"|"appendResponse"|"heartbeat"|"heartbeatResponse"|"installSnapshot"|"timeoutNow";
}

/**
 * raft's Message: an envelope (from, to, term) and exactly one body.
 */
export interface RaftMessage__Output {
  /**
   * The sending node's id, at least 1.
   */
  'from': (number);
  /**
   * The receiving node's id, at least 1.
   */
  'to': (number);
  /**
   * The sender's current term.
   */
  'term': (number);
  'vote'?: (_herald_internal_v1_Vote__Output | null);
  'voteResponse'?: (_herald_internal_v1_VoteResponse__Output | null);
  'append'?: (_herald_internal_v1_Append__Output | null);
  'appendResponse'?: (_herald_internal_v1_AppendResponse__Output | null);
  'heartbeat'?: (_herald_internal_v1_Heartbeat__Output | null);
  'heartbeatResponse'?: (_herald_internal_v1_HeartbeatResponse__Output | null);
  'installSnapshot'?: (_herald_internal_v1_InstallSnapshot__Output | null);
  'timeoutNow'?: (_herald_internal_v1_TimeoutNow__Output | null);
  /**
   * The message type and its fields. Exactly one is set; a message with none is refused.
   */
  'body'?: "vote"|"voteResponse"|"append"|"appendResponse"|"heartbeat"|"heartbeatResponse"|"installSnapshot"|"timeoutNow";
}
