import { z } from 'zod';

const port = z.number().int().min(0).max(65535);

/** A Herald topic name (Kafka's rule, as the API checks it). */
const topicName = z
  .string()
  .regex(/^[a-zA-Z0-9._-]{1,249}$/, 'must be 1 to 249 characters of a-z, A-Z, 0-9, ".", "_", "-"')
  .refine((name) => name !== '.' && name !== '..', 'must not be "." or ".."');

/** One mapping rule: MQTT topics starting with `prefix` are stored in Herald topic `topic`. */
const MappingSchema = z.object({ prefix: z.string().min(1), topic: topicName });

/**
 * The MQTT gateway's settings (packages/mqtt, docs/mqtt.md). The gateway is an adapter: the
 * broker only validates this block and hands it over; `herald node start` starts the listeners
 * when `enabled`. Ports default to 1880 + node id (MQTT over TCP) and 8080 + node id (MQTT over
 * WebSocket at /mqtt, HTTP POST and Server-Sent Events), filled in by loadConfig.
 */
export const MqttConfigSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** MQTT over TCP; 0 picks a free port. */
    port: port.optional(),
    /** MQTT over WebSocket (/mqtt), POST /topics/<topic> and GET /sse; 0 picks a free port. */
    httpPort: port.optional(),
    /** Where MQTT topics that no rule maps are stored; created by the gateway when missing. */
    defaultTopic: topicName.default('mqtt'),
    /** The compacted topic of retained messages, keyed by MQTT topic name. */
    retainedTopic: topicName.default('mqtt.retained'),
    /** The compacted topic of persistent session state, keyed by client identifier. */
    sessionsTopic: topicName.default('mqtt.sessions'),
    /** Rules from MQTT topic prefixes to Herald topics; the longest matching prefix wins. */
    mappings: z.array(MappingSchema).default([]),
    /** Partitions of the topics the gateway creates. */
    topicPartitions: z.number().int().min(1).max(1024).default(3),
    /** Replicas of the topics the gateway creates; at most the number of nodes. */
    replicationFactor: z.number().int().min(1).optional(),
    limits: z
      .object({
        /** The largest MQTT packet accepted (MQTT 5 Maximum Packet Size, sent in CONNACK). */
        maxPacketBytes: z.number().int().min(1024).max(268_435_455).default(1 << 20),
        /** QoS 1 and 2 PUBLISHes a client may have unacknowledged (MQTT 5 Receive Maximum, sent
         *  in CONNACK; a client that sends more is disconnected with 0x93). MQTT's default, 65,535,
         *  since some clients (mqtt.js 5) ignore it; memory stays bounded anyway: a connection
         *  stops reading while 1,000 of its messages wait to be stored. */
        receiveMaximum: z.number().int().min(1).max(65_535).default(65_535),
        /** Messages the gateway has outstanding to one client (further bounded by the client's
         *  own Receive Maximum). */
        inflightMax: z.number().int().min(1).max(65_535).default(100),
        /** Topic aliases a client may set up (MQTT 5 Topic Alias Maximum). */
        topicAliasMaximum: z.number().int().min(0).max(65_535).default(16),
        /** Subscriptions one session may hold; a SUBSCRIBE beyond it is refused (quota). */
        subscriptionsMax: z.number().int().min(1).default(100),
        /** Bytes written to a client and not yet taken by its socket before QoS 0 messages are
         *  dropped and QoS 1 and 2 reading pauses. */
        outgoingBytesMax: z.number().int().min(1024).default(1 << 20),
        /** A client whose socket takes nothing for this long while data waits is disconnected. */
        writeStallMs: z.number().int().min(100).default(60_000),
        /** Keep-alive the server imposes when a client asks for none or more (MQTT 5 Server Keep
         *  Alive); 0 accepts the client's value. */
        keepAliveMaxSec: z.number().int().min(0).max(65_535).default(0),
        /** The longest session expiry granted. */
        sessionExpiryMaxSec: z.number().int().min(0).default(7 * 86_400),
        /** Time a client has to send CONNECT after opening the connection. */
        connectTimeoutMs: z.number().int().min(100).default(10_000),
        /** Connections one node accepts over MQTT, WebSocket and SSE together. */
        connectionsMax: z.number().int().min(1).default(100_000),
        /** How often a session's acknowledged positions are written to its session record. */
        positionCommitMs: z.number().int().min(10).default(1_000),
        /** Recent records each node keeps per partition so that subscribers close behind the
         *  tail are served from memory (the fan-out). */
        recentRecordsMax: z.number().int().min(16).default(4_096),
      })
      .prefault({}),
  })
  .prefault({});
export type MqttConfig = z.infer<typeof MqttConfigSchema>;
