/**
 * The exit codes of `synctrail`, the same for every command (documented in `--help` and the README).
 */
export const EXIT = {
  /** The command did what it was asked. */
  OK: 0,
  /** It failed: the server refused or could not be reached, a download did not verify… */
  FAILURE: 1,
  /** The command line was wrong (unknown command or flag, bad value, a filter the server refused). */
  USAGE: 2,
  /** What the command names does not exist (or the credentials cannot see it). */
  NOT_FOUND: 3,
  /** `runs watch`: the run ended with status ERROR or progress ABORTED. */
  RUN_FAILED: 4,
} as const;

/** The lines `--help` ends with. */
export const EXIT_CODES_HELP = `
Exit codes:
  0  done
  1  failure (the server refused or could not be reached, a download did not verify)
  2  usage (unknown command or flag, bad value, a filter the server refused)
  3  not found
  4  runs watch: the run ended with status ERROR or was ABORTED`;

/** A failure with the exit code it ends the command with; its message is for the person at the terminal. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT.FAILURE,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A command-line mistake (exit 2). */
export function usageError(message: string): CliError {
  return new CliError(message, EXIT.USAGE);
}
