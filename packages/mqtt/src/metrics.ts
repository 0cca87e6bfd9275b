import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Where a connection came in. */
export type Transport = 'tcp' | 'ws' | 'sse';

/**
 * The gateway's metrics, in the node's registry (docs/metrics.md, "MQTT"). Labels are bounded:
 * transport (3), qos (3), reason, result and operation (fixed lists), persistent and shared (2
 * each). No label carries a client identifier, a principal or a topic.
 */
export class MqttMetrics {
  readonly connections: Gauge<'transport'>;
  readonly connects: Counter<'result'>;
  readonly sessions: Gauge<'persistent'>;
  readonly subscriptions: Gauge<'shared'>;
  readonly received: Counter<'qos'>;
  readonly sent: Counter<'qos'>;
  readonly dropped: Counter<'reason'>;
  readonly disconnects: Counter<'reason'>;
  readonly publishSeconds: Histogram<'qos'>;
  readonly refused: Counter<'operation' | 'reason'>;
  readonly throttled: Counter<'kind'>;
  readonly reauthentications: Counter;

  constructor(registry: Registry, feeds: () => number, retained: () => number) {
    const registers = [registry];
    this.connections = new Gauge({ name: 'herald_mqtt_connections', help: 'Open MQTT (TCP, WebSocket) and SSE connections on this node.', labelNames: ['transport'], registers });
    this.connects = new Counter({ name: 'herald_mqtt_connects_total', help: 'CONNECT packets answered, by result (accepted or the refusal).', labelNames: ['result'], registers });
    this.sessions = new Gauge({ name: 'herald_mqtt_sessions', help: 'Sessions with a client connected to this node, persistent or clean.', labelNames: ['persistent'], registers });
    this.subscriptions = new Gauge({ name: 'herald_mqtt_subscriptions', help: 'Subscriptions of the sessions connected to this node, shared ($share) or not.', labelNames: ['shared'], registers });
    this.received = new Counter({ name: 'herald_mqtt_messages_received_total', help: 'PUBLISH packets received from clients and stored, by QoS.', labelNames: ['qos'], registers });
    this.sent = new Counter({ name: 'herald_mqtt_messages_sent_total', help: 'PUBLISH packets sent to subscribers (redeliveries included), by QoS.', labelNames: ['qos'], registers });
    this.dropped = new Counter({
      name: 'herald_mqtt_messages_dropped_total',
      help: 'Messages not sent to a subscriber: slow_client (QoS 0 while its outgoing buffer was full), quota (QoS 0 while its principal fetch quota held deliveries back), expired (message expiry passed), too_large (over the client maximum packet size).',
      labelNames: ['reason'],
      registers,
    });
    this.disconnects = new Counter({ name: 'herald_mqtt_disconnects_total', help: 'Connections closed, by reason.', labelNames: ['reason'], registers });
    this.publishSeconds = new Histogram({
      name: 'herald_mqtt_publish_duration_seconds',
      help: 'From a QoS 1 or 2 PUBLISH received to its PUBACK or PUBREC sent (the message stored with acks quorum).',
      labelNames: ['qos'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.refused = new Counter({
      name: 'herald_mqtt_refused_total',
      help: 'Requests refused by the cluster security: operation publish, subscribe, will (a CONNECT whose will topic may not be written), post or sse; reason not_authorized (the ACLs) or, for HTTP, bad_credentials and no_credentials.',
      labelNames: ['operation', 'reason'],
      registers,
    });
    this.throttled = new Counter({
      name: 'herald_mqtt_quota_throttle_seconds_total',
      help: "Seconds MQTT connections stopped reading (kind: produce or request) or held deliveries back (kind: fetch) because their principal exceeded a quota; the principal's total over every protocol is herald_quota_throttle_seconds_total.",
      labelNames: ['kind'],
      registers,
    });
    this.reauthentications = new Counter({ name: 'herald_mqtt_reauthentications_total', help: 'MQTT 5 re-authentications (AUTH 0x19) that proved the connection\'s user again.', registers });
    new Gauge({
      name: 'herald_mqtt_partition_feeds',
      help: 'Partitions this node reads for its subscribers (each read once, whatever the number of subscribers).',
      registers,
      collect() {
        this.set(feeds());
      },
    });
    new Gauge({
      name: 'herald_mqtt_retained_messages',
      help: 'Retained messages this node knows (every node indexes them all).',
      registers,
      collect() {
        this.set(retained());
      },
    });
    for (const transport of ['tcp', 'ws', 'sse']) this.connections.set({ transport }, 0);
    for (const qos of ['0', '1', '2']) {
      this.received.inc({ qos }, 0);
      this.sent.inc({ qos }, 0);
    }
    for (const reason of ['slow_client', 'quota', 'expired', 'too_large']) this.dropped.inc({ reason }, 0);
    for (const kind of ['produce', 'fetch', 'request']) this.throttled.inc({ kind }, 0);
    for (const persistent of ['true', 'false']) this.sessions.set({ persistent }, 0);
    for (const shared of ['true', 'false']) this.subscriptions.set({ shared }, 0);
  }
}
