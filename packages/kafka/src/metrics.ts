// The Kafka listener's metrics in a node's prom-client registry (docs/metrics.md).

import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { KafkaMetrics, MalformedReason } from './connection.js';

/**
 * KafkaMetrics as prom-client metrics registered in `registry`: herald_kafka_connections (open
 * now), herald_kafka_connections_total (opened), herald_kafka_requests_total by API and error
 * code, herald_kafka_request_seconds by API, herald_kafka_bad_frames_total by reason.
 */
export function kafkaMetrics(registry: Registry): KafkaMetrics {
  const registers = [registry];
  const open = new Gauge({ name: 'herald_kafka_connections', help: 'Kafka client connections open now', registers });
  const opened = new Counter({ name: 'herald_kafka_connections_total', help: 'Kafka client connections opened', registers });
  const requests = new Counter({
    name: 'herald_kafka_requests_total',
    help: 'Kafka requests answered, by API and the first error code of the answer (0: none)',
    labelNames: ['api', 'error_code'] as const,
    registers,
  });
  const seconds = new Histogram({
    name: 'herald_kafka_request_seconds',
    help: 'Time from reading a Kafka request to its answer (a Fetch includes its long poll)',
    labelNames: ['api'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30],
    registers,
  });
  const badFrames = new Counter({
    name: 'herald_kafka_bad_frames_total',
    help: 'Kafka connections closed for what the client sent, by reason',
    labelNames: ['reason'] as const,
    registers,
  });
  return {
    connectionOpened() {
      open.inc();
      opened.inc();
    },
    connectionClosed() {
      open.dec();
    },
    malformedFrame(reason: MalformedReason) {
      badFrames.inc({ reason });
    },
    request(api: string, _version: number, elapsedSeconds: number, errorCode: number) {
      requests.inc({ api, error_code: String(errorCode) });
      seconds.observe({ api }, elapsedSeconds);
    },
  };
}
