// Shows the gateway serving clients no one here wrote: Debian's mosquitto_pub and mosquitto_sub,
// MQTT 3.1.1 and 5, QoS 0/1/2, retained messages, wildcards, and a persistent session
// (-c -i) that gets what was published while it was away, from another node. Method: an
// in-process 3-node cluster with the gateway; the tools run as child processes, bounded by
// their own -W timeouts.
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestCluster } from '../support/cluster.js';
import { waitFor } from '../support/wait-for.js';

const missing = spawnSync('mosquitto_pub', ['--help']).error !== undefined;
if (missing && process.env.CI !== undefined) throw new Error('mosquitto_pub is missing; CI must install it (scripts/lib/ensure-mosquitto.sh)');
if (missing) console.warn('skipping the mosquitto tests: mosquitto_pub is missing (install it with scripts/lib/ensure-mosquitto.sh)');

let cluster: TestCluster;
const port = (id: number) => String(cluster.node(id).listenerPorts.mqtt);

/** Runs mosquitto_pub to the end; resolves with its exit code and output. */
function pub(node: number, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('mosquitto_pub', ['-h', '127.0.0.1', '-p', port(node), ...args]);
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** Starts mosquitto_sub printing "topic qos retain payload" lines; `subscribed` resolves once its
 *  SUBACK came (it runs with -d), `done` once it exits (-C count or -W timeout). */
function sub(node: number, args: string[]): { lines: string[]; subscribed: Promise<void>; done: Promise<number | null> } {
  // stdbuf: mosquitto_sub's stdout is block-buffered into a pipe; its SUBACK line must come now.
  const child = spawn('stdbuf', ['-oL', 'mosquitto_sub', '-h', '127.0.0.1', '-p', port(node), '-d', '-F', '%t %q %r %p', '-W', '20', ...args]);
  const lines: string[] = [];
  let onSuback!: () => void;
  let onExit!: (err: Error) => void;
  // A refused CONNECT (mosquitto_sub exits) fails the test at once rather than at its timeout.
  const subscribed = new Promise<void>((resolve, reject) => ((onSuback = resolve), (onExit = reject)));
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (/received SUBACK/.test(line)) onSuback();
    else if (!line.startsWith('Client ') && !line.startsWith('Subscribed')) lines.push(line);
  });
  const done = new Promise<number | null>((resolve) => child.on('close', resolve));
  void done.then((code) => onExit(new Error(`mosquitto_sub exited (${code}) before its SUBACK: ${lines.join(' | ')}`)));
  // A resumed session may get all it waits for (-C) before its SUBACK: only awaiting callers care.
  subscribed.catch(() => {});
  return { lines, subscribed, done };
}

beforeAll(async () => {
  if (missing) return;
  cluster = await TestCluster.start({ mqtt: true });
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
});

describe.skipIf(missing)('mosquitto_pub and mosquitto_sub', () => {
  it.each([
    { version: 'mqttv5', qos: '0' },
    { version: 'mqttv5', qos: '1' },
    { version: 'mqttv5', qos: '2' },
    { version: 'mqttv311', qos: '0' },
    { version: 'mqttv311', qos: '1' },
    { version: 'mqttv311', qos: '2' },
  ])('-V $version at QoS $qos, with + and # filters, across nodes', async ({ version, qos }) => {
    const plus = sub(1, ['-V', version, '-q', qos, '-t', `m/${version}/${qos}/+/temperature`, '-C', '3']);
    const hash = sub(3, ['-V', version, '-q', qos, '-t', `m/${version}/${qos}/#`, '-C', '4']);
    await Promise.all([plus.subscribed, hash.subscribed]);
    for (const room of ['kitchen', 'hall', 'attic']) expect(await pub(2, ['-V', version, '-q', qos, '-t', `m/${version}/${qos}/${room}/temperature`, '-m', `${room} 21`])).toEqual({ code: 0, output: '' });
    expect((await pub(2, ['-V', version, '-q', qos, '-t', `m/${version}/${qos}/hall/humidity`, '-m', '40%'])).code).toBe(0);
    expect(await plus.done).toBe(0);
    expect(await hash.done).toBe(0);
    const prefix = `m/${version}/${qos}`;
    expect(plus.lines.sort()).toEqual([`${prefix}/attic/temperature ${qos} 0 attic 21`, `${prefix}/hall/temperature ${qos} 0 hall 21`, `${prefix}/kitchen/temperature ${qos} 0 kitchen 21`]);
    expect(hash.lines.sort()).toEqual([
      `${prefix}/attic/temperature ${qos} 0 attic 21`,
      `${prefix}/hall/humidity ${qos} 0 40%`,
      `${prefix}/hall/temperature ${qos} 0 hall 21`,
      `${prefix}/kitchen/temperature ${qos} 0 kitchen 21`,
    ]);
  });

  it('keeps retained messages (-r) for later subscribers, and clears one with an empty payload (-n)', async () => {
    expect((await pub(1, ['-V', 'mqttv5', '-q', '1', '-r', '-t', 'ret/door', '-m', 'open'])).code).toBe(0);
    expect((await pub(1, ['-V', 'mqttv311', '-q', '2', '-r', '-t', 'ret/window', '-m', 'closed'])).code).toBe(0);
    expect((await pub(1, ['-q', '1', '-r', '-t', 'ret/light', '-m', 'on'])).code).toBe(0);
    expect((await pub(1, ['-q', '1', '-r', '-t', 'ret/light', '-n'])).code).toBe(0);
    // Node 3 learns the retained messages from the log: wait until it has them.
    await waitFor(
      async () => {
        const s = sub(3, ['-V', 'mqttv311', '-q', '1', '-t', 'ret/#', '-C', '2', '-W', '2']);
        await s.done;
        const lines = s.lines.sort();
        return JSON.stringify(lines) === JSON.stringify(['ret/door 1 1 open', 'ret/window 1 1 closed']) ? lines : undefined;
      },
      { timeoutMs: 20_000, what: 'the two retained messages at node 3' },
    );
  });

  it('resumes a persistent session (-c -i) on another node with what was published meanwhile', async () => {
    const first = sub(1, ['-V', 'mqttv311', '-q', '1', '-c', '-i', 'mosq-device', '-t', 'dev/alerts/#', '-C', '1', '-W', '2']);
    await first.subscribed;
    await first.done;
    for (let i = 1; i <= 3; i++) expect((await pub(2, ['-q', '1', '-t', `dev/alerts/a${i}`, '-m', `alert ${i}`])).code).toBe(0);
    const resumed = sub(3, ['-V', 'mqttv311', '-q', '1', '-c', '-i', 'mosq-device', '-t', 'dev/alerts/#', '-C', '3']);
    expect(await resumed.done).toBe(0);
    expect(resumed.lines.sort()).toEqual(['dev/alerts/a1 1 0 alert 1', 'dev/alerts/a2 1 0 alert 2', 'dev/alerts/a3 1 0 alert 3']);
  });
});
