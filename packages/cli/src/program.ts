import { Command, Option } from 'commander';
import { EXIT_CODES_HELP } from './exit-codes.js';
import { registerAuth } from './commands/auth.js';
import { registerRuns } from './commands/runs.js';
import { registerCalls } from './commands/calls.js';
import { registerTenants } from './commands/tenants.js';
import { registerDownloads } from './commands/downloads.js';
import { registerAccess } from './commands/access.js';
import { registerServerCommands } from './commands/server.js';

/** The `synctrail` command line, every command registered. */
export function buildProgram(argv: string[]): Command {
  const program = new Command()
    .name('synctrail')
    .description(
      'Synctrail from the terminal: runs, calls, issues, organizations, exports and log bundles of a Synctrail server.',
    )
    .version('0.1.0')
    .option(
      '--profile <name>',
      'the profile to use (default: $SYNCTRAIL_PROFILE, else the last one logged in)',
    )
    .option('--json', 'print JSON')
    .addOption(new Option('--ndjson', 'print one JSON object a line').conflicts('json'))
    .option('-q, --quiet', 'no progress, no notes on stderr')
    .option('--no-color', 'no colours (also: NO_COLOR=1; colours are only used on a terminal)')
    .addHelpText(
      'after',
      `
Profiles live in $XDG_CONFIG_HOME/synctrail/config.json (or ~/.config/synctrail/config.json);
SYNCTRAIL_URL and SYNCTRAIL_TOKEN override the profile's server and credentials.
${EXIT_CODES_HELP}`,
    )
    .showSuggestionAfterError()
    // Settings that subcommands copy when they are added: failures are thrown, and mapped to exit codes by main.
    .exitOverride();
  registerAuth(program);
  registerRuns(program);
  registerCalls(program);
  registerTenants(program);
  registerDownloads(program);
  registerAccess(program);
  registerServerCommands(program, argv);
  return program;
}
