// Shows the node configuration's mqtt block (packages/broker/src/config/mqtt.ts): local ports
// derived from the node id, defaults, and refusals that name the field.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '@herald/broker';
import { describe, expect, it } from 'vitest';

describe('the mqtt block', () => {
  it('is off by default, on 188N and 808N, with the default topics', () => {
    const config = loadConfig({ overrides: { nodeId: 2 } });
    expect(config.mqtt).toMatchObject({ enabled: false, port: 1882, httpPort: 8082, defaultTopic: 'mqtt', retainedTopic: 'mqtt.retained', sessionsTopic: 'mqtt.sessions', mappings: [] });
    expect(config.mqtt.limits).toMatchObject({ maxPacketBytes: 1 << 20, inflightMax: 100, subscriptionsMax: 100 });
  });

  it('reads mapping rules and limits from the YAML file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'herald-mqtt-config-')), 'node.yaml');
    writeFileSync(file, 'mqtt:\n  enabled: true\n  port: 1883\n  mappings:\n    - { prefix: home/, topic: telemetry }\n  limits: { subscriptionsMax: 10 }\n');
    const config = loadConfig({ file, overrides: { nodeId: 1 } });
    expect(config.mqtt).toMatchObject({ enabled: true, port: 1883, httpPort: 8081, mappings: [{ prefix: 'home/', topic: 'telemetry' }] });
    expect(config.mqtt.limits.subscriptionsMax).toBe(10);
  });

  it.each([
    [{ mappings: [{ prefix: 'home/', topic: 'not a topic' }] }, 'mqtt.mappings[0].topic'],
    [{ mappings: [{ prefix: '', topic: 'telemetry' }] }, 'mqtt.mappings[0].prefix'],
    [{ port: 70_000 }, 'mqtt.port'],
    [{ limits: { maxPacketBytes: 10 } }, 'mqtt.limits.maxPacketBytes'],
  ])('refuses %j naming %s', (mqtt, field) => {
    expect(() => loadConfig({ overrides: { nodeId: 1, mqtt } })).toThrow(ConfigError);
    expect(() => loadConfig({ overrides: { nodeId: 1, mqtt } })).toThrow(field);
  });
});
