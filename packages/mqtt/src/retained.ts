// Retained messages (MQTT 5 §3.3.1.3): a compacted Herald topic keyed by MQTT topic name holds
// the last retained message of each topic; a null value (a PUBLISH with retain and an empty
// payload) clears it, and compaction drops it. Every node follows the topic into an index, from
// which a new subscription gets the retained messages its filter matches.

import type { Logger } from 'pino';
import type { ClusterAccess, RecordChunk } from './cluster.js';
import { recordMessage, type MqttMessage } from './message.js';
import { topicMatches } from './topics.js';

/** The retained messages, as this node has read them. */
export class RetainedStore {
  private readonly messages = new Map<string, MqttMessage>();
  private readonly abort = new AbortController();

  constructor(
    readonly topic: string,
    private readonly access: ClusterAccess,
    private readonly log: Logger,
  ) {}

  /** Starts following every partition of the retained topic (which must exist). */
  async start(): Promise<void> {
    const partitions = await this.access.partitionCount(this.topic);
    for (let p = 0; p < partitions; p++) void this.access.follow(this.topic, p, (chunk) => this.apply(chunk), this.abort.signal, this.log);
  }

  private apply(chunk: RecordChunk): void {
    for (const r of chunk.records) {
      if (r.key === null) continue;
      const topic = Buffer.from(r.key).toString('utf8');
      const message = r.value === null ? undefined : recordMessage(r);
      if (message === undefined || message.payload.byteLength === 0) this.messages.delete(topic);
      else this.messages.set(topic, message);
    }
  }

  /** The retained messages whose topic matches the filter, unexpired. */
  matching(filter: string, nowMs = Date.now()): MqttMessage[] {
    const out: MqttMessage[] = [];
    for (const [topic, message] of this.messages) {
      if (message.expiresAtMs > 0 && message.expiresAtMs <= nowMs) continue;
      if (topicMatches(filter, topic)) out.push(message);
    }
    return out;
  }

  /** How many retained messages this node knows. */
  get size(): number {
    return this.messages.size;
  }

  close(): void {
    this.abort.abort();
  }
}
