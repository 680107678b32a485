import type { Command } from 'commander';
import { API_KEY_SCOPES, MEMBER_ROLES, type ApiKey, type ApiKeyCreated, type Member } from '@synctrail/types';
import { path } from '../http/api-client.js';
import { usageError } from '../exit-codes.js';
import { text, time } from '../output/output.js';
import { contextOf } from './context.js';

function scopesOf(value: string): string[] {
  const scopes = value
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s.length > 0);
  const unknown = scopes.filter((s) => !(API_KEY_SCOPES as readonly string[]).includes(s));
  if (scopes.length === 0 || unknown.length > 0) {
    throw usageError(`--scopes takes ${API_KEY_SCOPES.join(', ')} (comma-separated), not "${value}".`);
  }
  return scopes;
}

/** `synctrail keys create|list|revoke`: an organization's API keys. */
function registerKeys(program: Command): void {
  const keys = program.command('keys').description("An organization's API keys");

  keys
    .command('list <org>')
    .description("List an organization's API keys (never their tokens)")
    .action(async (org: string, _options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const page = await ctx
        .client()
        .json<{ items: ApiKey[]; nextCursor: null }>('GET', path`/api/v1/organizations/${org}/api-keys`);
      ctx.out.list(page, [
        { header: 'ID', cell: (k) => k.id },
        { header: 'NAME', cell: (k) => k.name },
        { header: 'SCOPES', cell: (k) => k.scopes.join(',') },
        { header: 'PREFIX', cell: (k) => k.prefix },
        { header: 'CREATED', cell: (k) => time(k.createdAt) },
        { header: 'LAST USED', cell: (k) => time(k.lastUsedAt) },
        { header: 'REVOKED', cell: (k) => time(k.revokedAt), paint: (t) => (t ? ctx.out.colors.red(t) : t) },
      ]);
    });

  keys
    .command('create <org>')
    .description('Create an API key; its token is printed once: store it now')
    .requiredOption('--name <name>', 'what the key is for')
    .requiredOption('--scopes <scopes>', `${API_KEY_SCOPES.join(', ')}; comma-separated`)
    .action(async (org: string, options: { name: string; scopes: string }, command: Command) => {
      const ctx = contextOf(command);
      const created = await ctx
        .client()
        .json<ApiKeyCreated>('POST', path`/api/v1/organizations/${org}/api-keys`, {
          json: { name: options.name, scopes: scopesOf(options.scopes) },
        });
      if (ctx.out.machine) return ctx.out.json(created);
      ctx.out.note(
        `created key ${created.key.id} (${created.key.scopes.join(', ')}); its token, shown only now:`,
      );
      ctx.out.line(created.token);
    });

  keys
    .command('revoke <id>')
    .description('Revoke an API key: it is refused from now on')
    .action(async (id: string, _options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const key = await ctx.client().json<ApiKey>('DELETE', path`/api/v1/api-keys/${id}`);
      if (ctx.out.machine) return ctx.out.json(key);
      ctx.out.line(`revoked key ${key.id} (${key.name}) at ${time(key.revokedAt)}`);
    });
}

/** `synctrail members add|list|remove`: who may use the console for an organization. */
function registerMembers(program: Command): void {
  const members = program.command('members').description("An organization's console members");

  members
    .command('list <org>')
    .description("List an organization's members")
    .action(async (org: string, _options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const page = await ctx
        .client()
        .json<{ items: Member[]; nextCursor: string | null }>(
          'GET',
          path`/api/v1/organizations/${org}/members`,
        );
      ctx.out.list(page, [
        { header: 'ID', cell: (m) => m.id },
        { header: 'EMAIL', cell: (m) => m.email },
        { header: 'NAME', cell: (m) => text(m.name) },
        { header: 'ROLE', cell: (m) => m.role },
        { header: 'CAN SIGN IN', cell: (m) => (m.canSignIn ? 'yes' : 'no') },
        { header: 'ADDED', cell: (m) => time(m.createdAt) },
      ]);
    });

  members
    .command('add <org>')
    .description('Add a member (a new account needs a password of at least 12 characters to sign in)')
    .requiredOption('--email <email>', 'sign-in email')
    .requiredOption('--role <role>', MEMBER_ROLES.join(' or '))
    .option('--name <name>', 'display name')
    .option('--password <password>', 'for a new account (default: $SYNCTRAIL_MEMBER_PASSWORD)')
    .action(
      async (
        org: string,
        options: { email: string; role: string; name?: string; password?: string },
        command: Command,
      ) => {
        const role = options.role.toUpperCase();
        if (!(MEMBER_ROLES as readonly string[]).includes(role)) {
          throw usageError(`--role takes ${MEMBER_ROLES.join(' or ')}, not "${options.role}".`);
        }
        const password = options.password ?? process.env.SYNCTRAIL_MEMBER_PASSWORD;
        const ctx = contextOf(command);
        const member = await ctx.client().json<Member>('POST', path`/api/v1/organizations/${org}/members`, {
          json: {
            email: options.email,
            role,
            ...(options.name ? { name: options.name } : {}),
            ...(password ? { password } : {}),
          },
        });
        if (ctx.out.machine) return ctx.out.json(member);
        ctx.out.line(`added ${member.email} as ${member.role} (member ${member.id})`);
      },
    );

  members
    .command('remove <id>')
    .description('Remove a member from its organization')
    .action(async (id: string, _options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const member = await ctx.client().json<Member>('DELETE', path`/api/v1/members/${id}`);
      if (ctx.out.machine) return ctx.out.json(member);
      ctx.out.line(
        `removed ${member.email} (member ${member.id}) from organization ${member.organizationId}`,
      );
    });
}

/** `keys` and `members`. */
export function registerAccess(program: Command): void {
  registerKeys(program);
  registerMembers(program);
}
