import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { loadConfig, type Config } from '../config.js';
import { openEngine } from '../storage/open-engine.js';
import { migrateToLatest } from '../storage/migrator.js';
import { buildApp } from '../http/app.js';
import { drainOnSignals } from './shutdown.js';
import { describeDemoAccounts, readDemoAccounts, saveDemoAccounts } from '../demo/demo-accounts.js';

function configWith(overrides: Partial<Config>): Config {
  return {
    ...loadConfig(),
    ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)),
  };
}

/**
 * `serve --demo-if-empty`: the demo into an empty database (with its accounts, kept for later starts
 * in the data directory), or the accounts of the demo this database already holds; and, for a demo
 * database, the demo connector that keeps its live session going.
 */
async function startDemo(app: Awaited<ReturnType<typeof buildApp>>, config: Config) {
  const { loadDemoIfEmpty } = await import('../demo/demo.js');
  const summary = await loadDemoIfEmpty(app, config.bootstrapToken!, { password: config.demoPassword });
  if (summary) saveDemoAccounts(config, summary.accounts);
  const accounts = summary?.accounts ?? (await readDemoAccounts(config, app.services));
  if (!accounts || !config.backgroundJobs) return { accounts, connector: undefined };
  const { DemoConnector } = await import('../demo/demo-connector.js');
  const beat = Math.max(1000, Math.min(20_000, Math.floor(config.staleRunTimeoutMs / 3)));
  return { accounts, connector: await DemoConnector.start(app.services, beat, app.log) };
}

/** `--port`: an integer port, as written (`3.5` is refused, not read as 3). */
function parsePort(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) > 65535) {
    throw new InvalidArgumentError('Expected an integer from 0 to 65535.');
  }
  return Number(value);
}

/** An address the API's member routes would take (the same `email` format they validate with). */
const EMAIL =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;

function parseEmail(value: string): string {
  const email = value.trim();
  if (!EMAIL.test(email) || email.length > 320) {
    throw new InvalidArgumentError(`"${value}" is not an email address (like ada@example.com).`);
  }
  return email;
}

/**
 * Opens the configured database for reading what is there, creating nothing: undefined (after saying
 * why in one line) when there is no Synctrail database or it has no audit log yet.
 */
async function openExistingForAudit(config: Config) {
  const file = join(config.dataDir, 'synctrail.db');
  const where = config.databaseUrl ? 'the PostgreSQL database of DATABASE_URL' : file;
  if (!config.databaseUrl && !existsSync(file)) {
    console.error(
      `No Synctrail database at ${file}: nothing to verify (set SYNCTRAIL_DATA_DIR or DATABASE_URL to the server's).`,
    );
    return undefined;
  }
  const engine = openEngine(config);
  const tables = new Set((await engine.db.introspection.getTables()).map((t) => t.name));
  if (!tables.has('audit_events') || !tables.has('audit_head')) {
    await engine.close();
    console.error(
      `${where} holds no audit log yet (it is empty or not migrated: \`synctrail migrate\` creates it): nothing to verify.`,
    );
    return undefined;
  }
  return engine;
}

async function serve(options: { port?: number; host?: string; demoIfEmpty?: boolean }) {
  const config = configWith({
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.host !== undefined ? { host: options.host } : {}),
  });
  let generatedToken = false;
  if (!config.bootstrapToken) {
    // Without a configured token nobody could sign in: make one for this process and say so.
    config.bootstrapToken = randomBytes(24).toString('base64url');
    generatedToken = true;
  }
  const engine = openEngine(config);
  const applied = await migrateToLatest(engine);
  const searchProblem = await engine.prepareSearch();
  const app = await buildApp(config, { engine });
  if (applied.length > 0) app.log.info({ migrations: applied }, 'migrations applied');
  if (searchProblem) app.log.warn(searchProblem);
  const demo = options.demoIfEmpty ? await startDemo(app, config) : undefined;
  drainOnSignals({
    app,
    engine,
    graceMs: config.shutdownGraceMs,
    before: () => demo?.connector?.stop() ?? Promise.resolve(),
  });
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
  console.log(`\nSynctrail is running at ${url}  (API docs: ${url}/docs)`);
  console.log(`Storage: ${config.databaseUrl ? 'PostgreSQL' : `SQLite in ${config.dataDir}`}`);
  const consoleUrl = `${url}/`;
  console.log(
    demo?.accounts
      ? describeDemoAccounts(consoleUrl, demo.accounts)
      : `Synctrail console: ${consoleUrl}${existsSync(join(config.consoleDir, 'index.html')) ? '' : '  (not built yet: run npm run build)'}`,
  );
  if (generatedToken) {
    console.log(
      `Operator token for this process (set SYNCTRAIL_BOOTSTRAP_TOKEN to choose one):\n  ${config.bootstrapToken}`,
    );
  }
}

export async function runCli(argv: string[]) {
  const program = new Command()
    .name('synctrail')
    .description('Records, explains and controls the synchronizations and API calls of data integrations.')
    // Usage errors (unknown command or option, a bad value) exit 2, as scripts expect; help exits 0.
    // Set before the commands are added: each inherits it.
    .exitOverride();

  program
    .command('serve')
    .description('Start the HTTP server (applies pending migrations first)')
    .addOption(
      new Option('-p, --port <port>', 'port to listen on (default: $PORT or 3000)').argParser(parsePort),
    )
    .option('--host <host>', 'address to listen on (default: $HOST or 127.0.0.1)')
    .option('--demo-if-empty', 'load the demo data set when the database holds no organization')
    .action(serve);

  program
    .command('migrate')
    .description('Apply pending database migrations and exit')
    .action(async () => {
      const engine = openEngine(loadConfig());
      try {
        const applied = await migrateToLatest(engine);
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'the database is up to date');
        const searchProblem = await engine.prepareSearch();
        if (searchProblem) console.warn(`warning: ${searchProblem}`);
      } finally {
        await engine.close();
      }
    });

  program
    .command('demo')
    .description('Fill a fresh database with a realistic demo data set')
    .action(async () => {
      const { loadDemoIntoFreshDatabase } = await import('../demo/demo.js');
      await loadDemoIntoFreshDatabase(loadConfig());
    });

  program
    .command('audit')
    .description('The audit log')
    .command('verify')
    .description("Check the audit log's hash chain; exits 1 at the first edited, inserted or deleted event")
    .action(async () => {
      const engine = await openExistingForAudit(loadConfig());
      if (!engine) {
        process.exitCode = 1;
        return;
      }
      try {
        const { AuditService } = await import('../audit/audit.service.js');
        const result = await new AuditService(engine).verify();
        if (result.ok) {
          console.log(`audit chain intact: ${result.count} events (head hash ${result.headHash})`);
        } else {
          console.log(`audit chain broken at event ${result.seq} (${result.problem}): ${result.message}`);
          if (result.event) console.log(JSON.stringify(result.event, null, 2));
          process.exitCode = 1;
        }
      } finally {
        await engine.close();
      }
    });

  const admin = program.command('admin').description('Console accounts');
  admin
    .command('create')
    .description('Create an operator account (or make an existing account an operator with this password)')
    .requiredOption('--email <email>', 'sign-in email', parseEmail)
    .option('--name <name>', 'display name')
    .option('--password <password>', 'at least 12 characters (default: $SYNCTRAIL_ADMIN_PASSWORD)')
    .action(async (options: { email: string; name?: string; password?: string }) => {
      const password = options.password ?? process.env.SYNCTRAIL_ADMIN_PASSWORD;
      if (!password) throw new Error('Give a password with --password or SYNCTRAIL_ADMIN_PASSWORD.');
      const config = loadConfig();
      const engine = openEngine(config);
      try {
        await migrateToLatest(engine);
        const { AccountService } = await import('../accounts/account.service.js');
        const { OrganizationService } = await import('../organizations/organization.service.js');
        const accounts = new AccountService(engine, new OrganizationService(engine), config.sessionTtlMs);
        const { AuditService } = await import('../audit/audit.service.js');
        const audit = new AuditService(engine);
        // The account and its audit event commit together.
        const { id, created } = await engine.transaction(async () => {
          const result = await accounts.createOperator(options.email, options.name ?? null, password);
          await audit.record({
            action: result.created ? 'account.create' : 'account.update',
            actor: `cli:${userInfo().username}`,
            target: `account:${result.id}`,
            details: { email: options.email.trim().toLowerCase(), operator: true },
          });
          return result;
        });
        console.log(`${created ? 'created' : 'updated'} operator ${options.email} (${id})`);
      } finally {
        await engine.close();
      }
    });

  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    throw error;
  }
}
