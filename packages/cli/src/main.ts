import { CommanderError } from 'commander';
import { SynctrailError } from '@synctrail/sdk';
import { CliError, EXIT } from './exit-codes.js';
import { buildProgram } from './program.js';
import { SERVER_COMMANDS, runServerCommand } from './commands/server.js';

/** The exit code of a failure: 2 for a bad command line or a refused filter, 3 for not found. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
  if (error instanceof SynctrailError) {
    if (error.status === 404) return EXIT.NOT_FOUND;
    if (error.status === 400) return EXIT.USAGE;
  }
  return EXIT.FAILURE;
}

/**
 * Runs `synctrail` with the given argv (`[node, script, ...args]`); sets `process.exitCode`.
 *
 * @example
 * ```ts
 * await main(process.argv);
 * ```
 */
export async function main(argv: string[]): Promise<void> {
  const first = argv[2];
  try {
    // The server's commands keep their own flags and help: hand them the command line untouched.
    if (first !== undefined && first in SERVER_COMMANDS) return await runServerCommand(argv);
    await buildProgram(argv).parseAsync(argv);
  } catch (error) {
    const code = exitCodeOf(error);
    if (!(error instanceof CommanderError)) {
      console.error(`synctrail: ${error instanceof Error ? error.message : String(error)}`);
    }
    process.exitCode = code;
  }
}
