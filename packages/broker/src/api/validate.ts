import { invalidArgument } from '@herald/protocol';

/** Kafka's rule for topic names: 1 to 249 of [a-zA-Z0-9._-], and not "." or "..". */
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

export function topicName(value: unknown, field = 'topic'): string {
  if (typeof value !== 'string' || value.length === 0) throw invalidArgument(field, 'a topic name is required');
  if (!TOPIC_NAME.test(value) || value === '.' || value === '..') {
    throw invalidArgument(field, `"${value.slice(0, 300)}" is not a valid topic name (1 to 249 characters of a-z, A-Z, 0-9, ".", "_", "-")`);
  }
  return value;
}

/** A decimal integer as text: "12", "-1"; never "1e3", "0x10", " 5 ", "5.0" or "" (Number()
 *  reads all of those as numbers). NaN for anything else. */
export function strictInteger(text: string): number {
  return /^-?(0|[1-9]\d{0,15})$/.test(text) ? Number(text) : Number.NaN;
}

/** An integer within [min, max]; `fallback` stands in for 0 (proto3's "unset"). Text must be a
 *  plain decimal integer (strictInteger). */
export function intInRange(value: unknown, field: string, min: number, max: number, fallback?: number): number {
  const n = typeof value === 'string' ? strictInteger(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw invalidArgument(field, `must be an integer (got ${String(value)})`);
  if (n === 0 && fallback !== undefined) return fallback;
  if (n < min || n > max) throw invalidArgument(field, `must be between ${min.toLocaleString('en-US')} and ${max.toLocaleString('en-US')} (got ${n.toLocaleString('en-US')})`);
  return n;
}

export function bytes(value: unknown, field: string): Uint8Array {
  if (!(value instanceof Uint8Array) || value.byteLength === 0) throw invalidArgument(field, 'must not be empty');
  return value;
}

const TOPIC_CONFIGS = [
  'min.insync.replicas',
  'max.message.bytes',
  'retention.ms',
  'retention.bytes',
  'retention.unacked',
  'cleanup.policy',
  'delete.retention.ms',
  'min.compaction.lag.ms',
  'max.deliveries',
  'dead.letter.topic',
  'transaction.check.after.ms',
  'transaction.check.interval.ms',
  'transaction.check.max',
];

/** Topic configs Herald enforces; anything else is refused rather than silently ignored. */
export function topicConfigs(value: unknown, replicationFactor: number, maxMessageBytesLimit: number): Record<string, string> {
  const configs = (value ?? {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const [key, raw] of Object.entries(configs)) {
    const text = String(raw);
    switch (key) {
      case 'min.insync.replicas':
        out[key] = String(intInRange(text, `configs.${key}`, 1, replicationFactor));
        break;
      case 'max.message.bytes':
        out[key] = String(intInRange(text, `configs.${key}`, 1024, maxMessageBytesLimit));
        break;
      case 'retention.ms':
      case 'retention.bytes': {
        // -1: no limit (Kafka's convention); otherwise at least 1 (ms, bytes).
        out[key] = String(text === '-1' ? -1 : intInRange(text, `configs.${key}`, 1, Number.MAX_SAFE_INTEGER));
        break;
      }
      case 'cleanup.policy': {
        // Kafka's values: delete (retention), compact (latest record per key), or both.
        const policies = text.split(',').map((p) => p.trim());
        if (policies.length === 0 || policies.length > 2 || policies.some((p) => p !== 'delete' && p !== 'compact') || new Set(policies).size !== policies.length) {
          throw invalidArgument(`configs.${key}`, `must be "delete", "compact" or "compact,delete" (got "${text.slice(0, 100)}")`);
        }
        out[key] = [...policies].sort().join(',');
        break;
      }
      case 'delete.retention.ms':
      case 'min.compaction.lag.ms':
        out[key] = String(intInRange(text, `configs.${key}`, 0, Number.MAX_SAFE_INTEGER));
        break;
      case 'max.deliveries':
        out[key] = String(intInRange(text, `configs.${key}`, 1, 1_000));
        break;
      case 'dead.letter.topic':
        out[key] = topicName(text, `configs.${key}`);
        break;
      case 'transaction.check.after.ms':
      case 'transaction.check.interval.ms':
        out[key] = String(intInRange(text, `configs.${key}`, 1, 86_400_000));
        break;
      case 'transaction.check.max':
        out[key] = String(intInRange(text, `configs.${key}`, 1, 1_000));
        break;
      case 'retention.unacked':
        if (text !== 'keep' && text !== 'delete') throw invalidArgument(`configs.${key}`, `must be "keep" or "delete" (got "${text.slice(0, 100)}")`);
        out[key] = text;
        break;
      default:
        throw invalidArgument(`configs.${key}`, `unknown topic config (known: ${TOPIC_CONFIGS.join(', ')})`);
    }
  }
  return out;
}
