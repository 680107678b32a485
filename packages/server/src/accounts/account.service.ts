import { v7 as uuidv7 } from 'uuid';
import type { MemberPatch, Member, MemberCreate, MemberRole, SessionInfo } from '@synctrail/types';
import { Access, type Scope } from '../auth/access.js';
import { randomToken, tokenHash } from '../auth/tokens.js';
import type { Engine } from '../storage/engine.js';
import { AppError, notFound } from '../http/errors.js';
import { isUuid } from '../shared/filters.js';
import type { OrganizationService } from '../organizations/organization.service.js';
import { AccountRepository, type Account } from './account.repository.js';
import { decoyHash, hashPassword, verifyPassword } from './password.js';

/** Consecutive failed sign-ins before an account is locked, and for how long. */
export const MAX_FAILED_SIGN_INS = 5;
export const LOCK_MS = 15 * 60 * 1000;

const ROLE_SCOPES: Record<MemberRole, Scope[]> = {
  ADMIN: ['read', 'admin', 'payloads'],
  VIEWER: ['read'],
};

export interface SignedIn {
  /** The session cookie's value: shown once, stored hashed. */
  token: string;
  info: SessionInfo;
  account: Account;
}

export class AccountService {
  readonly repository: AccountRepository;

  constructor(
    private readonly engine: Engine,
    private readonly organizations: OrganizationService,
    private readonly sessionTtlMs: number,
  ) {
    this.repository = new AccountRepository(engine);
  }

  /** What an account may do: everything for an operator, its memberships' roles otherwise. */
  async accessOf(account: Account): Promise<Access> {
    if (account.operator) return Access.operator(`account:${account.id}`);
    const grants = new Map<string, ReadonlySet<Scope>>();
    for (const m of await this.repository.memberships(account.id))
      grants.set(m.organizationId, new Set(ROLE_SCOPES[m.role]));
    return new Access(`account:${account.id}`, grants);
  }

  /**
   * Checks email and password. Failures are counted per account; after MAX_FAILED_SIGN_INS in a row
   * the account is locked for LOCK_MS, even for the right password. Unknown emails cost the same time.
   */
  async signIn(email: string, password: string, now = new Date()): Promise<SignedIn> {
    const account = await this.repository.findByEmail(email.trim());
    if (account?.lockedUntil && account.lockedUntil > now) {
      const seconds = Math.ceil((account.lockedUntil.getTime() - now.getTime()) / 1000);
      throw new AppError(
        'too_many_attempts',
        `Too many failed sign-ins: this account is locked for ${Math.ceil(seconds / 60)} more minute(s).`,
        { retryAfterSeconds: seconds },
      );
    }
    const ok = await verifyPassword(password, account?.passwordHash ?? (await decoyHash()));
    if (!account || !account.passwordHash || !ok) {
      if (account) {
        const locks = account.failedSignIns + 1 >= MAX_FAILED_SIGN_INS;
        await this.repository.recordFailure(account.id, locks ? new Date(now.getTime() + LOCK_MS) : null);
      }
      throw new AppError('unauthenticated', 'Wrong email or password.', {
        email: email.trim().toLowerCase(),
      });
    }
    await this.repository.recordSuccess(account.id, now);
    const token = randomToken();
    const csrfToken = randomToken(24);
    const expiresAt = new Date(now.getTime() + this.sessionTtlMs);
    await this.repository.insertSession(tokenHash(token), { accountId: account.id, csrfToken, expiresAt });
    return { token, account, info: await this.info(account, csrfToken, expiresAt) };
  }

  async signOut(token: string): Promise<void> {
    await this.repository.deleteSession(tokenHash(token));
  }

  /** The account and session behind a cookie, if it is valid and unexpired. */
  async session(token: string, now = new Date()) {
    const session = await this.repository.findSession(tokenHash(token));
    if (!session || session.expiresAt <= now) return undefined;
    const account = await this.repository.findById(session.accountId);
    return account && { account, session };
  }

  async info(account: Account, csrfToken: string | null, expiresAt: Date | null): Promise<SessionInfo> {
    return {
      kind: 'account',
      account: { id: account.id, email: account.email, name: account.name, operator: account.operator },
      memberships: account.operator ? [] : await this.repository.memberships(account.id),
      csrfToken,
      expiresAt: expiresAt?.toISOString() ?? null,
    };
  }

  /** Creates an operator account, or makes an existing account an operator with this password (CLI). */
  async createOperator(
    email: string,
    name: string | null,
    password: string,
  ): Promise<{ id: string; created: boolean }> {
    checkPassword(password);
    const passwordHash = await hashPassword(password);
    return this.engine.transaction(async () => {
      const existing = await this.repository.findByEmail(email);
      if (existing) {
        await this.repository.setPassword(existing.id, passwordHash, true);
        return { id: existing.id, created: false };
      }
      const id = uuidv7();
      await this.repository.insert({ id, email, name, passwordHash, operator: true });
      return { id, created: true };
    });
  }

  async listMembers(access: Access, organizationId: string): Promise<Member[]> {
    await this.organizations.get(access, organizationId, 'admin');
    return this.repository.members(organizationId);
  }

  /**
   * Adds someone to an organization: an existing account gets the membership (its password is not
   * touched: an organization admin must not reset other people's passwords); a new one is created,
   * able to sign in once it has a password.
   */
  async addMember(access: Access, organizationId: string, input: MemberCreate): Promise<Member> {
    await this.organizations.get(access, organizationId, 'admin');
    if (input.password !== undefined) checkPassword(input.password);
    const passwordHash = input.password !== undefined ? await hashPassword(input.password) : null;
    return this.engine.transaction(async () => {
      let account = await this.repository.findByEmail(input.email);
      if (!account) {
        const id = uuidv7();
        await this.repository.insert({
          id,
          email: input.email,
          name: input.name ?? null,
          passwordHash,
          operator: false,
        });
        account = (await this.repository.findById(id))!;
      } else if (await this.repository.findMembership(account.id, organizationId)) {
        throw new AppError('member_exists', `${input.email} is already a member of this organization.`);
      }
      const id = uuidv7();
      await this.repository.insertMembership({ id, accountId: account.id, organizationId, role: input.role });
      return (await this.repository.findMember(id))!;
    });
  }

  /** Changes a member's role (ADMIN of the member's organization, or an operator). */
  async updateMember(
    access: Access,
    memberId: string,
    patch: MemberPatch,
  ): Promise<{ before: Member; after: Member }> {
    const member = isUuid(memberId) ? await this.repository.findMember(memberId) : undefined;
    if (!member || !access.canSee(member.organizationId))
      throw notFound('member_not_found', 'Member', memberId);
    access.require('admin', member.organizationId);
    await this.repository.updateMembershipRole(member.id, patch.role);
    return { before: member, after: (await this.repository.findMember(member.id))! };
  }

  async removeMember(access: Access, memberId: string): Promise<Member> {
    const member = isUuid(memberId) ? await this.repository.findMember(memberId) : undefined;
    if (!member || !access.canSee(member.organizationId))
      throw notFound('member_not_found', 'Member', memberId);
    access.require('admin', member.organizationId);
    await this.repository.deleteMembership(member.id);
    return member;
  }
}

function checkPassword(password: string): void {
  if (password.length < 12) {
    throw new AppError('validation_failed', 'A password needs at least 12 characters.', [
      { path: '/password', message: 'at least 12 characters' },
    ]);
  }
}
