#!/usr/bin/env node
// The `herald` command. Exit codes: 0 done, 1 the request failed (a refusal, no broker reachable,
// a node that would not start), 2 a usage error (unknown command or flag, bad value, bad config).

import { fileURLToPath } from 'node:url';
import { CommanderError } from 'commander';
import { ConfigError } from '@herald/broker';
import { HeraldError, isUnreachable } from '@herald/client';
import { buildProgram } from './program.js';

const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

async function main(argv: readonly string[]): Promise<number> {
  // A reader that goes away (`herald consume t | head`) is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  const program = buildProgram(fileURLToPath(import.meta.url));
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT_USAGE; // commander printed it
    if (err instanceof ConfigError) {
      process.stderr.write(`error: ${err.message}\n`);
      return EXIT_USAGE;
    }
    if (err instanceof HeraldError) {
      const hint = ' (is the cluster up? start one with `herald cluster up`, or point --brokers or HERALD_BROKERS at it)';
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
