import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Organization } from '@synctrail/types';
import type { Config } from '../config.js';
import type { Services } from '../http/services.js';
import { verifyPassword } from '../accounts/password.js';
import type { DemoClient } from './demo-client.js';

/** One account the demo creates for people to sign in to the console with. */
export interface DemoAccount {
  role: 'operator' | 'admin' | 'viewer';
  email: string;
  password: string;
  /** The membership of an organization account: its role and the organization's name. */
  membership: { role: 'ADMIN' | 'VIEWER'; organizationName: string } | null;
}

/** What `<data dir>/demo-accounts.json` holds: the accounts, and which database they belong to. */
interface DemoAccountsFile {
  database: string;
  accounts: DemoAccount[];
}

export const DEMO_EMAILS = {
  operator: 'operator@demo.synctrail.dev',
  admin: 'admin@demo.synctrail.dev',
  viewer: 'viewer@demo.synctrail.dev',
} as const;

/** A password for a demo account: 24 characters from 18 random bytes. */
function generatedPassword(): string {
  return randomBytes(18).toString('base64url');
}

/**
 * An operator, and an ADMIN and a VIEWER of `organization`, all with `password` (or each with a
 * generated one). Created through the services the CLI's `admin create` uses (the operator) and the
 * members API (the others), so that both are audited.
 */
export async function createDemoAccounts(
  services: Services,
  client: DemoClient,
  organization: Organization,
  password: string | undefined,
): Promise<DemoAccount[]> {
  const passwordOf = () => password ?? generatedPassword();
  const operator: DemoAccount = {
    role: 'operator',
    email: DEMO_EMAILS.operator,
    password: passwordOf(),
    membership: null,
  };
  await services.engine.transaction(async () => {
    const { id } = await services.accounts.createOperator(operator.email, 'Demo operator', operator.password);
    await services.audit.record({
      action: 'account.create',
      actor: 'demo',
      target: `account:${id}`,
      details: { email: operator.email, operator: true },
    });
  });
  const members: DemoAccount[] = (['admin', 'viewer'] as const).map((role) => ({
    role,
    email: DEMO_EMAILS[role],
    password: passwordOf(),
    membership: { role: role === 'admin' ? 'ADMIN' : 'VIEWER', organizationName: organization.name },
  }));
  for (const member of members) {
    await client.post(`/api/v1/organizations/${organization.id}/members`, {
      email: member.email,
      name: `Demo ${member.role}`,
      role: member.membership!.role,
      password: member.password,
    });
  }
  return [operator, ...members];
}

/** Where the demo's accounts are kept: next to the embedded database (the data directory). */
export function demoAccountsPath(config: Pick<Config, 'dataDir'>): string {
  return join(resolve(config.dataDir), 'demo-accounts.json');
}

/** Which database a file of accounts belongs to: the SQLite file, or the PostgreSQL URL without its password. */
export function databaseKey(config: Pick<Config, 'dataDir' | 'databaseUrl'>): string {
  if (!config.databaseUrl) return `sqlite:${join(resolve(config.dataDir), 'synctrail.db')}`;
  const url = new URL(config.databaseUrl);
  url.password = '';
  return url.toString();
}

/** Writes the accounts for later starts; readable by the owner only (0600), as they hold passwords. */
export function saveDemoAccounts(
  config: Pick<Config, 'dataDir' | 'databaseUrl'>,
  accounts: DemoAccount[],
): void {
  const path = demoAccountsPath(config);
  mkdirSync(dirname(path), { recursive: true });
  const content: DemoAccountsFile = { database: databaseKey(config), accounts };
  writeFileSync(path, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/**
 * The demo accounts of this database, as saved when its demo was loaded — only if the file names this
 * database and every password still signs its account in, so nothing is shown for another database.
 */
export async function readDemoAccounts(
  config: Pick<Config, 'dataDir' | 'databaseUrl'>,
  services: Pick<Services, 'accounts'>,
): Promise<DemoAccount[] | undefined> {
  const path = demoAccountsPath(config);
  if (!existsSync(path)) return undefined;
  let content: DemoAccountsFile;
  try {
    content = JSON.parse(readFileSync(path, 'utf8')) as DemoAccountsFile;
  } catch {
    return undefined;
  }
  if (content.database !== databaseKey(config) || !Array.isArray(content.accounts)) return undefined;
  const valid = await Promise.all(
    content.accounts.map(async (account) => {
      const stored = await services.accounts.repository.findByEmail(account.email);
      return stored?.passwordHash ? verifyPassword(account.password, stored.passwordHash) : false;
    }),
  );
  return valid.every(Boolean) && content.accounts.length > 0 ? content.accounts : undefined;
}

/** The lines `serve` prints: where the console is and how to sign in to it. */
export function describeDemoAccounts(consoleUrl: string, accounts: readonly DemoAccount[]): string {
  const email = Math.max(...accounts.map((a) => a.email.length));
  const password = Math.max(...accounts.map((a) => a.password.length));
  const lines = accounts.map((a) => {
    const line = `  ${a.role.padEnd(9)} ${a.email.padEnd(email)}  ${a.password.padEnd(password)}`;
    return a.membership
      ? `${line}   (${a.membership.role} of ${a.membership.organizationName})`
      : line.trimEnd();
  });
  return [`Synctrail console: ${consoleUrl}`, 'Sign in as (demo data only):', ...lines].join('\n');
}
