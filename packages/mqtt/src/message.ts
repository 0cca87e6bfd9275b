// An MQTT application message as a Herald record, and back. The record key is the MQTT topic
// name (so one MQTT topic is one key: one partition, in order); the value is the payload; MQTT 5
// user properties are record headers under their own names; the gateway's own fields are headers
// named herald-mqtt-*. A record written by another client (the SDK, Kafka) to a mapped topic is
// an MQTT message too when its key is a valid topic name: QoS 1 unless it says otherwise.

import type { RecordHeader } from '@herald/protocol';
import { topicNameProblem } from './topics.js';

/** The headers the gateway writes; user properties may not use the herald- prefix. */
export const Header = {
  Qos: 'herald-mqtt-qos',
  Retain: 'herald-mqtt-retain',
  Client: 'herald-mqtt-client',
  ExpiresAt: 'herald-mqtt-expires-at',
  ContentType: 'herald-mqtt-content-type',
  ResponseTopic: 'herald-mqtt-response-topic',
  CorrelationData: 'herald-mqtt-correlation-data',
  PayloadFormat: 'herald-mqtt-payload-format',
} as const;

/** Headers starting with this are Herald's (herald-mqtt-*, herald-deliver-at, herald-dlq-*). */
export const RESERVED_HEADER_PREFIX = 'herald-';

export type Qos = 0 | 1 | 2;

/** User properties (MQTT 5 §3.3.2.3.7): a name may repeat. */
export type UserProperties = Record<string, string | string[]>;

/** An application message, as published and as delivered. */
export interface MqttMessage {
  readonly topic: string;
  readonly payload: Buffer;
  readonly qos: Qos;
  readonly retain: boolean;
  /** The publisher's client identifier ('' when the record did not come through MQTT). */
  readonly clientId: string;
  /** Epoch ms after which it is not delivered (MQTT 5 Message Expiry Interval); 0 for never. */
  readonly expiresAtMs: number;
  readonly contentType?: string;
  readonly responseTopic?: string;
  readonly correlationData?: Buffer;
  readonly payloadFormatUtf8?: boolean;
  readonly userProperties?: UserProperties;
}

const utf8 = new TextEncoder();
const text = (value: string): Uint8Array => utf8.encode(value);

/** The record headers of a message. */
export function messageHeaders(message: MqttMessage): RecordHeader[] {
  const headers: RecordHeader[] = [{ key: Header.Qos, value: text(String(message.qos)) }];
  if (message.retain) headers.push({ key: Header.Retain, value: text('1') });
  if (message.clientId !== '') headers.push({ key: Header.Client, value: text(message.clientId) });
  if (message.expiresAtMs > 0) headers.push({ key: Header.ExpiresAt, value: text(String(message.expiresAtMs)) });
  if (message.contentType !== undefined) headers.push({ key: Header.ContentType, value: text(message.contentType) });
  if (message.responseTopic !== undefined) headers.push({ key: Header.ResponseTopic, value: text(message.responseTopic) });
  if (message.correlationData !== undefined) headers.push({ key: Header.CorrelationData, value: message.correlationData });
  if (message.payloadFormatUtf8 === true) headers.push({ key: Header.PayloadFormat, value: text('1') });
  for (const [key, values] of Object.entries(message.userProperties ?? {})) {
    for (const value of Array.isArray(values) ? values : [values]) headers.push({ key, value: text(value) });
  }
  return headers;
}

/** The first user property name that uses the reserved prefix, if any. */
export function reservedUserProperty(properties: UserProperties | undefined): string | undefined {
  return Object.keys(properties ?? {}).find((name) => name.startsWith(RESERVED_HEADER_PREFIX));
}

/** A record as the log hands it to the gateway (key, value and header values are bytes). */
export interface LogRecord {
  readonly offset: number;
  readonly timestampMs: number;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers: readonly { readonly key: string; readonly value: Uint8Array }[];
}

const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** The message a record holds; undefined when it holds none (no key, or a key that is not a
 *  valid MQTT topic name). */
export function recordMessage(record: LogRecord): MqttMessage | undefined {
  if (record.key === null) return undefined;
  const topic = asBuffer(record.key).toString('utf8');
  if (topicNameProblem(topic) !== undefined) return undefined;
  let qos: Qos = 1;
  let retain = false;
  let clientId = '';
  let expiresAtMs = 0;
  let contentType: string | undefined;
  let responseTopic: string | undefined;
  let correlationData: Buffer | undefined;
  let payloadFormatUtf8: boolean | undefined;
  let userProperties: UserProperties | undefined;
  for (const h of record.headers) {
    const value = asBuffer(h.value);
    switch (h.key) {
      case Header.Qos: {
        const q = Number(value.toString());
        if (q === 0 || q === 1 || q === 2) qos = q;
        break;
      }
      case Header.Retain:
        retain = true;
        break;
      case Header.Client:
        clientId = value.toString();
        break;
      case Header.ExpiresAt:
        expiresAtMs = Number(value.toString()) || 0;
        break;
      case Header.ContentType:
        contentType = value.toString();
        break;
      case Header.ResponseTopic:
        responseTopic = value.toString();
        break;
      case Header.CorrelationData:
        correlationData = value;
        break;
      case Header.PayloadFormat:
        payloadFormatUtf8 = true;
        break;
      default: {
        if (h.key.startsWith(RESERVED_HEADER_PREFIX)) break;
        userProperties ??= {};
        const previous = userProperties[h.key];
        const v = value.toString();
        userProperties[h.key] = previous === undefined ? v : Array.isArray(previous) ? [...previous, v] : [previous, v];
      }
    }
  }
  return {
    topic,
    payload: record.value === null ? Buffer.alloc(0) : asBuffer(record.value),
    qos,
    retain,
    clientId,
    expiresAtMs,
    contentType,
    responseTopic,
    correlationData,
    payloadFormatUtf8,
    userProperties,
  };
}
