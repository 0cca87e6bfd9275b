// Option parsing shared by the commands. A bad value is a usage error: commander prints it with
// the option's name and the CLI exits with code 2.

import { InvalidArgumentError, Option, type Command } from 'commander';
import type { HeraldClient, HeraldClientOptions } from '@herald/client';

/** The local development cluster (DESIGN.md): nodes 1 to 3 on 127.0.0.1:7401-7403. */
export const DEFAULT_BROKERS = '127.0.0.1:7401,127.0.0.1:7402,127.0.0.1:7403';

/** A parser of integers from `min` to `max`, for commander. */
export function integer(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (raw) => {
    const value = raw.trim();
    const n = Number(value);
    if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(max === Number.MAX_SAFE_INTEGER ? `must be an integer from ${min}` : `must be an integer from ${min} to ${max}`);
    }
    return n;
  };
}

/** A parser of node id lists (1,2,3), for commander. */
export function nodeIds(value: string): number[] {
  const ids = value.split(',').map((v) => integer(1)(v));
  if (new Set(ids).size !== ids.length) throw new InvalidArgumentError('names a node twice');
  return ids;
}

/** A parser of repeatable key=value options into a map, for commander. */
export function keyValue(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError(`"${value}" is not key=value`);
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}

/** A parser of broker lists (host:port,host:port), for commander. */
export function brokerList(value: string): string[] {
  const brokers = value.split(',').map((b) => b.trim()).filter((b) => b !== '');
  if (brokers.length === 0) throw new InvalidArgumentError('needs at least one host:port');
  for (const broker of brokers) {
    const match = /^(\[[0-9a-fA-F:.]+\]|[^:\s]+):(\d+)$/.exec(broker);
    const port = Number(match?.[2]);
    if (match === null || !(port >= 1 && port <= 65535)) throw new InvalidArgumentError(`"${broker}" is not host:port`);
  }
  return brokers;
}

/** Options of every command that talks to a cluster. `brokers` is undefined when neither
 *  --brokers nor HERALD_BROKERS is given. */
export interface ClusterOptions {
  brokers?: string[];
  timeoutMs: number;
}

/** Adds --brokers (HERALD_BROKERS) and --timeout-ms to a command. */
export function withClusterOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--brokers <list>', `broker addresses, host:port,... (default: those of the client config file, else ${DEFAULT_BROKERS})`).env('HERALD_BROKERS').argParser(brokerList),
    )
    .addOption(new Option('--timeout-ms <ms>', 'give up on a request after this long, retries included').default(10_000).argParser(integer(1)));
}

/** The log levels a node accepts (pino's). */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** A usage error found after parsing (a bad node configuration): main.ts prints its message and
 *  exits with code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * The client options of a command: TLS and credentials from the client config file
 * (HERALD_CLIENT_CONFIG, else ./data/client.json, when there is one), brokers from --brokers or
 * HERALD_BROKERS, else from the file, else the local cluster's. The SDK is loaded here, on first
 * use, so that commands that need none (`herald node start`, `--help`) start without it.
 */
export async function clientOptions(options: ClusterOptions): Promise<HeraldClientOptions> {
  const { findClientConfig } = await import('@herald/client');
  const config = findClientConfig();
  return {
    brokers: options.brokers ?? config?.brokers ?? brokerList(DEFAULT_BROKERS),
    ...(config?.tls === undefined ? {} : { tls: config.tls }),
    ...(config?.credentials === undefined ? {} : { credentials: config.credentials }),
    callTimeoutMs: options.timeoutMs,
  };
}

/** A client for the command's cluster (see clientOptions). */
export async function clientFor(options: ClusterOptions): Promise<HeraldClient> {
  const { HeraldClient } = await import('@herald/client');
  return new HeraldClient(await clientOptions(options));
}

/** Runs `fn` with a client for the command's brokers, closing it afterwards. */
export async function withClient<T>(options: ClusterOptions, fn: (client: HeraldClient) => Promise<T>): Promise<T> {
  const client = await clientFor(options);
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}
