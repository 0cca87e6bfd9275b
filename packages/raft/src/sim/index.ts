export { checkAppliedPrefix, checkCommitIndex, checkElectionSafety, checkLeaderCompleteness, checkLogMatching,
  checkRestartCommitIndex, checkSnapshotRestore, checkStateMachineSafety, entryKey, foldDigest, logView, SafetyHistory,
  SafetyViolation, type LogView } from './checkers.js';
export { decodeText, encodeText, SimCluster, SimDisk, SimStateMachine, type ClusterStats, type SimClusterOptions, type SimPacket } from './cluster.js';
export { reliableNetwork, SimNetwork, type Addressed, type NetworkOptions, type NetworkStats } from './network.js';
export { SeededPrng } from './prng.js';
export { defaultTicks, LivenessViolation, Simulation, simulationOptionsFor, type SimulationOptions, type SimulationStats } from './simulation.js';
