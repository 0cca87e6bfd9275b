/**
 * The faults a chaos run can inject, after RELIABILITY.md's list of faults that find bugs.
 * `isolate-leader` picks its node at run time (whoever leads then); `wipe` deletes one node's
 * data and restarts it empty; `corrupt` damages one node's files (a checksum failure must be
 * repaired from peers, never truncated over); `wal-tail` cuts or damages the end of one node's
 * LevelDB write-ahead log (LevelDB drops such a tail silently). The host faults need the
 * machine's help (host-faults.ts): `disk-full` fills one node's own small filesystem,
 * `fsync-error` and `slow-disk` make one node's fsync and fdatasync fail with EIO or stall
 * (strace), `clock-jump` moves one node's wall clock (libfaketime).
 */
export const FaultKind = {
  Kill: 'kill',
  Pause: 'pause',
  Partition: 'partition',
  PartitionOneWay: 'partition-one-way',
  IsolateLeader: 'isolate-leader',
  Slow: 'slow',
  RollingRestart: 'rolling-restart',
  Wipe: 'wipe',
  Corrupt: 'corrupt',
  WalTail: 'wal-tail',
  DiskFull: 'disk-full',
  FsyncError: 'fsync-error',
  SlowDisk: 'slow-disk',
  ClockJump: 'clock-jump',
} as const;
export type FaultKind = (typeof FaultKind)[keyof typeof FaultKind];

/** Every fault kind. */
export const faultKinds: readonly FaultKind[] = Object.values(FaultKind);

/** What a fault hits. */
export type FaultTarget =
  /** kill, pause, slow: these nodes (always a minority); wipe, corrupt, wal-tail and the host
   *  faults: exactly one node. */
  | { readonly nodes: readonly number[] }
  /** partition: no link between the sides; the first side is the minority. */
  | { readonly sides: readonly [readonly number[], readonly number[]] }
  /** partition-one-way: bytes from `from` to `to` are dropped. */
  | { readonly from: number; readonly to: number }
  /** isolate-leader: the node leading when the fault starts. */
  | { readonly role: 'leader' }
  /** rolling-restart: every node, one at a time, in this order, spread over the window. */
  | { readonly order: readonly number[] };

/** One fault of a schedule. */
export interface ScheduledFault {
  /** Milliseconds since the run's start. */
  readonly at: number;
  readonly kind: FaultKind;
  readonly target: FaultTarget;
  readonly durationMs: number;
  /** For `slow`: the delay added to every byte to and from the target. */
  readonly delayMs?: number;
  /** For `slow-disk`: how long every fsync and fdatasync of the target stalls. */
  readonly stallMs?: number;
  /** For `clock-jump`: how far the target's wall clock jumps (negative: back). */
  readonly jumpMs?: number;
  /** For `wal-tail`: cut the log's last bytes off, or overwrite them with garbage. */
  readonly damage?: 'truncate' | 'garbage';
}

/** Options of generateSchedule(). */
export interface ScheduleOptions {
  readonly durationMs: number;
  readonly seed: number;
  readonly kinds: readonly FaultKind[];
  /** Node ids; default [1, 2, 3]. */
  readonly nodes?: readonly number[];
  /** A fault lasts between these; defaults 2,000 and 8,000. */
  readonly faultMsMin?: number;
  readonly faultMsMax?: number;
  /** Healthy time between the end of one fault and the start of the next; defaults 3,000 and
   *  6,000. The first fault starts after gapMsMin, and the last one ends gapMsMin before the
   *  run does, so the final read happens on a healed cluster. */
  readonly gapMsMin?: number;
  readonly gapMsMax?: number;
  /** The delay a `slow` fault adds; defaults 50 and 500. */
  readonly slowDelayMsMin?: number;
  readonly slowDelayMsMax?: number;
  /** The fsync stall of a `slow-disk` fault; defaults 500 and 4,000 (RELIABILITY.md saw 4 s). */
  readonly stallMsMin?: number;
  readonly stallMsMax?: number;
  /** The size of a `clock-jump`, either way; defaults 5,000 and 600,000 (seconds to minutes). */
  readonly jumpMsMin?: number;
  readonly jumpMsMax?: number;
}

/** A seeded generator of uniform numbers; the same seed gives the same sequence. */
export interface Prng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
}

/** mulberry32 (Tommy Ettinger): 32 bits of state, good enough to pick faults, and replayable. */
export function createPrng(seed: number): Prng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (min, max) => min + Math.floor(next() * (max - min + 1)) };
}

/**
 * A seeded fault schedule: faults one at a time, each followed by a recovery gap, chosen among
 * `kinds`. The same options give the same schedule, so a failing run replays by its seed.
 * Faults that take nodes away hit a minority, so the cluster should stay available; `wipe` and
 * `wal-tail` need three nodes or more, because losing one node's data in a smaller cluster loses
 * acknowledged data by design. Adding a kind to `kinds` changes the schedules of every seed.
 */
export function generateSchedule(options: ScheduleOptions): ScheduledFault[] {
  const nodes = options.nodes ?? [1, 2, 3];
  const faultMsMin = options.faultMsMin ?? 2_000;
  const faultMsMax = options.faultMsMax ?? 8_000;
  const gapMsMin = options.gapMsMin ?? 3_000;
  const gapMsMax = options.gapMsMax ?? 6_000;
  const slowDelayMsMin = options.slowDelayMsMin ?? 50;
  const slowDelayMsMax = options.slowDelayMsMax ?? 500;
  const stallMsMin = options.stallMsMin ?? 500;
  const stallMsMax = options.stallMsMax ?? 4_000;
  const jumpMsMin = options.jumpMsMin ?? 5_000;
  const jumpMsMax = options.jumpMsMax ?? 600_000;
  requireRange('faultMs', faultMsMin, faultMsMax);
  requireRange('gapMs', gapMsMin, gapMsMax);
  requireRange('slowDelayMs', slowDelayMsMin, slowDelayMsMax);
  requireRange('stallMs', stallMsMin, stallMsMax);
  requireRange('jumpMs', jumpMsMin, jumpMsMax);
  if (options.kinds.length === 0) throw new RangeError('at least one fault kind is needed');
  if (nodes.length === 0) throw new RangeError('at least one node is needed');
  if (new Set(nodes).size !== nodes.length) throw new RangeError(`node ids must be distinct (got ${nodes.join(', ')})`);
  for (const kind of options.kinds) {
    if (nodes.length < 2 && (kind === FaultKind.Partition || kind === FaultKind.PartitionOneWay)) {
      throw new RangeError(`${kind} needs at least 2 nodes (got ${nodes.length})`);
    }
    if (nodes.length < 3 && (kind === FaultKind.Wipe || kind === FaultKind.WalTail)) {
      throw new RangeError(`${kind} needs at least 3 nodes (got ${nodes.length}): in a smaller cluster it loses acknowledged data by design`);
    }
  }

  const prng = createPrng(options.seed);
  const kinds = [...new Set(options.kinds)];
  const minorityMax = Math.max(1, Math.floor((nodes.length - 1) / 2));
  const schedule: ScheduledFault[] = [];
  let at = gapMsMin;
  for (;;) {
    const kind = kinds[prng.int(0, kinds.length - 1)]!;
    const durationMs = prng.int(faultMsMin, faultMsMax);
    if (at + durationMs + gapMsMin > options.durationMs) break;
    const shuffled = shuffle(nodes, prng);
    const minority = shuffled.slice(0, prng.int(1, minorityMax));
    let target: FaultTarget;
    let extra: Pick<ScheduledFault, 'delayMs' | 'stallMs' | 'jumpMs' | 'damage'> = {};
    switch (kind) {
      case FaultKind.Kill:
      case FaultKind.Pause:
        target = { nodes: minority };
        break;
      case FaultKind.Slow:
        target = { nodes: minority };
        extra = { delayMs: prng.int(slowDelayMsMin, slowDelayMsMax) };
        break;
      case FaultKind.Wipe:
      case FaultKind.Corrupt:
      case FaultKind.DiskFull:
      case FaultKind.FsyncError:
        target = { nodes: [shuffled[0]!] };
        break;
      case FaultKind.WalTail:
        target = { nodes: [shuffled[0]!] };
        extra = { damage: prng.int(0, 1) === 0 ? 'truncate' : 'garbage' };
        break;
      case FaultKind.SlowDisk:
        target = { nodes: [shuffled[0]!] };
        extra = { stallMs: prng.int(stallMsMin, stallMsMax) };
        break;
      case FaultKind.ClockJump:
        target = { nodes: [shuffled[0]!] };
        extra = { jumpMs: (prng.int(0, 1) === 0 ? -1 : 1) * prng.int(jumpMsMin, jumpMsMax) };
        break;
      case FaultKind.Partition:
        target = { sides: [minority, shuffled.slice(minority.length)] };
        break;
      case FaultKind.PartitionOneWay:
        target = { from: shuffled[0]!, to: shuffled[1]! };
        break;
      case FaultKind.IsolateLeader:
        target = { role: 'leader' };
        break;
      case FaultKind.RollingRestart:
        target = { order: shuffled };
        break;
    }
    schedule.push({ at, kind, target, durationMs, ...extra });
    at += durationMs + prng.int(gapMsMin, gapMsMax);
  }
  return schedule;
}

/** A fault's target as a short string, for the history's fault events: `2`, `1|2,3`, `1->2`. */
export function describeTarget(target: FaultTarget): string {
  if ('nodes' in target) return target.nodes.join(',');
  if ('sides' in target) return `${target.sides[0].join(',')}|${target.sides[1].join(',')}`;
  if ('from' in target) return `${target.from}->${target.to}`;
  if ('role' in target) return target.role;
  return target.order.join(',');
}

/** Parses a comma-separated list of fault kinds, as `herald chaos run --faults` takes it. */
export function parseFaultKinds(list: string): FaultKind[] {
  const names = list.split(',').map((name) => name.trim()).filter((name) => name !== '');
  if (names.length === 0) throw new RangeError(`no fault kinds given; choose from ${faultKinds.join(', ')}`);
  return names.map((name) => {
    if (!(faultKinds as readonly string[]).includes(name)) {
      throw new RangeError(`unknown fault kind "${name}"; choose from ${faultKinds.join(', ')}`);
    }
    return name as FaultKind;
  });
}

function requireRange(what: string, min: number, max: number): void {
  if (!(Number.isFinite(min) && Number.isFinite(max) && min >= 0 && min <= max)) {
    throw new RangeError(`${what}Min and ${what}Max must satisfy 0 <= min <= max (got ${min} and ${max})`);
  }
}

/** Fisher–Yates with the run's generator. */
function shuffle<T>(items: readonly T[], prng: Prng): T[] {
  const result = [...items];
  for (let i = result.length - 1; i > 0; i--) {
    const j = prng.int(0, i);
    [result[i], result[j]] = [result[j]!, result[i]!];
  }
  return result;
}
