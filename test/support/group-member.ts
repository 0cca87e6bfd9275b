import type * as grpc from '@grpc/grpc-js';
import { call, reasonOf, type TestCluster } from './cluster.js';

export interface TopicPartitions { topic: string; partitions: number[] }
export interface JoinGroupResponse { memberId: string; generation: number; strategy: string; assignment: TopicPartitions[]; heartbeatIntervalMs: number; memberCount: number }

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const flat = (a: TopicPartitions[]) => a.flatMap((tp) => tp.partitions.map((p) => `${tp.topic}/${p}`)).sort();

/** Reasons after which a call is sent again (to the controller, found anew). */
const redirect = new Set(['NotLeader', 'NoLeader', 'ShuttingDown']);

/** Calls a GroupService method at the controller, following it across failovers. */
export async function atController<T>(cluster: TestCluster, method: string, request: object, timeoutMs = 20_000, callDeadlineMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let err: unknown;
    try {
      const controller = await cluster.controller(Math.max(1, deadline - Date.now()));
      return await call<T>(cluster.client(controller).groups, method, request, callDeadlineMs);
    } catch (e) {
      err = e;
    }
    const reason = reasonOf(err);
    const code = (err as grpc.ServiceError).code;
    // 14 UNAVAILABLE: the node went away mid-call; 4: a deadline during a failover.
    const retry = (reason !== undefined && redirect.has(reason)) || code === 14 || code === 4 || (err instanceof Error && err.message.startsWith('timed out'));
    if (!retry || Date.now() > deadline) throw err;
    await sleep(50);
  }
}

export interface MemberOptions {
  readonly group: string;
  readonly topics: readonly string[];
  readonly clientId?: string;
  readonly sessionTimeoutMs?: number;
  readonly rebalanceTimeoutMs?: number;
  readonly strategies?: readonly string[];
  /** Called before the member rejoins (its partitions are revoked): commit what was processed. */
  readonly onRevoke?: (member: TestMember) => Promise<void>;
  /** Called once a join returned a new assignment. */
  readonly onAssigned?: (member: TestMember) => void;
}

/**
 * A consumer-group member over raw gRPC, the way a client library drives the protocol: join,
 * heartbeat every heartbeat_interval_ms, rejoin when told a rebalance started (after onRevoke),
 * join afresh when its membership was lost. kill() stops it without leaving, like a crash.
 */
export class TestMember {
  memberId = '';
  generation = 0;
  assignment: string[] = [];
  heartbeatIntervalMs = 1_000;
  /** Every assignment this member received, with when. */
  readonly history: { atMs: number; generation: number; assignment: string[] }[] = [];
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(
    readonly cluster: TestCluster,
    readonly options: MemberOptions,
  ) {}

  async join(): Promise<JoinGroupResponse> {
    const o = this.options;
    const res = await atController<JoinGroupResponse>(
      this.cluster,
      'joinGroup',
      {
        group: o.group,
        memberId: this.memberId,
        clientId: o.clientId ?? 'test',
        topics: o.topics,
        strategies: o.strategies ?? [],
        sessionTimeoutMs: o.sessionTimeoutMs ?? 0,
        rebalanceTimeoutMs: o.rebalanceTimeoutMs ?? 0,
      },
      60_000,
      30_000,
    );
    this.memberId = res.memberId;
    this.generation = Number(res.generation);
    this.assignment = flat(res.assignment);
    this.heartbeatIntervalMs = res.heartbeatIntervalMs;
    this.history.push({ atMs: Date.now(), generation: this.generation, assignment: this.assignment });
    o.onAssigned?.(this);
    return res;
  }

  /** Joins, then heartbeats in the background until kill() or leave(). */
  async start(): Promise<void> {
    await this.join();
    this.running = true;
    this.loop = this.heartbeats();
  }

  private async heartbeats(): Promise<void> {
    while (this.running) {
      await sleep(this.heartbeatIntervalMs);
      if (!this.running) return;
      try {
        await atController(this.cluster, 'heartbeat', { group: this.options.group, memberId: this.memberId, generation: this.generation }, 5_000, 2_000);
      } catch (err) {
        if (!this.running) return;
        const reason = reasonOf(err);
        if (reason === 'RebalanceInProgress' || reason === 'FencedGeneration' || reason === 'UnknownMember') {
          if (reason === 'UnknownMember') this.memberId = '';
          await this.options.onRevoke?.(this).catch(() => {});
          this.assignment = [];
          try {
            if (this.running) await this.join();
          } catch {
            // try again at the next heartbeat
          }
        }
      }
    }
  }

  async commit(offsets: { topic: string; partition: number; offset: number }[]): Promise<void> {
    await atController(this.cluster, 'commitOffsets', { group: this.options.group, memberId: this.memberId, generation: this.generation, offsets }, 10_000);
  }

  /** Stops heartbeating without leaving: the coordinator notices only by the session timeout. */
  async kill(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  async leave(): Promise<void> {
    await this.kill();
    await atController(this.cluster, 'leaveGroup', { group: this.options.group, memberId: this.memberId });
  }
}
