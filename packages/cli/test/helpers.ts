import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { afterAll } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OPERATOR_TOKEN } from '../../server/test/harness.js';

export { OPERATOR_TOKEN };
export { createTestDatabase, ENGINES, type TestDatabase } from '../../server/test/harness.js';
export {
  must,
  startServerProcess,
  storageEnv,
  waitFor,
  type ServerProcess,
} from '../../server/test/server-process.js';

/** The CLI's sources, as the bin runs them on a checkout that is not built. */
const RUN = fileURLToPath(new URL('../src/run.ts', import.meta.url));
export const BIN = fileURLToPath(new URL('../bin/synctrail.js', import.meta.url));

/**
 * The suites run the CLI as one bundled file, built from the sources once per test file by tsup with
 * the package's own config: what a packed install runs, and started in a third of the time tsx takes
 * (the suites start it some two hundred times). Built under packages/cli/node_modules so that its
 * dependencies resolve as they do for the package.
 */
async function bundleCli(): Promise<string> {
  const { build } = await import('tsup');
  // tsup reads the package.json of the working directory (the root's) for what stays external: name the CLI's.
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const outDir = fileURLToPath(new URL(`../node_modules/.synctrail-test/${process.pid}/`, import.meta.url));
  await build({
    config: fileURLToPath(new URL('../tsup.config.ts', import.meta.url)),
    entry: [RUN],
    outDir,
    tsconfig: fileURLToPath(new URL('../tsconfig.build.json', import.meta.url)),
    external: [...Object.keys(manifest.dependencies), '@synctrail/server'],
    silent: true,
  });
  // Each test file's bundle goes with it.
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));
  return join(outDir, 'run.js');
}
const BUNDLE = await bundleCli();

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON. */
  json: any;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  /** Written to the command's standard input, which is then closed. */
  input?: string;
  /** Run this shell command under `script` (a pseudo-terminal) instead. */
  script?: string;
  /** Run this bin file instead of the bundle. */
  bin?: string;
}

/**
 * The CLI as a fresh clone has it after `npm ci`: its bin and sources, no dist/ (which the packed-install
 * suite builds in the workspace). Answers the path of that bin.
 */
export function unbuiltBin(): string {
  const checkout = mkdtempSync(join(tmpdir(), 'synctrail-cli-unbuilt-'));
  mkdirSync(join(checkout, 'bin'));
  copyFileSync(BIN, join(checkout, 'bin', 'synctrail.js'));
  symlinkSync(fileURLToPath(new URL('../src', import.meta.url)), join(checkout, 'src'));
  symlinkSync(
    fileURLToPath(new URL('../../../node_modules', import.meta.url)),
    join(checkout, 'node_modules'),
  );
  return join(checkout, 'bin', 'synctrail.js');
}

/** A config directory of its own (XDG_CONFIG_HOME), so that tests never touch the user's profiles. */
export function configHome(): string {
  return mkdtempSync(join(tmpdir(), 'synctrail-cli-config-'));
}

/** Starts `synctrail ARGS` as a child process with piped stdio. */
export function spawnCli(args: string[], options: CliOptions = {}): ChildProcess {
  const entry = [options.bin ?? BUNDLE];
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
  const child = options.script
    ? spawn('script', ['-qec', options.script, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn(process.execPath, [...entry, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin!.end(options.input ?? '');
  return child;
}

/** Runs `synctrail ARGS` to its end: exit code, output, and stdout as JSON when it is. */
export function cli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const child = spawnCli(args, options);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) =>
    child.once('close', (code) => {
      let json: unknown;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      resolve({ code, stdout, stderr, json });
    }),
  );
}

/**
 * Runs `synctrail ARGS` on a pseudo-terminal (util-linux `script`), as a person at a terminal does:
 * stdout and stderr are a TTY, and arrive together.
 */
export function cliOnTerminal(args: string[], env: Record<string, string | undefined>): Promise<CliResult> {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, BUNDLE, ...args].map(quote).join(' ');
  return cli([], { env, script: command });
}

/** The environment that points the CLI at a server as the operator, with a config directory of its own. */
export function operatorEnv(url: string, home = configHome()): Record<string, string | undefined> {
  return {
    XDG_CONFIG_HOME: home,
    SYNCTRAIL_URL: url,
    SYNCTRAIL_TOKEN: OPERATOR_TOKEN,
    SYNCTRAIL_PROFILE: undefined,
    NO_COLOR: undefined,
  };
}
