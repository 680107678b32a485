import { AppError } from '../http/errors.js';

/**
 * What a credential may do in an organization. `payloads`: see request/response bodies and log
 * files (admins and read keys; not viewers).
 */
export type Scope = 'ingest' | 'read' | 'admin' | 'payloads';

export type Grants = 'all' | ReadonlyMap<string, ReadonlySet<Scope>>;

const METRICS_SCRAPER = 'metrics:token';

const EVERYTHING: ReadonlySet<Scope> = new Set<Scope>(['ingest', 'read', 'admin', 'payloads']);

/**
 * Who is asking and what they may do where. Every service method takes one; every repository query
 * narrows to `organizations`, so tenant scoping lives below the routes. What a caller may not see
 * answers 404 (its existence is not leaked); what it may see but not do answers 403.
 */
export class Access {
  constructor(
    /** Stable actor id for audit and idempotency scoping: `operator:bootstrap`, `account:<id>`, `key:<id>`. */
    readonly actor: string,
    private readonly grants: Grants,
  ) {}

  static operator(actor: string): Access {
    return new Access(actor, 'all');
  }

  /** A credential of one organization with the given scopes (API keys). */
  static forOrganization(actor: string, organizationId: string, scopes: Iterable<Scope>): Access {
    return new Access(actor, new Map([[organizationId, new Set(scopes)]]));
  }

  /**
   * The holder of `SYNCTRAIL_METRICS_TOKEN`: it may read `GET /metrics` (deployment totals, no
   * tenant's data) and is granted nothing in any organization.
   */
  static metricsScraper(): Access {
    return new Access(METRICS_SCRAPER, new Map());
  }

  /** Operators and the metrics token may read the deployment's metrics; organization credentials may not. */
  get maySeeMetrics(): boolean {
    return this.grants === 'all' || this.actor === METRICS_SCRAPER;
  }

  get isOperator(): boolean {
    return this.grants === 'all';
  }

  /** `'all'` for an operator; the organizations this credential belongs to otherwise. */
  get organizations(): 'all' | readonly string[] {
    return this.grants === 'all' ? 'all' : [...this.grants.keys()];
  }

  canSee(organizationId: string): boolean {
    return this.grants === 'all' || this.grants.has(organizationId);
  }

  /** Whether the credential has `scope` in that organization (or, without one, in any). */
  has(scope: Scope, organizationId?: string): boolean {
    if (this.grants === 'all') return true;
    if (organizationId !== undefined) return this.grants.get(organizationId)?.has(scope) ?? false;
    for (const scopes of this.grants.values()) if (scopes.has(scope)) return true;
    return false;
  }

  /** The organizations a list may show, narrowed by an optional filter. */
  visible(filter?: readonly string[]): 'all' | readonly string[] {
    if (this.grants === 'all') return filter && filter.length > 0 ? filter : 'all';
    const mine = [...this.grants.keys()];
    if (!filter || filter.length === 0) return mine;
    return filter.filter((id) => this.canSee(id));
  }

  /** 403 unless the credential has `scope` (in that organization, when given). */
  require(scope: Scope, organizationId?: string): void {
    if (!this.has(scope, organizationId)) {
      const needed =
        scope === 'payloads' ? 'payload access (an admin role or a read key)' : `the "${scope}" scope`;
      throw new AppError(
        'forbidden',
        `This credential lacks ${needed}${organizationId ? ' in this organization' : ''}.`,
      );
    }
  }

  static readonly EVERYTHING = EVERYTHING;
}
