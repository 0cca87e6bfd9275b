#!/usr/bin/env node
// The `herald` command. Exit codes: 0 done, 1 the request failed (a refusal, no broker reachable,
// a node that would not start), 2 a usage error (unknown command or flag, bad value, bad config).

import { fileURLToPath } from 'node:url';
import { CommanderError } from 'commander';
import { cliCommand } from './launch.js';
import { UsageError } from './options.js';
import { buildProgram } from './program.js';

const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

async function main(argv: readonly string[]): Promise<number> {
  // A reader that goes away (`herald consume t | head`) is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  // grpc-js hands a broker's IP address to TLS as the server name, which Node warns about once
  // per process (DEP0123, RFC 6066). The certificate is still checked against the address (its
  // IP SAN); the warning tells a CLI user nothing, every other warning still prints.
  const warn = process.listeners('warning');
  process.removeAllListeners('warning');
  process.on('warning', (warning: Error & { code?: string }) => {
    if (warning.code !== 'DEP0123') for (const listener of warn) listener(warning);
  });
  const cliEntry = fileURLToPath(import.meta.url);
  try {
    const program = await buildProgram(cliEntry, argv);
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT_USAGE; // commander printed it
    if (err instanceof UsageError) {
      process.stderr.write(`error: ${err.message}\n`);
      return EXIT_USAGE;
    }
    // Loaded only here: the client is what threw it, when it is one of its errors.
    const { HeraldError, isUnreachable } = await import('@herald/client');
    if (err instanceof HeraldError) {
      const herald = cliCommand(cliEntry);
      const hint = ` (is the cluster up? start one with \`${herald} cluster up\`, or point --brokers, HERALD_BROKERS or the client config file HERALD_CLIENT_CONFIG at it)`;
      process.stderr.write(`error: ${isUnreachable(err) ? `no broker answered${hint}; last error: ${err.message}` : err.message}\n`);
      return err.reason === 'InvalidArgument' && err.details.address === undefined ? EXIT_USAGE : EXIT_FAILED;
    }
    process.stderr.write(`error: ${withCauses(err)}\n`);
    return EXIT_FAILED;
  }
}

/** An error's message followed by its causes' ("Database failed to open: IO error: ... No space
 *  left on device"): the cause is often what an operator, or the chaos harness, needs. */
function withCauses(err: unknown): string {
  const messages: string[] = [];
  for (let cause: unknown = err; cause !== undefined && messages.length < 5; cause = cause instanceof Error ? cause.cause : undefined) {
    messages.push(cause instanceof Error ? cause.message : String(cause));
  }
  return messages.join(': ');
}

process.exitCode = await main(process.argv);
