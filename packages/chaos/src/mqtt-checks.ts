import { Anomaly, zeroOutcomes, type OutcomeCounts } from './anomaly.js';
import type { PublishEvent, ReceiveEvent } from './history.js';
import type { AddAnomaly } from './consumer-checks.js';

// The checks of the MQTT workload (mqtt-workload.ts): QoS 1 publishes and one subscriber with a
// persistent session. QoS 1 is at least once: what the broker acknowledged with a PUBACK must
// reach the subscriber, possibly more than once (counted, not an anomaly), and messages of one
// MQTT topic are stored in one partition in the order stored, so a publisher's acknowledged
// messages must first arrive in the order acknowledged.

/** What the checker found out about the MQTT workload. */
export interface MqttVerdict {
  readonly publishes: OutcomeCounts;
  /** Messages the subscriber received, counting each time. */
  readonly received: number;
  /** Distinct payloads received. */
  readonly distinct: number;
  /** Receipts beyond the first of a payload: QoS 1 redelivery at work, allowed. */
  readonly duplicates: number;
  /** Publishes of unknown outcome (no PUBACK in time) that were received after all. */
  readonly unknownReceived: number;
  /** Whether the subscriber recorded that it drained (its view is complete). */
  readonly drained: boolean;
}

type Completion<E> = Exclude<E, { type: 'invoke' }>;

interface Publish {
  readonly process: string;
  readonly topic: string;
  readonly invokeTime: number;
  outcome: 'ok' | 'fail' | 'info' | 'pending';
  doneTime: number;
}

/** Collects the MQTT operations of a history, then reports their anomalies (see above). */
export class MqttChecks {
  private readonly publishes = new Map<string, Publish>();
  private readonly publishCounts = zeroOutcomes();
  /** payload → times received. */
  private readonly receipts = new Map<string, number>();
  /** Payloads in the order first received, with the time. */
  private readonly firsts: { value: string; time: number }[] = [];
  private received = 0;
  private drained = false;
  private seen = false;

  invoked(event: PublishEvent | ReceiveEvent): void {
    this.seen = true;
    if (event.f !== 'publish') return;
    this.publishCounts.invoked += 1;
    this.publishes.set(event.value, { process: event.process, topic: event.topic, invokeTime: event.time, outcome: 'pending', doneTime: Number.NaN });
  }

  /** Returns a problem with the history itself, or null. */
  completed(invoke: PublishEvent | ReceiveEvent, event: Completion<PublishEvent | ReceiveEvent>): string | null {
    if (event.f === 'publish') {
      const publish = this.publishes.get((invoke as PublishEvent).value);
      if (publish === undefined || event.value !== (invoke as PublishEvent).value) return `${event.type} of publish ${event.value} completes another publish`;
      publish.outcome = event.type;
      publish.doneTime = event.time;
      this.publishCounts[event.type] += 1;
      return null;
    }
    if (event.type !== 'ok') return null;
    for (const message of event.messages) {
      this.received += 1;
      const times = this.receipts.get(message.value) ?? 0;
      if (times === 0) this.firsts.push({ value: message.value, time: event.time });
      this.receipts.set(message.value, times + 1);
    }
    if (event.final === true) this.drained = true;
    return null;
  }

  unfinished(invoke: PublishEvent | ReceiveEvent): void {
    if (invoke.f === 'publish') this.publishCounts.pending += 1;
  }

  /** Adds the anomalies; call once, after the whole history. */
  analyze(add: AddAnomaly): void {
    for (const { value, time } of this.firsts) {
      if (!this.publishes.has(value)) add(Anomaly.MqttUnexpected, () => ({ partition: 'mqtt', values: [value], offsets: [], times: [time], note: 'received, never published' }));
    }
    if (this.drained) {
      for (const [value, publish] of this.publishes) {
        if (publish.outcome === 'ok' && !this.receipts.has(value)) {
          add(Anomaly.MqttLost, () => ({ partition: `mqtt:${publish.topic}`, values: [value], offsets: [], times: [publish.invokeTime, publish.doneTime], process: publish.process, note: 'PUBACK received; the persistent subscriber never got it' }));
        }
      }
    }
    // Per publisher: acknowledged publishes in the order acknowledged (one outstanding at a
    // time, so also the order stored) must be first received in that order.
    const firstIndex = new Map(this.firsts.map((first, i) => [first.value, i]));
    const byProcess = new Map<string, { value: string; doneTime: number }[]>();
    for (const [value, publish] of this.publishes) {
      if (publish.outcome !== 'ok' || !firstIndex.has(value)) continue;
      const list = byProcess.get(publish.process) ?? [];
      list.push({ value, doneTime: publish.doneTime });
      byProcess.set(publish.process, list);
    }
    for (const [process, list] of byProcess) {
      list.sort((a, b) => a.doneTime - b.doneTime);
      for (let i = 1; i < list.length; i++) {
        const before = list[i - 1]!;
        const after = list[i]!;
        if (firstIndex.get(after.value)! < firstIndex.get(before.value)!) {
          add(Anomaly.MqttReordered, () => ({ partition: `mqtt:${this.publishes.get(after.value)!.topic}`, values: [before.value, after.value], offsets: [], times: [before.doneTime, after.doneTime], process, note: 'acknowledged in this order, first received in the other' }));
        }
      }
    }
  }

  /** The summary, or null when the history has no MQTT operations. */
  verdict(): MqttVerdict | null {
    if (!this.seen) return null;
    let unknownReceived = 0;
    for (const [value, publish] of this.publishes) if (publish.outcome !== 'ok' && this.receipts.has(value)) unknownReceived++;
    return {
      publishes: { ...this.publishCounts },
      received: this.received,
      distinct: this.receipts.size,
      duplicates: this.received - this.receipts.size,
      unknownReceived,
      drained: this.drained,
    };
  }
}
