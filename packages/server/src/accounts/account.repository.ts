import type { Selectable } from 'kysely';
import type { Member, MemberRole } from '@synctrail/types';
import type { Engine } from '../storage/engine.js';
import type { AccountsTable } from '../storage/database.js';
import { toBool, toDate, toIso } from '../storage/row-values.js';

export interface Account {
  id: string;
  email: string;
  name: string | null;
  passwordHash: string | null;
  operator: boolean;
  failedSignIns: number;
  lockedUntil: Date | null;
}

export interface SessionRecord {
  accountId: string;
  csrfToken: string;
  expiresAt: Date;
}

function toAccount(row: Selectable<AccountsTable>): Account {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    passwordHash: row.password_hash,
    operator: toBool(row.operator),
    failedSignIns: row.failed_sign_ins,
    lockedUntil: row.locked_until === null ? null : toDate(row.locked_until),
  };
}

/** Accounts, memberships and sessions. */
export class AccountRepository {
  constructor(private readonly engine: Engine) {}

  async findByEmail(email: string): Promise<Account | undefined> {
    const row = await this.engine.db
      .selectFrom('accounts')
      .selectAll()
      .where('email', '=', email.toLowerCase())
      .executeTakeFirst();
    return row && toAccount(row);
  }

  async findById(id: string): Promise<Account | undefined> {
    const row = await this.engine.db
      .selectFrom('accounts')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toAccount(row);
  }

  async insert(a: {
    id: string;
    email: string;
    name: string | null;
    passwordHash: string | null;
    operator: boolean;
  }) {
    await this.engine.db
      .insertInto('accounts')
      .values({
        id: a.id,
        email: a.email.toLowerCase(),
        name: a.name,
        password_hash: a.passwordHash,
        operator: a.operator,
        created_at: new Date(),
      })
      .execute();
  }

  async setPassword(id: string, passwordHash: string, operator?: boolean): Promise<void> {
    await this.engine.db
      .updateTable('accounts')
      .set({
        password_hash: passwordHash,
        failed_sign_ins: 0,
        locked_until: null,
        ...(operator !== undefined ? { operator } : {}),
      })
      .where('id', '=', id)
      .execute();
  }

  async recordFailure(id: string, lockUntil: Date | null): Promise<void> {
    await this.engine.db
      .updateTable('accounts')
      .set((eb) => ({
        failed_sign_ins: eb('failed_sign_ins', '+', 1),
        ...(lockUntil ? { locked_until: lockUntil } : {}),
      }))
      .where('id', '=', id)
      .execute();
  }

  async recordSuccess(id: string, at: Date): Promise<void> {
    await this.engine.db
      .updateTable('accounts')
      .set({ failed_sign_ins: 0, locked_until: null, last_sign_in_at: at })
      .where('id', '=', id)
      .execute();
  }

  async memberships(accountId: string): Promise<{ organizationId: string; role: MemberRole }[]> {
    const rows = await this.engine.db
      .selectFrom('memberships')
      .select(['organization_id', 'role'])
      .where('account_id', '=', accountId)
      .orderBy('created_at')
      .execute();
    return rows.map((r) => ({ organizationId: r.organization_id, role: r.role as MemberRole }));
  }

  async members(organizationId: string): Promise<Member[]> {
    const rows = await this.memberQuery()
      .where('m.organization_id', '=', organizationId)
      .orderBy('m.created_at')
      .execute();
    return rows.map(toMember);
  }

  async findMember(id: string): Promise<Member | undefined> {
    const row = await this.memberQuery().where('m.id', '=', id).executeTakeFirst();
    return row && toMember(row);
  }

  async findMembership(accountId: string, organizationId: string): Promise<string | undefined> {
    const row = await this.engine.db
      .selectFrom('memberships')
      .select('id')
      .where('account_id', '=', accountId)
      .where('organization_id', '=', organizationId)
      .executeTakeFirst();
    return row?.id;
  }

  async insertMembership(m: { id: string; accountId: string; organizationId: string; role: MemberRole }) {
    await this.engine.db
      .insertInto('memberships')
      .values({
        id: m.id,
        account_id: m.accountId,
        organization_id: m.organizationId,
        role: m.role,
        created_at: new Date(),
      })
      .execute();
  }

  async updateMembershipRole(id: string, role: MemberRole): Promise<void> {
    await this.engine.db.updateTable('memberships').set({ role }).where('id', '=', id).execute();
  }

  async deleteMembership(id: string): Promise<void> {
    await this.engine.db.deleteFrom('memberships').where('id', '=', id).execute();
  }

  async insertSession(tokenHash: string, s: SessionRecord): Promise<void> {
    await this.engine.db
      .insertInto('sessions')
      .values({
        token_hash: tokenHash,
        account_id: s.accountId,
        csrf_token: s.csrfToken,
        created_at: new Date(),
        expires_at: s.expiresAt,
      })
      .execute();
  }

  async findSession(tokenHash: string): Promise<SessionRecord | undefined> {
    const row = await this.engine.db
      .selectFrom('sessions')
      .select(['account_id', 'csrf_token', 'expires_at'])
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    return row && { accountId: row.account_id, csrfToken: row.csrf_token, expiresAt: toDate(row.expires_at) };
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.engine.db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
  }

  async deleteExpiredSessions(now: Date): Promise<void> {
    await this.engine.db.deleteFrom('sessions').where('expires_at', '<', now).execute();
  }

  private memberQuery() {
    return this.engine.db
      .selectFrom('memberships as m')
      .innerJoin('accounts as a', 'a.id', 'm.account_id')
      .select([
        'm.id',
        'm.organization_id',
        'm.account_id',
        'm.role',
        'm.created_at',
        'a.email',
        'a.name',
        'a.password_hash',
      ]);
  }
}

function toMember(row: {
  id: string;
  organization_id: string;
  account_id: string;
  role: string;
  created_at: Date | number;
  email: string;
  name: string | null;
  password_hash: string | null;
}): Member {
  return {
    id: row.id,
    organizationId: row.organization_id,
    accountId: row.account_id,
    email: row.email,
    name: row.name,
    role: row.role as MemberRole,
    canSignIn: row.password_hash !== null,
    createdAt: toIso(row.created_at),
  };
}
