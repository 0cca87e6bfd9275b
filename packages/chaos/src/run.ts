import { spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeraldClient } from '@herald/client';
import { check, computeTimeline, type Verdict } from './checker.js';
import { secureRun, type ClusterAccess } from './cluster-security.js';
import { FaultInjector, FindingKind, brokerFindingKinds, type ActiveFault, type Finding, type HostFaultSetup, type InjectedFault } from './faults.js';
import { FakeClock, TmpfsDisk, unavailableHostFaults } from './host-faults.js';
import { finalRead, leaderEndOffsets, type FinalReadResult } from './final-read.js';
import { HistoryWriter, readHistory, startRunClock } from './history.js';
import { LinkTable } from './link-table.js';
import { NodeProcesses, type NodeLauncher, type NodeLaunchSpec } from './node-processes.js';
import { freePorts } from './ports.js';
import { renderReport, reportDirName, writeReportFiles, type RunInfo } from './report.js';
import { FaultKind, faultKinds, generateSchedule, type ScheduledFault } from './schedule.js';
import { GroupMembers, QueueMembers } from './consumer-workloads.js';
import { Consumers, LeaderWatcher, Producers, recorderFor, sleep, type Recorder, type WorkloadCounters } from './workload.js';

/** What a workload of `ChaosRunOptions.workloads` gets to work with. */
export interface WorkloadContext {
  /** How a client reaches the cluster: the client links of the nodes (`host:port`, through the
   *  harness's proxies), TLS and the admin's credentials; `new HeraldClient({ ...cluster })`. */
  readonly cluster: ClusterAccess;
  /** The run's topic, with `partitions` partitions and one replica per node. */
  readonly topic: string;
  readonly partitions: number;
  /** Appends to the run's history, which the checker reads (history.ts). */
  readonly record: Recorder;
  readonly clock: () => number;
  readonly seed: number;
  /** Per listener a workload asked for (ExtraWorkload.listeners), each node's address as
   *  clients reach it: through its proxy, which the client faults hit, and what the node
   *  advertises (Kafka's Metadata names the proxies too). */
  readonly listeners: Readonly<Partial<Record<Listener, readonly string[]>>>;
}

/** A node's client listener besides the gRPC port that a workload may drive. */
export type Listener = 'kafka' | 'mqtt';

/**
 * A workload besides the built-in ones (producers, consumers, the consumer group, the queue
 * subscription): the place for the Kafka, MQTT and transaction workloads once Herald speaks
 * those. It starts with the others once the cluster and the topic are up, and stops with the
 * producers, before the drain and the final reads; what it records goes into the same history,
 * where the checker must learn its operations.
 */
export interface ExtraWorkload {
  /** Shown in the run's start line, e.g. `kafka producers`. */
  readonly name: string;
  /** The nodes' listeners it drives: each node serves them, each behind a proxy of its own. */
  readonly listeners?: readonly Listener[];
  start(context: WorkloadContext): void;
  /** Stops invoking writes and waits for the outstanding ones to complete; its readers go on
   *  until drain() or close(). May be called twice. */
  stop(): Promise<void>;
  /** After every writer stopped: lets the workload's readers catch up with what was written
   *  (at most `timeoutMs`), stops them and records their final state. Resolves with what did
   *  not catch up (a `drain` finding), or null. */
  drain?(timeoutMs: number, signal: AbortSignal): Promise<string | null>;
  /** Stops everything and releases its clients, at the run's end (also an interrupted one's);
   *  may be called twice. */
  close(): Promise<void>;
}

/** What a Scenario gets to work with: the cluster, its processes, and the run's history. */
export interface ScenarioContext {
  /** A client of the cluster as the admin (through the proxies), for the scenario's calls. */
  readonly admin: HeraldClient;
  readonly cluster: ClusterAccess;
  readonly nodes: NodeProcesses;
  /** The nodes the harness counts as the cluster's: it waits for them, starts them at the heal
   *  and reads from each at the end. The first `nodes` at the start; a scenario that adds or
   *  removes nodes changes it. */
  readonly members: Set<number>;
  /** How the cluster is to reach node `id` (its spec for `herald node add`): its client proxy,
   *  its own peer port (under a scenario the peers dial each other directly), and its Kafka
   *  proxy when one serves. */
  address(id: number): { host: string; clientPort: number; peerPort: number; kafkaPort?: number };
  /** Starts the node as the harness's supervisor does (FaultInjector.startNode). */
  startNode(id: number): Promise<void>;
  waitReady(id: number, timeoutMs: number): Promise<boolean>;
  /** Whether every partition of the run's topic gets a leader and a full ISR within `timeoutMs`. */
  waitInSync(timeoutMs: number): Promise<boolean>;
  readonly record: Recorder;
  readonly clock: () => number;
  readonly signal: AbortSignal;
  readonly emit: (line: string) => void;
  readonly addFinding: (finding: Omit<Finding, 'time'>) => void;
}

/**
 * What runs instead of the fault schedule, under the same workload, e.g. the operations of
 * ops.ts (grow, rebalance, decommission, roll, upgrade). The run's duration is the scenario's:
 * the heal, the drain, the final reads and the checker follow once run() resolves. What it
 * records as `fault` events (steps) gets the checker's unavailability figures, as faults do.
 */
export interface Scenario {
  /** Shown in the run's start line. */
  readonly name: string;
  /** Nodes prepared beyond `ChaosRunOptions.nodes` (ids, ports, proxies, certificates) and not
   *  started: each starts with `--join` and `--peers` naming the first nodes and itself. */
  readonly spareNodes: number;
  run(context: ScenarioContext): Promise<void>;
}

/** Options of runChaos(). */
export interface ChaosRunOptions {
  /** 3 or 5 (any count from 1 works; wipe needs 3). */
  readonly nodes: number;
  /** How long faults are injected under load. */
  readonly durationMs: number;
  readonly faults: readonly FaultKind[];
  readonly seed: number;
  readonly partitions: number;
  readonly producers: number;
  /** Consumers reading every partition from the start; default 1. */
  readonly consumers?: number;
  /** Members of the consumer group `chaos-group` (manual commits); default 2, 0 for none. */
  readonly groupMembers?: number;
  /** Members of the queue subscription `chaos-queue` (ack, some nacks); default 2, 0 for none. */
  readonly queueMembers?: number;
  /** How long the group and the subscription may take to catch up once the producers stopped;
   *  default 60 s. */
  readonly drainMs?: number;
  /** Makes the workloads besides the built-in ones (see ExtraWorkload; createWorkloads() makes
   *  the Kafka, MQTT and half-message ones); called once per run, since a workload serves one
   *  run. None by default. */
  readonly workloads?: () => readonly ExtraWorkload[];
  /** Sends each producer keeps outstanding per partition; default 2. */
  readonly inflightPerPartition?: number;
  /** Total sends per second; 0 (default) for as fast as the cluster acknowledges. */
  readonly ratePerSecond?: number;
  /** Reports go to `<outDir>/<ISO time>/`. */
  readonly outDir: string;
  /** Builds the command line of one node (the CLI passes its own). */
  readonly launcher: NodeLauncher;
  readonly logLevel?: string;
  /** The command that repeats this run, shown in the report. */
  readonly command?: string;
  /** Ctrl-C: stops the run early; the report still gets written. */
  readonly signal?: AbortSignal;
  /** Called about once a second with the run's state. */
  readonly onProgress?: (progress: ChaosProgress) => void;
  /** Called with one line whenever something happens (fault start and end, findings). */
  readonly onEvent?: (line: string) => void;
  /** Keep the nodes' data directories (they are deleted by default). */
  readonly keepData?: boolean;
  /** The size of the tmpfs a node gets for its data when a disk-full fault targets it; default
   *  256 MiB. */
  readonly diskBytes?: number;
  /** Runs instead of the fault schedule (`faults` and `durationMs` are then not used). */
  readonly scenario?: Scenario;
  /** Schedule tuning (tests): fault and gap lengths. */
  readonly schedule?: Partial<Pick<Parameters<typeof generateSchedule>[0], 'faultMsMin' | 'faultMsMax' | 'gapMsMin' | 'gapMsMax'>>;
}

/** The run's state for the progress line. */
export interface ChaosProgress {
  readonly phase: 'starting' | 'running' | 'healing' | 'draining' | 'final-read' | 'checking';
  readonly elapsedMs: number;
  readonly durationMs: number;
  readonly counters: Readonly<WorkloadCounters>;
  readonly activeFault: string | null;
  readonly faultsInjected: number;
  readonly leaders: readonly (number | null)[];
}

/** What a run found. */
export interface ChaosRunResult {
  readonly reportDir: string;
  readonly verdict: Verdict;
  readonly run: RunInfo;
  /** 0: nothing acknowledged was lost, duplicated, reordered, unexpected or inconsistent, and
   *  the final read covered every partition. 1 otherwise. 130 when interrupted. */
  readonly exitCode: number;
}

const TOPIC = 'chaos';
const GROUP = 'chaos-group';
const SUBSCRIPTION = 'chaos-queue';
/** How long the harness waits for every partition to have a leader and a full ISR before a fault. */
const WHOLE_WAIT_MS = 60_000;
const HOST = '127.0.0.1';
const DISK_BYTES = 256 * 1024 * 1024;
/** The faults that take a replica's data away (deleted, damaged, or replaced after damage):
 *  the replica repairs from its peers. One of them while other replicas of the same partitions
 *  still repair could leave every replica repairing, which by design no partition recovers from
 *  (none of them may vote: docs/design-notes.md, "Storage repair"); an operator waits for the
 *  repairs to finish before taking another disk away, and so does the harness. */
const dataLossKinds: ReadonlySet<FaultKind> = new Set([FaultKind.Wipe, FaultKind.Corrupt, FaultKind.WalTail]);

/**
 * Runs a chaos test end to end: a local cluster of real node processes with every peer link
 * and every client link through a LinkTable proxy, a topic with one replica per node, the
 * workload (idempotent acks-QUORUM producers and from-the-start consumers, every operation
 * recorded), the seeded fault schedule, then heal, a final read of every partition from every
 * node, the checker, and the report. Every process it started is stopped by PID before it
 * returns, also when `signal` aborts.
 */
export async function runChaos(options: ChaosRunOptions): Promise<ChaosRunResult> {
  const startedAt = new Date();
  const reportDir = join(options.outDir, reportDirName(startedAt));
  await mkdir(reportDir, { recursive: true });
  const historyPath = join(reportDir, 'history.jsonl');
  const history = new HistoryWriter(historyPath);
  const record = recorderFor(history);
  const dataRoot = await mkdtemp(join(tmpdir(), 'herald-chaos-'));
  const abort = new AbortController();
  const onAbort = (): void => abort.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted === true) abort.abort();
  const signal = abort.signal;
  const emit = (line: string): void => options.onEvent?.(line);

  let clock: () => number = () => 0;
  const findings: Finding[] = [];
  const addFinding = (finding: Omit<Finding, 'time'>): void => {
    const full = { ...finding, time: clock() };
    findings.push(full);
    emit(`finding at ${(full.time / 1000).toFixed(1)} s: ${full.message}`);
  };
  const counters: WorkloadCounters = {
    sendsInvoked: 0,
    sendsOk: 0,
    sendsFailed: 0,
    sendsUnknown: 0,
    recordsRead: 0,
    pollsFailed: 0,
    groupConsumed: 0,
    queueDeliveries: 0,
    queueAcks: 0,
    lastOkMs: new Map(),
  };
  const injected: InjectedFault[] = [];
  const skipped: { kind: FaultKind; atMs: number; reason: string }[] = [];
  let phase: ChaosProgress['phase'] = 'starting';
  let active: ActiveFault | null = null;
  // Assigned inside the phase closures below, so TypeScript cannot narrow them: kept in an object.
  const outcome: { finalRead: FinalReadResult | null; injector: FaultInjector | null } = { finalRead: null, injector: null };
  const replicaReads: { node: number; result: FinalReadResult }[] = [];

  // Every node the run may start: the first `nodes`, then a scenario's spare ones.
  const ids = Array.from({ length: options.nodes + (options.scenario?.spareNodes ?? 0) }, (_, i) => i + 1);
  const memberNodes = new Set(ids.slice(0, options.nodes));
  // Host faults this machine cannot inject (no root for a tmpfs, no strace, no libfaketime) are
  // left out, and said so; the schedule is drawn from the rest.
  const unavailable = await unavailableHostFaults(options.faults);
  const kinds = options.faults.filter((kind) => !unavailable.has(kind));
  const unavailableKinds = [...unavailable].map(([kind, reason]) => ({ kind, reason }));
  for (const { kind, reason } of unavailableKinds) emit(`${kind} left out: ${reason}`);
  if (kinds.length === 0 && options.scenario === undefined) throw new Error(`none of the fault kinds can be injected here: ${unavailableKinds.map((u) => `${u.kind}: ${u.reason}`).join('; ')}`);
  const schedule: ScheduledFault[] = options.scenario !== undefined ? [] : generateSchedule({ durationMs: options.durationMs, seed: options.seed, kinds, nodes: ids, ...options.schedule });

  // A node a disk-full fault targets keeps its data on a tmpfs of its own; a node whose clock a
  // fault moves runs under libfaketime from its first start.
  const targets = (kind: FaultKind): Set<number> => new Set(schedule.flatMap((f) => (f.kind === kind && 'nodes' in f.target ? f.target.nodes : [])));
  const disks = new Map<number, TmpfsDisk>();
  const clocks = new Map<number, FakeClock>();
  const unmountNow = (): void => {
    for (const disk of disks.values()) spawnSync('umount', ['-l', disk.mountPoint]);
  };
  process.once('exit', unmountNow);
  for (const id of targets(FaultKind.DiskFull)) disks.set(id, await TmpfsDisk.mount(join(dataRoot, `disk-${id}`), options.diskBytes ?? DISK_BYTES));
  for (const id of targets(FaultKind.ClockJump)) clocks.set(id, await FakeClock.create(join(dataRoot, `clock-${id}`)));
  const host: HostFaultSetup = {
    disk: (id) => disks.get(id),
    clock: (id) => clocks.get(id),
    traceLog: (id, index) => join(reportDir, 'nodes', `strace-node-${id}-fault-${index}.log`),
  };

  // Real ports, then a proxy in front of each, then each node told the proxies' ports.
  const extras = options.workloads?.() ?? [];
  const listeners = [...new Set(extras.flatMap((workload) => workload.listeners ?? []))];
  const perNode = 3 + listeners.length;
  const ports = await freePorts(ids.length * perNode, HOST);
  const real = new Map(
    ids.map((id, i) => [
      id,
      { client: ports[perNode * i]!, peer: ports[perNode * i + 1]!, metrics: ports[perNode * i + 2]!, listeners: Object.fromEntries(listeners.map((name, k) => [name, ports[perNode * i + 3 + k]!])) as Partial<Record<Listener, number>> },
    ]),
  );
  const links = await LinkTable.start(
    ids.map((id) => {
      const ports = real.get(id)!;
      const proxied = Object.fromEntries(listeners.map((name) => [name, { host: HOST, port: ports.listeners[name]! }]));
      return { id, peer: { host: HOST, port: ports.peer }, client: { host: HOST, port: ports.client }, listeners: proxied };
    }),
  );
  const brokers = ids.map((id) => links.clientLink(id).address);
  const listenerAddresses = Object.fromEntries(listeners.map((name) => [name, ids.map((id) => links.listenerLink(name, id).address)]));
  const security = await secureRun(dataRoot, ids, HOST, brokers);
  const cluster = security.access;
  const specs = new Map<number, Omit<NodeLaunchSpec, 'rejoin'>>(
    ids.map((id) => {
      // With the Kafka workload, every node names each node's Kafka proxy (its `:kafkaPort`), and
      // advertises its own proxy for itself, so Kafka clients dial proxies only.
      const kafka = listeners.includes('kafka');
      // A spare node joins the first ones (`--join`), its --peers naming them and itself. Under a
      // scenario the peers dial each other directly, so that every node's list names the same
      // addresses, as a real cluster's do: the first membership change records the controller's
      // list for every node, and a node whose list named other addresses (its own proxies) would
      // re-link to every peer then. A scenario injects no link faults.
      const peerPort = (other: number): number => (other === id || options.scenario !== undefined ? real.get(other)!.peer : links.peerLink(id, other).port);
      const peers = ids
        .filter((other) => memberNodes.has(other) || other === id)
        .map((other) => `${other}=${HOST}:${links.clientLink(other).port}:${peerPort(other)}${kafka ? `:${links.listenerLink('kafka', other).port}` : ''}`)
        .join(',');
      const ports = real.get(id)!;
      const disk = disks.get(id);
      const dataDir = disk === undefined ? join(dataRoot, `node-${id}`) : join(disk.mountPoint, 'node');
      const env = { ...clocks.get(id)?.env(), ...(kafka ? { HERALD_KAFKA_ADVERTISED_PORT: String(links.listenerLink('kafka', id).port) } : {}) };
      const served = { ...(ports.listeners.kafka === undefined ? {} : { kafkaPort: ports.listeners.kafka }), ...(ports.listeners.mqtt === undefined ? {} : { mqttPort: ports.listeners.mqtt }) };
      const node = { id, join: !memberNodes.has(id), dataDir, host: HOST, clientPort: ports.client, peerPort: ports.peer, metricsPort: ports.metrics, peers, logLevel: options.logLevel ?? 'info', env, ...served };
      return [id, { ...node, security: security.nodes.get(id)! }];
    }),
  );
  const nodes = new NodeProcesses({
    launcher: options.launcher,
    specs,
    logDir: join(reportDir, 'nodes'),
    clock: () => clock(),
    onUnexpectedExit: (exit) => outcome.injector?.onUnexpectedExit(exit),
  });
  const killOnExit = (): void => nodes.killAllNow();
  process.once('exit', killOnExit);

  const waitReady = async (id: number, timeoutMs: number): Promise<boolean> => {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline && !signal.aborted) {
      if (!nodes.isRunning(id)) return false;
      if (await security.ready(HOST, real.get(id)!.metrics, 1_000)) return true;
      await sleep(100, signal);
    }
    return false;
  };
  const admin = new HeraldClient({ ...cluster, callTimeoutMs: 10_000 });
  const waitLoggedIn = async (timeoutMs: number): Promise<boolean> => {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline && !signal.aborted) {
      try {
        await admin.describeCluster({ timeoutMs: 2_000 });
        return true;
      } catch {
        // not bootstrapped yet
      }
      await sleep(200, signal);
    }
    return false;
  };
  const waitInSync = async (timeoutMs: number): Promise<boolean> => {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline && !signal.aborted) {
      try {
        const description = await admin.describeTopic(TOPIC, { timeoutMs: 2_000 });
        if (description.partitions.every((p) => p.leaderId !== 0 && p.isr.length === p.replicas.length)) return true;
      } catch {
        // no answer yet
      }
      await sleep(200, signal);
    }
    return false;
  };

  /** Waits until no replica says it is repairing a log it lost: of the run's topic, as
   *  DescribeTopic lists them (`repairing`), and of any group on any node (the meta group and
   *  the other workloads' topics too), as each node's metrics count them
   *  (`herald_raft_repairing{group="meta"}`, `herald_partitions_repairing`). Resolves with what
   *  still repaired at the deadline (`left`, null once nothing does), and what was first seen
   *  repairing (`seen`, null when nothing was). */
  const waitRepaired = async (timeoutMs: number): Promise<{ left: string | null; seen: string | null }> => {
    const deadline = performance.now() + timeoutMs;
    let last = 'no answer yet';
    let seen: string | null = null;
    while (!signal.aborted) {
      const found: string[] = [];
      try {
        const description = await admin.describeTopic(TOPIC, { timeoutMs: 2_000 });
        for (const p of description.partitions) if (p.repairing.length > 0) found.push(`${TOPIC}/${p.id} on node ${p.repairing.join(', ')}`);
        if (description.partitions.some((p) => p.leaderId === 0)) found.push(`a partition of ${TOPIC} without a leader`);
      } catch (err) {
        found.push(`DescribeTopic: ${(err as Error).message}`);
      }
      const asked = [...memberNodes];
      const pages = await Promise.all(asked.map((id) => security.metrics(HOST, real.get(id)!.metrics, 1_000)));
      pages.forEach((page, i) => {
        const repairing = page === null ? null : repairingOnNode(page);
        if (repairing === null) found.push(`no metrics from node ${asked[i]}`);
        else if (repairing !== '') found.push(`node ${asked[i]}: ${repairing}`);
      });
      if (found.length === 0) return { left: null, seen };
      last = found.join('; ');
      seen ??= last;
      if (performance.now() >= deadline) return { left: last, seen };
      await sleep(250, signal);
    }
    return { left: last, seen };
  };

  const watcher = new LeaderWatcher(cluster, TOPIC, record, () => clock());
  const producers = new Producers({
    cluster,
    topic: TOPIC,
    partitions: options.partitions,
    producers: options.producers,
    inflightPerPartition: options.inflightPerPartition ?? 2,
    ratePerSecond: options.ratePerSecond ?? 0,
    record,
    clock: () => clock(),
    counters,
  });
  const consumers = new Consumers({ cluster, topic: TOPIC, partitions: options.partitions, consumers: options.consumers ?? 1, record, clock: () => clock(), counters });
  const groupMemberCount = options.groupMembers ?? 2;
  const queueMemberCount = options.queueMembers ?? 2;
  const shared = { cluster, topic: TOPIC, partitions: options.partitions, record, clock: () => clock(), counters };
  const group = groupMemberCount === 0 ? null : new GroupMembers({ ...shared, group: GROUP, members: groupMemberCount, seed: options.seed });
  const queue = queueMemberCount === 0 ? null : new QueueMembers({ ...shared, subscription: SUBSCRIPTION, members: queueMemberCount, seed: options.seed });

  const progress = (): void => {
    options.onProgress?.({
      phase,
      elapsedMs: clock(),
      durationMs: options.durationMs,
      counters,
      activeFault: active === null ? null : `${active.injected.kind} ${active.injected.target}`,
      faultsInjected: injected.length,
      leaders: Array.from({ length: options.partitions }, (_, p) => watcher.leaders.get(p)?.leader ?? null),
    });
  };
  const progressTimer = setInterval(progress, 1_000);
  let workloadStarted = false;
  let interrupted = false;
  /** Whether the final state of the group and the subscription was recorded (when they ran). */
  let consumerFinals = false;

  /** Starts the nodes, creates the topic, runs the workload under the schedule. */
  const runSchedule = async (): Promise<void> => {
    emit(`starting ${memberNodes.size} nodes (data in ${dataRoot}, the admin's client config ${security.clientConfig}, logs in ${join(reportDir, 'nodes')})`);
    for (const id of memberNodes) await nodes.start(id);
    for (const id of memberNodes) {
      if (!(await waitReady(id, 60_000))) throw new Error(`node ${id} was not ready within 60 s; see ${nodes.logPath(id)}`);
    }
    // The first controller writes the admin user from the bootstrap file once the meta group
    // has formed: until then every login fails (cluster up waits the same way).
    if (!(await waitLoggedIn(30_000))) throw new Error('the admin could not log in within 30 s of the nodes being ready (the controller writes the bootstrap users)');
    await admin.createTopic(TOPIC, { partitions: options.partitions, replicationFactor: options.nodes });
    if (!(await waitInSync(30_000))) throw new Error(`topic ${TOPIC} did not get a leader and a full ISR on every partition within 30 s`);

    clock = startRunClock();
    const injector = new FaultInjector({ nodes, links, leaders: watcher, record, clock, seed: options.seed, waitReady, waitInSync, addFinding, signal, host });
    outcome.injector = injector;
    watcher.start();
    await watcher.refresh();
    consumers.start();
    group?.start();
    queue?.start();
    for (const workload of extras) workload.start({ cluster, topic: TOPIC, partitions: options.partitions, record, clock, seed: options.seed, listeners: listenerAddresses });
    producers.start();
    workloadStarted = true;
    phase = 'running';
    const members = [
      ...(group === null ? [] : [`a consumer group of ${groupMemberCount}`]),
      ...(queue === null ? [] : [`a queue subscription of ${queueMemberCount}`]),
      ...extras.map((workload) => workload.name),
    ];
    const plan = options.scenario === undefined ? `${schedule.length} faults scheduled over ${formatS(options.durationMs)}` : `then ${options.scenario.name}`;
    emit(`workload started: ${options.producers} producers on ${options.partitions} partitions${members.length === 0 ? '' : `, ${members.join(' and ')}`}; ${plan}`);
    if (options.scenario !== undefined) {
      await options.scenario.run({
        admin,
        cluster,
        nodes,
        members: memberNodes,
        address: (id) => {
          const kafka = listeners.includes('kafka') ? { kafkaPort: links.listenerLink('kafka', id).port } : {};
          return { host: HOST, clientPort: links.clientLink(id).port, peerPort: real.get(id)!.peer, ...kafka };
        },
        startNode: (id) => injector.startNode(id),
        waitReady,
        waitInSync,
        record,
        clock: () => clock(),
        signal,
        emit,
        addFinding,
      });
      return;
    }

    let shiftMs = 0;
    let notWholeReported = false;
    const gapMsMin = options.schedule?.gapMsMin ?? 3_000;
    for (let i = 0; i < schedule.length && !signal.aborted; i++) {
      const fault = schedule[i]!;
      await sleep(fault.at + shiftMs - clock(), signal);
      if (signal.aborted) break;
      // Faults pushed back (a rolling restart waits for each node) past the run's end are not
      // injected: --duration bounds the run.
      const outOfTime = (): boolean => clock() + fault.durationMs + gapMsMin > options.durationMs;
      const skipTheRest = (): void => {
        for (const rest of schedule.slice(i)) skipped.push({ kind: rest.kind, atMs: clock(), reason: 'out of time' });
      };
      if (outOfTime()) {
        skipTheRest();
        break;
      }
      // Every fault hits a whole cluster: one that is still repairing from the last fault (a
      // wiped node re-replicating, say) would turn a minority fault into a majority one. A
      // cluster that does not become whole again is a finding, and the fault is skipped.
      const waitStartMs = clock();
      const whole = await waitInSync(Math.min(WHOLE_WAIT_MS, options.durationMs - clock()));
      const waitedMs = clock() - waitStartMs;
      shiftMs += waitedMs;
      if (signal.aborted) break;
      if (!whole) {
        skipped.push({ kind: fault.kind, atMs: clock(), reason: 'cluster not whole' });
        if (!notWholeReported) {
          addFinding({ kind: FindingKind.NotConverged, message: `some partition had no leader or a short ISR for ${formatS(waitedMs)} after the previous fault healed; faults are skipped until it is whole again` });
        }
        notWholeReported = true;
        continue;
      }
      notWholeReported = false;
      if (outOfTime()) {
        skipTheRest();
        break;
      }
      // A data-loss fault waits until no replica repairs any more (see dataLossKinds).
      let repairNote: string | null = null;
      if (dataLossKinds.has(fault.kind)) {
        const repairStartMs = clock();
        const repairs = await waitRepaired(Math.min(WHOLE_WAIT_MS, Math.max(0, options.durationMs - clock())));
        const repairWaitMs = clock() - repairStartMs;
        shiftMs += repairWaitMs;
        if (signal.aborted) break;
        if (repairs.left !== null) {
          skipped.push({ kind: fault.kind, atMs: clock(), reason: 'replicas repairing' });
          addFinding({ kind: FindingKind.NotConverged, message: `replicas still repairing ${formatS(repairWaitMs)} after the ${fault.kind} fault was due (${repairs.left}); the fault is skipped, since taking another copy away could leave no replica able to vote` });
          continue;
        }
        if (repairs.seen !== null) repairNote = `began after waiting ${formatS(repairWaitMs)} for no replica to be repairing (at first: ${repairs.seen})`;
        if (outOfTime()) {
          skipTheRest();
          break;
        }
      }
      active = await injector.begin(fault, i);
      if (repairNote !== null) active.injected.notes.unshift(repairNote);
      if (waitedMs > 1_000) active.injected.notes.unshift(`began after waiting ${formatS(waitedMs)} for every ISR to be full`);
      injected.push(active.injected);
      const notes = active.injected.notes.length > 0 ? `: ${active.injected.notes.join('; ')}` : '';
      emit(`${formatS(active.injected.startMs)} ${fault.kind} ${active.injected.target} for ${formatS(fault.durationMs)}${notes}`);
      await sleep(active.injected.startMs + fault.durationMs - clock(), signal);
      await active.end();
      emit(`${formatS(active.injected.endMs)} ${fault.kind} ${active.injected.target} healed`);
      active = null;
      // A fault that ran long (a rolling restart waits for each node) pushes the rest back, so
      // that every gap keeps its length.
      shiftMs += Math.max(0, clock() - (fault.at + shiftMs + fault.durationMs));
    }
    await sleep(options.durationMs - clock(), signal);
  };

  /** Links pass, paused nodes continue, stopped nodes start. */
  const heal = async (): Promise<void> => {
    phase = 'healing';
    if (active !== null) {
      await active.end().catch(() => undefined);
      active = null;
    }
    links.heal();
    for (const id of memberNodes) {
      nodes.resume(id);
      if (!nodes.isRunning(id) && workloadStarted && !signal.aborted) await outcome.injector?.startNode(id).catch(() => undefined);
    }
  };

  /** Lets writes resume after the heal, then stops the producers and consumers. */
  const stopWorkload = async (): Promise<void> => {
    if (!workloadStarted) return;
    if (!signal.aborted) {
      // Writes must resume on every partition after the heal before the producers stop, so the
      // last fault's unavailability is measured too.
      const healedAt = clock();
      const deadline = performance.now() + 30_000;
      const resumed = (): boolean => Array.from({ length: options.partitions }, (_, p) => counters.lastOkMs.get(p) ?? -1).every((t) => t > healedAt);
      while (performance.now() < deadline && !signal.aborted && !resumed()) await sleep(100, signal);
      await sleep(1_000, signal);
    }
    await producers.stop();
    await Promise.all(extras.map((workload) => workload.stop()));
    await consumers.stop();
    await drainConsumers();
  };

  /** Lets the group and the subscription catch up with what was written, stops them, and
   *  records the final committed offsets and description. */
  const drainConsumers = async (): Promise<void> => {
    if (signal.aborted) {
      await Promise.all([group?.stop(), queue?.stop()]);
      return;
    }
    phase = 'draining';
    const drainMs = options.drainMs ?? 60_000;
    const startMs = clock();
    const [drained, extraDrained] = await Promise.all([
      Promise.all([group?.drain(drainMs, signal), queue?.drain(drainMs, signal)]),
      Promise.all(extras.map((workload) => workload.drain?.(drainMs, signal).catch((err: Error) => `failed: ${err.message}`))),
    ]);
    const names = [group === null ? null : `group ${GROUP}`, queue === null ? null : `subscription ${SUBSCRIPTION}`];
    drained.forEach((done, i) => {
      if (done === false && !signal.aborted) {
        addFinding({ kind: FindingKind.Drain, message: `${names[i]} did not catch up with the high watermarks within ${formatS(drainMs)} after the producers stopped` });
      }
    });
    extraDrained.forEach((problem, i) => {
      if (typeof problem === 'string' && !signal.aborted) addFinding({ kind: FindingKind.Drain, message: `${extras[i]!.name}: ${problem}` });
    });
    if (drained.some((done) => done !== undefined) || extraDrained.some((problem) => problem !== undefined)) emit(`consumers drained in ${formatS(clock() - startMs)}`);
    await Promise.all([group?.stop(), queue?.stop()]);
    const finals = await Promise.all([group?.recordFinal(30_000), queue?.recordFinal(30_000)]);
    finals.forEach((done, i) => {
      if (done === false) addFinding({ kind: FindingKind.FinalRead, message: `could not read the final state of ${names[i]}` });
    });
    consumerFinals = finals.every((done) => done !== false);
  };

  /** Waits for the cluster to converge, then reads every partition through any node and
   *  from each node alone. */
  const readEverything = async (): Promise<void> => {
    for (const id of memberNodes) {
      if (!(await waitReady(id, 60_000))) addFinding({ node: id, kind: FindingKind.NotReady, message: `node ${id} was not ready within 60 s of the heal` });
    }
    if (!(await waitInSync(60_000))) {
      addFinding({ kind: FindingKind.NotConverged, message: 'some partition had no leader or an incomplete ISR 60 s after the heal' });
    }
    phase = 'final-read';
    progress();
    let endOffsets: number[] | undefined;
    try {
      endOffsets = await leaderEndOffsets(admin, TOPIC, options.partitions, performance.now() + 30_000);
    } catch (err) {
      addFinding({ kind: FindingKind.FinalRead, message: (err as Error).message });
    }
    const readOptions = { cluster, topic: TOPIC, partitions: options.partitions, record, clock, ...(endOffsets === undefined ? {} : { endOffsets }) };
    const finalResult = await finalRead({ ...readOptions, process: 'final', timeoutMs: 120_000 });
    outcome.finalRead = finalResult;
    if (!finalResult.complete) {
      addFinding({ kind: FindingKind.FinalRead, message: `the final read did not reach the end of every partition: ${describeRead(finalResult)}` });
    }
    if (endOffsets === undefined) return;
    // After replicas moved (a scenario's rebalance), a node holds only some partitions: its copy
    // is read of those.
    const replicas = await admin.describeTopic(TOPIC, { timeoutMs: 10_000 }).then(
      (topic) => topic.partitions.map((p) => p.replicas),
      () => undefined,
    );
    for (const id of memberNodes) {
      const held = replicas?.flatMap((r, p) => (r.includes(id) ? [p] : []));
      const only = held === undefined || held.length === options.partitions ? {} : { only: held };
      // Only node `id` answers: every other client link resets connections on arrival.
      for (const other of ids) if (other !== id) links.clientLink(other).reset();
      try {
        const result = await finalRead({ ...readOptions, ...only, process: `final-n${id}`, node: id, timeoutMs: 60_000 });
        replicaReads.push({ node: id, result });
        if (!result.complete) {
          addFinding({ node: id, kind: FindingKind.FinalRead, message: `node ${id} alone did not serve every partition to its end: ${describeRead(result)}` });
        }
      } finally {
        links.heal();
      }
    }
  };

  try {
    try {
      await runSchedule();
    } finally {
      await heal();
    }
    await stopWorkload();
    interrupted = signal.aborted;
    if (workloadStarted && !interrupted) await readEverything();
  } finally {
    clearInterval(progressTimer);
    outcome.injector?.stop();
    await producers.stop().catch(() => undefined);
    await consumers.stop().catch(() => undefined);
    await group?.stop().catch(() => undefined);
    await queue?.stop().catch(() => undefined);
    await Promise.all(extras.map((workload) => workload.stop().then(() => workload.close()).catch(() => undefined)));
    await watcher.stop().catch(() => undefined);
    await admin.close().catch(() => undefined);
    await nodes.killAll();
    await nodes.close();
    await links.close();
    process.removeListener('exit', killOnExit);
    options.signal?.removeEventListener('abort', onAbort);
    await history.close();
    for (const [id, disk] of disks) {
      if (options.keepData === true) await cp(join(disk.mountPoint, 'node'), join(dataRoot, `node-${id}`), { recursive: true }).catch(() => undefined);
      await disk.unmount().catch((err: Error) => emit(`could not unmount ${disk.mountPoint}: ${err.message}`));
    }
    process.removeListener('exit', unmountNow);
    if (options.keepData !== true) await rm(dataRoot, { recursive: true, force: true });
  }
  interrupted ||= signal.aborted;

  // ---- check and report
  phase = 'checking';
  const events = await readHistory(historyPath);
  const verdict = check(events);
  const faultCounts = Object.fromEntries(faultKinds.map((kind) => [kind, injected.filter((f) => f.kind === kind).length])) as Record<FaultKind, number>;
  const run: RunInfo = {
    command: options.command ?? '',
    seed: options.seed,
    nodes: options.nodes,
    partitions: options.partitions,
    producers: options.producers,
    groupMembers: groupMemberCount,
    queueMembers: queueMemberCount,
    workloads: extras.map((workload) => workload.name),
    durationMs: options.durationMs,
    faultKinds: [...kinds],
    unavailableKinds,
    startedAt: startedAt.toISOString(),
    interrupted,
    faultCounts,
    scheduled: schedule.length,
    skipped,
    injected,
    findings,
    finalRead: outcome.finalRead,
    replicaReads,
    brokerFindings: findings.filter((f) => brokerFindingKinds.has(f.kind)).length,
  };
  const html = renderReport(verdict, computeTimeline(events), { run });
  await writeReportFiles(reportDir, { historyPath, verdict, html, run });
  const readComplete = outcome.finalRead?.complete === true && replicaReads.every((r) => r.result.complete) && consumerFinals;
  const exitCode = interrupted ? 130 : verdict.valid && readComplete ? 0 : 1;
  return { reportDir, verdict, run, exitCode };
}

/** What a node's metrics say it repairs: `meta group` and/or `N partitions`, or ''. */
export function repairingOnNode(metrics: string): string {
  const meta = /^herald_raft_repairing\{[^}]*group="meta"[^}]*\} 1$/m.test(metrics);
  const partitions = Number(/^herald_partitions_repairing (\d+)$/m.exec(metrics)?.[1] ?? 0);
  return [...(meta ? ['meta group'] : []), ...(partitions > 0 ? [`${partitions} partitions`] : [])].join(', ');
}

function describeRead(result: FinalReadResult): string {
  return result.partitions
    .filter((p) => p.error !== undefined || p.readTo < p.endOffset)
    .map((p) => (p.partition < 0 ? p.error : `partition ${p.partition} read to ${p.readTo} of ${p.endOffset}${p.error === undefined ? '' : ` (${p.error})`}`))
    .join('; ');
}

function formatS(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
