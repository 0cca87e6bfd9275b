import { HalfWorkload } from './half-workload.js';
import { KafkaWorkload } from './kafka-workload.js';
import { MqttWorkload } from './mqtt-workload.js';
import type { ExtraWorkload } from './run.js';
import { TxnWorkload } from './txn-workload.js';

/**
 * The workloads a chaos run can add to its built-in ones (`herald chaos run --workloads`):
 * `kafka` (kafkajs producers and a consumer group on the Kafka listeners), `mqtt` (mqtt.js QoS 1
 * publishers and a persistent-session subscriber on the MQTT listeners), `half` (half messages
 * committed, rolled back, or left to a check-back), `txn` (multi-partition and
 * read-process-write transactions).
 */
export const WorkloadName = { Kafka: 'kafka', Mqtt: 'mqtt', Half: 'half', Txn: 'txn' } as const;
export type WorkloadName = (typeof WorkloadName)[keyof typeof WorkloadName];

/** Every workload name, in the order they start. */
export const workloadNames: readonly WorkloadName[] = Object.values(WorkloadName);

/** Parses `kafka,mqtt,half,txn`, `all` or `none`; throws RangeError naming a bad name. */
export function parseWorkloads(list: string): WorkloadName[] {
  const text = list.trim();
  if (text === 'all') return [...workloadNames];
  if (text === 'none' || text === '') return [];
  const names = text.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!(workloadNames as readonly string[]).includes(name)) throw new RangeError(`unknown workload "${name.slice(0, 40)}": use ${workloadNames.join(', ')}, all or none`);
  }
  return workloadNames.filter((name) => names.includes(name));
}

/** New instances of the named workloads, for one run (ChaosRunOptions.workloads). */
export function createWorkloads(names: readonly WorkloadName[]): ExtraWorkload[] {
  return names.map((name) => {
    switch (name) {
      case WorkloadName.Kafka:
        return new KafkaWorkload();
      case WorkloadName.Mqtt:
        return new MqttWorkload();
      case WorkloadName.Half:
        return new HalfWorkload();
      case WorkloadName.Txn:
        return new TxnWorkload();
    }
  });
}
