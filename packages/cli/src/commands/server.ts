import type { Command } from 'commander';
import { CliError, EXIT } from '../exit-codes.js';

/** The commands `@synctrail/server` runs itself, with what `--help` says of them. */
export const SERVER_COMMANDS: Record<string, string> = {
  serve: 'Start the Synctrail server (needs @synctrail/server)',
  migrate: 'Apply pending database migrations and exit (needs @synctrail/server)',
  demo: 'Fill a fresh database with the demo data set (needs @synctrail/server)',
  admin: 'Console accounts: admin create (needs @synctrail/server)',
  audit: 'The audit log: audit verify checks its hash chain (needs @synctrail/server)',
};

/** A variable, so that neither the bundler nor the type checker follows it: the server is optional. */
const SERVER_CLI = '@synctrail/server/cli';

/**
 * Runs a server command through `@synctrail/server`'s own CLI (`runCli(argv)`), where that package
 * is installed; exit 2 with a line saying to install it where it is not.
 */
export async function runServerCommand(argv: string[]): Promise<void> {
  let runCli: (argv: string[]) => Promise<void>;
  try {
    ({ runCli } = (await import(SERVER_CLI)) as { runCli: (argv: string[]) => Promise<void> });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (
      (code === 'ERR_MODULE_NOT_FOUND' || code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') &&
      String(error).includes('@synctrail/server')
    ) {
      throw new CliError(
        `synctrail ${argv[2] ?? ''} runs the server, which is not installed here: npm install @synctrail/server`,
        EXIT.USAGE,
        { cause: error },
      );
    }
    throw error;
  }
  await runCli(argv);
}

/** Lists the server's commands in `--help`; running one hands the command line to the server. */
export function registerServerCommands(program: Command, argv: string[]): void {
  for (const [name, description] of Object.entries(SERVER_COMMANDS)) {
    program
      .command(name)
      .description(description)
      .helpOption(false)
      .allowUnknownOption()
      .allowExcessArguments()
      .argument('[args...]')
      .action(async () => {
        const at = argv.indexOf(name, 2);
        await runServerCommand([argv[0] ?? process.execPath, argv[1] ?? 'synctrail', ...argv.slice(at)]);
      });
  }
}
