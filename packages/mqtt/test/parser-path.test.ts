// Shows that bad bytes on an MQTT connection close it with the protocol's answer and never throw
// out of the parser path, and that the size guard bounds what is buffered. Method: fast-check
// (seeded: a failure prints its seed and path) feeds random and mutated bytes to the frame guard
// and mqtt-packet's parser, and to a Connection over an in-memory wire.
import { MqttConfigSchema } from '@herald/broker';
import fc from 'fast-check';
import * as mqttPacket from 'mqtt-packet';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { allowAnyone, allowEverything } from '../src/auth.js';
import { Connection, type Wire } from '../src/connection.js';
import { FrameGuard } from '../src/frame-guard.js';
import type { Gateway } from '../src/gateway.js';
import { MqttMetrics } from '../src/metrics.js';

const MAX = 4096;
const config = MqttConfigSchema.parse({ limits: { maxPacketBytes: MAX, connectTimeoutMs: 60_000 } });

/** A gateway that never becomes ready: enough for what happens before a session exists. */
function fakeGateway(): Gateway {
  return {
    config,
    metrics: new MqttMetrics(new Registry(), () => 0, () => 0),
    log: pino({ level: 'silent' }),
    ready: new Promise(() => {}),
    owners: new Map(),
    authenticator: allowAnyone,
    authorizer: allowEverything,
  } as unknown as Gateway;
}

class MemoryWire implements Wire {
  readonly transport = 'tcp' as const;
  readonly remoteAddress = 'test';
  readonly written: Buffer[] = [];
  ended = false;
  private data: ((chunk: Buffer) => void) | undefined;
  write(bytes: Buffer): void {
    this.written.push(bytes);
  }
  writeBatched(bytes: Buffer): void {
    this.write(bytes);
  }
  bufferedBytes(): number {
    return 0;
  }
  pause(): void {}
  resume(): void {}
  end(): void {
    this.ended = true;
  }
  onData(listener: (chunk: Buffer) => void): void {
    this.data = listener;
  }
  onDrain(): void {}
  onClose(): void {}
  feed(chunk: Buffer): void {
    this.data!(chunk);
  }
}

/** The packets a wire received, decoded. */
function decoded(wire: MemoryWire, protocolVersion: number): mqttPacket.Packet[] {
  const out: mqttPacket.Packet[] = [];
  const parser = mqttPacket.parser({ protocolVersion });
  parser.on('packet', (p: mqttPacket.Packet) => out.push(p));
  for (const chunk of wire.written) parser.parse(chunk);
  return out;
}

const valid = [
  mqttPacket.generate({ cmd: 'connect', clientId: 'c1', protocolVersion: 5, clean: true, keepalive: 30 } as mqttPacket.IConnectPacket),
  mqttPacket.generate({ cmd: 'publish', topic: 'a/b', payload: Buffer.from('hello'), qos: 1, messageId: 7, dup: false, retain: false }),
  mqttPacket.generate({ cmd: 'subscribe', messageId: 3, subscriptions: [{ topic: 'a/#', qos: 1 }] }),
  mqttPacket.generate({ cmd: 'pingreq' }),
];

describe('the frame guard', () => {
  it('finds packet boundaries across chunks and refuses what exceeds the limit from its header', () => {
    const guard = new FrameGuard(MAX);
    const stream = Buffer.concat(valid);
    for (let i = 0; i < stream.length; i += 3) expect(guard.check(stream.subarray(i, i + 3))).toBeUndefined();
    expect(new FrameGuard(MAX).check(Buffer.from([0x30, 0xff, 0xff, 0x03]))).toBe('too-large');
    expect(new FrameGuard(MAX).check(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]))).toBe('malformed');
  });

  it('never lets the parser buffer a packet over the limit (random bytes)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3 * MAX }), fc.integer({ min: 1, max: 512 }), (bytes, chunkSize) => {
        const guard = new FrameGuard(MAX);
        const parser = mqttPacket.parser({ protocolVersion: 5 });
        parser.on('error', () => {});
        parser.on('packet', () => {});
        for (let i = 0; i < bytes.length; i += chunkSize) {
          const chunk = Buffer.from(bytes.subarray(i, i + chunkSize));
          if (guard.check(chunk) !== undefined) return;
          // The parser keeps at most the unparsed rest of one packet within the limit.
          expect(parser.parse(chunk)).toBeLessThanOrEqual(MAX + chunkSize);
        }
      }),
      { seed: 14, numRuns: 300 },
    );
  });
});

describe('a connection fed bad bytes', () => {
  it('closes on random bytes before CONNECT, sending at most a CONNACK or DISCONNECT', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 2 * MAX }), (bytes) => {
        const wire = new MemoryWire();
        const connection = new Connection(wire, fakeGateway());
        expect(() => wire.feed(Buffer.from(bytes))).not.toThrow();
        for (const p of decoded(wire, 5)) expect(['connack', 'disconnect']).toContain(p.cmd);
        connection.shutdown();
      }),
      { seed: 1414, numRuns: 500 },
    );
  });

  it('survives valid packets with bytes flipped, never throwing', () => {
    const stream = Buffer.concat(valid);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(stream.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), (flips) => {
        const bytes = Buffer.from(stream);
        for (const [at, value] of flips) bytes[at] = value;
        const wire = new MemoryWire();
        const connection = new Connection(wire, fakeGateway());
        expect(() => wire.feed(bytes)).not.toThrow();
        connection.shutdown();
      }),
      { seed: 1415, numRuns: 500 },
    );
  });

  it.each([
    { what: 'a first packet that is not CONNECT', bytes: valid[3]!, version: 4, answer: undefined },
    { what: 'an oversized packet', bytes: Buffer.concat([valid[0]!, Buffer.from([0x30, 0x80, 0x80, 0x04])]), version: 5, answer: undefined },
    { what: 'a reserved packet type', bytes: Buffer.from([0x00, 0x00]), version: 4, answer: undefined },
    // mqtt-packet refuses the protocol level while parsing: the connection closes unanswered.
    { what: 'an unsupported protocol level', bytes: mqttPacket.generate({ cmd: 'connect', clientId: 'x', protocolVersion: 5, clean: true, keepalive: 0 } as mqttPacket.IConnectPacket).fill(9, 8, 9), version: 4, answer: undefined },
  ] as { what: string; bytes: Buffer; version: number; answer: string | undefined }[])('closes on $what', ({ bytes, version, answer }) => {
    const wire = new MemoryWire();
    new Connection(wire, fakeGateway());
    wire.feed(bytes);
    expect(wire.ended).toBe(true);
    const packets = decoded(wire, version);
    expect(packets.map((p) => p.cmd)).toEqual(answer === undefined ? [] : [answer]);
  });

  it('refuses an invalid UTF-8 client identifier with CONNACK 0x85', async () => {
    const connect = mqttPacket.generate({ cmd: 'connect', clientId: 'ab', protocolVersion: 5, clean: true, keepalive: 0 } as mqttPacket.IConnectPacket);
    // The client id is the connect packet's last two bytes: make them ill-formed UTF-8.
    connect[connect.length - 2] = 0xc3;
    connect[connect.length - 1] = 0x28;
    const wire = new MemoryWire();
    new Connection(wire, fakeGateway());
    wire.feed(connect);
    await new Promise((resolve) => setImmediate(resolve));
    expect(wire.ended).toBe(true);
    expect(decoded(wire, 5)).toMatchObject([{ cmd: 'connack', reasonCode: 0x85 }]);
  });
});
