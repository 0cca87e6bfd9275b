// The node's Kafka settings: where its listener binds by default, how the environment and the
// peers list set them, and that bad values are refused naming the field.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parsePeers } from '../src/config/config.js';

describe('the kafka section', () => {
  it('binds node N on 19090 + N by default, enabled, advertising nothing of its own', () => {
    const config = loadConfig({ overrides: { nodeId: 2 } });
    expect(config.kafka).toEqual({ enabled: true, port: 19092 });
  });

  it('takes the port of its own peer entry, then the environment, then overrides', () => {
    const peers = parsePeers('1=127.0.0.1:7401:7501:29091,2=127.0.0.1:7402:7502');
    expect(peers).toEqual([
      { id: 1, host: '127.0.0.1', clientPort: 7401, peerPort: 7501, kafkaPort: 29091 },
      { id: 2, host: '127.0.0.1', clientPort: 7402, peerPort: 7502 },
    ]);
    expect(loadConfig({ overrides: { nodeId: 1, peers } }).kafka.port).toBe(29091);
    const env = { HERALD_KAFKA_PORT: '29095', HERALD_KAFKA_ADVERTISED_HOST: 'broker-1.example', HERALD_KAFKA_ADVERTISED_PORT: '9092' };
    expect(loadConfig({ env, overrides: { nodeId: 1, peers } }).kafka).toEqual({ enabled: true, port: 29095, advertisedHost: 'broker-1.example', advertisedPort: 9092 });
    expect(loadConfig({ env, overrides: { nodeId: 1, kafka: { enabled: false } } }).kafka.enabled).toBe(false);
  });

  it.each([
    [{ HERALD_KAFKA_PORT: '70000' }, 'kafka.port'],
    [{ HERALD_KAFKA_PORT: 'x' }, 'HERALD_KAFKA_PORT'],
  ])('refuses %o naming %s', (env, field) => {
    expect(() => loadConfig({ env, overrides: { nodeId: 1 } })).toThrow(ConfigError);
    expect(() => loadConfig({ env, overrides: { nodeId: 1 } })).toThrow(field);
  });

  it('refuses a peer entry with a fifth field that is not a port', () => {
    expect(() => parsePeers('1=127.0.0.1:7401:7501:x')).toThrow('id=host:clientPort:peerPort[:kafkaPort]');
  });
});
