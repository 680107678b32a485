import type { Command } from 'commander';
import type { SessionInfo } from '@synctrail/types';
import { SynctrailError } from '@synctrail/sdk';
import { ApiClient } from '../http/api-client.js';
import { CliError, usageError } from '../exit-codes.js';
import type { Profile, StoredSession } from '../profiles/profile-store.js';
import { text, time } from '../output/output.js';
import { contextOf } from './context.js';

/** The password: a prompt without echo on a terminal, else the first line of standard input. */
async function readPassword(email: string): Promise<string> {
  if (process.stdin.isTTY) {
    const { default: password } = await import('@inquirer/password');
    return password({ message: `Password for ${email}:`, mask: false });
  }
  let input = '';
  for await (const chunk of process.stdin) input += String(chunk);
  return input.split(/\r?\n/)[0] ?? '';
}

/** Signs in through `POST /api/v1/session`: the session cookie and CSRF token to send later. */
async function signIn(url: string, email: string, password: string): Promise<StoredSession> {
  const client = new ApiClient({ url, profile: null });
  const response = await client.send('POST', '/api/v1/session', { json: { email, password } });
  const info = (await response.json()) as SessionInfo;
  const cookie = response.headers
    .getSetCookie()
    .map((c) => /^([^=;\s]+)=([^;]*)/.exec(c))
    .find((m) => m !== null && m[2] !== '');
  if (!cookie?.[1] || !cookie[2]) throw new CliError(`${url} signed you in but set no session cookie.`);
  return {
    cookieName: cookie[1],
    cookie: cookie[2],
    csrfToken: info.csrfToken,
    expiresAt: info.expiresAt,
    email,
  };
}

function describe(info: SessionInfo): string {
  if (info.kind === 'account' && info.account) {
    return `${info.account.email}${info.account.operator ? ' (operator)' : ''}`;
  }
  return info.kind === 'apiKey' ? 'an API key' : 'the operator token';
}

/** `login`, `whoami`, `logout`: profiles in the config directory. */
export function registerAuth(program: Command): void {
  program
    .command('login')
    .description('Save a server and credentials as a profile (checked against the server first)')
    .requiredOption('--url <url>', 'the Synctrail server, e.g. http://127.0.0.1:3000')
    .option('--token <token>', 'an API key or the operator token')
    .option(
      '--email <email>',
      'sign in with an account instead (the password is asked without echo, or read from stdin)',
    )
    .action(async (options: { url: string; token?: string; email?: string }, command: Command) => {
      const ctx = contextOf(command);
      if (!options.token === !options.email) throw usageError('Give either --token or --email.');
      try {
        new URL(options.url);
      } catch {
        throw usageError(`--url must be a URL such as http://127.0.0.1:3000, not "${options.url}".`);
      }
      const profile: Profile = { url: options.url };
      if (options.token) profile.token = options.token;
      else profile.session = await signIn(options.url, options.email!, await readPassword(options.email!));
      const info = await new ApiClient({ ...profile, profile: null }).json<SessionInfo>(
        'GET',
        '/api/v1/session',
      );
      // A login names its profile, or makes `default`: it never overwrites whichever was used last.
      const name = ctx.options.profile ?? process.env.SYNCTRAIL_PROFILE ?? 'default';
      ctx.store.save(name, profile);
      if (ctx.out.machine)
        return ctx.out.json({ profile: name, url: options.url, ...info, csrfToken: undefined });
      ctx.out.line(`logged in to ${options.url} as ${describe(info)} (profile "${name}", ${ctx.store.file})`);
    });

  program
    .command('whoami')
    .description('Who the current profile is on its server')
    .action(async (_options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const client = ctx.client();
      const info = await client.json<SessionInfo>('GET', '/api/v1/session');
      const { csrfToken: _secret, ...shown } = info;
      const result = { profile: client.credentials.profile, url: client.credentials.url, ...shown };
      ctx.out.record(result, [
        ['profile', text(result.profile ?? '(environment)')],
        ['url', result.url],
        ['as', describe(info)],
        ['organizations', info.memberships.map((m) => `${m.organizationId} (${m.role})`).join(', ')],
        ['expires', time(info.expiresAt)],
      ]);
    });

  program
    .command('logout')
    .description('Forget the current profile (and end its console session on the server)')
    .action(async (_options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const name = ctx.store.profileName(ctx.options.profile);
      const stored = ctx.store.read().profiles[name];
      if (!stored) throw usageError(`There is no profile "${name}" to log out of.`);
      if (stored.session) {
        try {
          await new ApiClient({ ...stored, profile: name }).send('DELETE', '/api/v1/session');
        } catch (error) {
          // An expired session is as good as ended; anything else still lets the profile go.
          if (!(error instanceof SynctrailError && error.status === 401)) {
            ctx.out.note(`the server did not end the session: ${(error as Error).message}`);
          }
        }
      }
      ctx.store.remove(name);
      if (ctx.out.machine) return ctx.out.json({ profile: name, removed: true });
      ctx.out.line(`logged out of ${stored.url} (profile "${name}" removed)`);
    });
}
