import { v7 as uuidv7 } from 'uuid';
import type {
  MaskingRule,
  MaskingRuleCreate,
  MaskingRuleTest,
  MaskingRuleTestResult,
} from '@synctrail/types';
import type { Access } from '../auth/access.js';
import type { Engine } from '../storage/engine.js';
import { AppError, notFound } from '../http/errors.js';
import { isUuid } from '../shared/filters.js';
import type { OrganizationService } from '../organizations/organization.service.js';
import { ruleProblem, type CustomRule } from './custom-rules.js';
import { MASK, Masker } from './masker.js';
import { MaskingRuleRepository } from './masking-rule.repository.js';

/** Where ingest gets the masker of an organization (its rules plus the baseline). */
export interface MaskerSource {
  maskerFor(organizationId: string): Promise<Masker>;
}

/** A rule that cannot be used answers 400, the same for adding it and for trying it. */
function refuseUnusable(rule: CustomRule): void {
  const problem = ruleProblem(rule);
  if (problem !== undefined) {
    throw new AppError('validation_failed', `${problem} Nothing was stored.`, [
      { path: '/match', message: problem },
    ]);
  }
}

const masksIn = (text: string) => text.split(MASK).length - 1;

/** The baseline rules for every organization (for code wired without the rules service). */
export const BASELINE_MASKERS: MaskerSource = { maskerFor: async () => Masker.baseline };

export interface MaskingRuleServiceOptions {
  /** How long a process trusts its copy of an organization's rules: other processes' changes show after this. */
  ttlMs?: number;
  /** Organizations whose maskers are kept at once. */
  maxCached?: number;
  /** The clock the TTL is read on (tests move it by hand). */
  now?: () => number;
}

/**
 * Organizations' own masking rules, and the maskers built from them. Each process caches an
 * organization's masker for `ttlMs` (10 s): a change made through this process applies at once, one
 * made through another process within the TTL. Rules apply to what is ingested after they take effect.
 */
export class MaskingRuleService implements MaskerSource {
  readonly repository: MaskingRuleRepository;
  private readonly cache = new Map<string, { masker: Masker; expiresAt: number }>();
  private readonly ttlMs: number;
  private readonly maxCached: number;
  private readonly now: () => number;

  constructor(
    private readonly engine: Engine,
    private readonly organizations: OrganizationService,
    options: MaskingRuleServiceOptions = {},
  ) {
    this.repository = new MaskingRuleRepository(engine);
    this.ttlMs = options.ttlMs ?? 10_000;
    this.maxCached = options.maxCached ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  async list(access: Access, organizationId: string): Promise<MaskingRule[]> {
    await this.organizations.get(access, organizationId, 'admin');
    return this.repository.list(organizationId);
  }

  /**
   * Adds a rule after checking it (a pattern must compile, match something, and not risk exponential
   * time). `within` runs in the same transaction (the audit record).
   */
  async create(
    access: Access,
    organizationId: string,
    input: MaskingRuleCreate,
    within?: (rule: MaskingRule) => Promise<unknown>,
  ): Promise<MaskingRule> {
    const rule = await this.engine.transaction(async () => {
      await this.organizations.get(access, organizationId, 'admin');
      refuseUnusable(input);
      const created: MaskingRule = {
        id: uuidv7(),
        organizationId,
        name: input.name,
        kind: input.kind,
        match: input.match,
        createdAt: new Date().toISOString(),
        createdBy: access.actor,
      };
      await this.repository.insert(created);
      await within?.(created);
      return created;
    });
    this.forget(organizationId);
    return rule;
  }

  /**
   * Masks `sample` as ingest masks a body (JSON field by field, `a=b&c=d` pair by pair, other text by
   * patterns) with the organization's masker plus the candidate rule, and tells what the rule adds:
   * `changed` when the result differs from the masker's without it, `byRule` the masks it adds (at
   * least one when it changed anything). Stores and records nothing.
   */
  async test(access: Access, organizationId: string, input: MaskingRuleTest): Promise<MaskingRuleTestResult> {
    await this.organizations.get(access, organizationId, 'admin');
    const candidate: CustomRule = { kind: input.kind, match: input.match };
    refuseUnusable(candidate);
    const rules = (await this.repository.list(organizationId)).filter((r) => ruleProblem(r) === undefined);
    const without = (rules.length === 0 ? Masker.baseline : new Masker(rules)).body(input.sample);
    const masked = new Masker([...rules, candidate]).body(input.sample);
    const changed = masked !== without;
    return {
      masked,
      changed,
      byRule: changed ? Math.max(1, masksIn(masked) - masksIn(without)) : 0,
    };
  }

  /** Removes a rule; data masked by it stays masked. `within` runs in the same transaction. */
  async remove(
    access: Access,
    organizationId: string,
    ruleId: string,
    within?: (rule: MaskingRule) => Promise<unknown>,
  ): Promise<MaskingRule> {
    const rule = await this.engine.transaction(async () => {
      await this.organizations.get(access, organizationId, 'admin');
      const found = isUuid(ruleId) ? await this.repository.find(organizationId, ruleId) : undefined;
      if (!found || !(await this.repository.delete(found.id)))
        throw notFound('masking_rule_not_found', 'Masking rule', ruleId);
      await within?.(found);
      return found;
    });
    this.forget(organizationId);
    return rule;
  }

  /** The masker for data of this organization: the baseline plus its rules, as of at most `ttlMs` ago. */
  async maskerFor(organizationId: string): Promise<Masker> {
    const now = this.now();
    const cached = this.cache.get(organizationId);
    if (cached && cached.expiresAt > now) return cached.masker;
    const rules = await this.repository.list(organizationId);
    // A stored rule that no longer passes the checks (stricter ones since) is skipped, not fatal to ingest.
    const usable = rules.filter((rule) => ruleProblem(rule) === undefined);
    const masker = usable.length === 0 ? Masker.baseline : new Masker(usable);
    this.cache.delete(organizationId);
    if (this.cache.size >= this.maxCached) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    this.cache.set(organizationId, { masker, expiresAt: now + this.ttlMs });
    return masker;
  }

  /** Drops this process's copy of an organization's rules (after a change has committed). */
  forget(organizationId: string): void {
    this.cache.delete(organizationId);
  }
}
