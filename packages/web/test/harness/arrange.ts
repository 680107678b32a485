import { randomBytes } from 'node:crypto';
import type {
  ActionInput,
  ApiKeyCreated,
  ApiKeyScope,
  CallInput,
  Integration,
  Organization,
  Page,
  Run,
  RunCreate,
  SessionInfo,
} from '@synctrail/types';
import { must, type ServerProcess } from '../../../server/test/server-process.js';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, type DemoAccount } from './console-server.js';

export interface IntegrationOptions {
  type?: string;
  name?: string;
  cancellable?: boolean;
  partialSync?: boolean;
}

/** What `runningRun` made: a RUNNING run of a fresh integration, and the ingest key that reports it. */
export interface ArrangedRun {
  organization: Organization;
  integration: Integration;
  /** The organization's ingest API key (bearer token). */
  key: string;
  run: Run;
}

/**
 * Arranges data for a browser test through the HTTP API, the way a connector or a script would:
 * as the operator (bootstrap token) or with an organization's ingest key. Every call must succeed.
 */
export class Arrange {
  constructor(readonly server: ServerProcess) {}

  /** An operator request that must answer 2xx; its JSON. */
  operator<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    return must(this.server, method, path, body) as Promise<T>;
  }

  /** A request with another bearer token (an API key) that must answer 2xx; its JSON. */
  async withToken<T = any>(token: string, method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.server.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** A new organization (a unique name unless given). */
  organization(name = `E2E ${randomBytes(3).toString('hex')}`): Promise<Organization> {
    return this.operator('POST', '/api/v1/organizations', { name });
  }

  /** A new integration of the organization; cancellable by default. */
  integration(organizationId: string, options: IntegrationOptions = {}): Promise<Integration> {
    return this.operator('POST', `/api/v1/organizations/${organizationId}/integrations`, {
      type: options.type ?? 'exchange',
      name: options.name ?? 'Exchange ↔ CRM',
      capabilities: { cancellable: options.cancellable ?? true, partialSync: options.partialSync ?? false },
    });
  }

  /** A new API key of the organization (ingest scope by default); its bearer token. */
  async apiKey(organizationId: string, scopes: ApiKeyScope[] = ['ingest']): Promise<string> {
    const created = await this.operator<ApiKeyCreated>(
      'POST',
      `/api/v1/organizations/${organizationId}/api-keys`,
      { name: `e2e ${scopes.join('+')}`, scopes },
    );
    return created.token;
  }

  /** Starts a run (RUNNING unless `progress` says otherwise) with an ingest key. */
  startRun(key: string, run: RunCreate): Promise<Run> {
    return this.withToken(key, 'POST', '/api/v1/runs', run);
  }

  /** Appends actions to a run; a number makes that many OK updates of contacts. */
  async postActions(key: string, runId: string, actions: ActionInput[] | number): Promise<Run> {
    const batch = typeof actions === 'number' ? contactUpdates(actions) : actions;
    const result = await this.withToken<{ run: Run }>(key, 'POST', `/api/v1/runs/${runId}/actions`, batch);
    return result.run;
  }

  /** Moves a run to FINISHED. */
  finishRun(key: string, runId: string): Promise<Run> {
    return this.withToken(key, 'PATCH', `/api/v1/runs/${runId}`, { progress: 'FINISHED' });
  }

  /** Appends calls to the key's organization. */
  postCalls(key: string, calls: CallInput[]): Promise<unknown> {
    return this.withToken(key, 'POST', '/api/v1/calls', calls);
  }

  /**
   * A RUNNING run with `actions` OK actions (3 by default) on a fresh integration of `organizationId`
   * (a fresh organization unless given): what a test of cancelling or of live updates starts from.
   */
  async runningRun(
    options: IntegrationOptions & { organizationId?: string; actions?: number; runName?: string } = {},
  ): Promise<ArrangedRun> {
    const organization = options.organizationId
      ? await this.operator<Organization>('GET', `/api/v1/organizations/${options.organizationId}`)
      : await this.organization();
    const integration = await this.integration(organization.id, options);
    const key = await this.apiKey(organization.id);
    let run = await this.startRun(key, {
      integrationId: integration.id,
      trigger: 'FULL_SYNC_MANUAL',
      ...(options.runName ? { name: options.runName } : {}),
    });
    const actions = options.actions ?? 3;
    if (actions > 0) run = await this.postActions(key, run.id, actions);
    return { organization, integration, key, run };
  }

  /** The organization the demo accounts `admin` and `viewer` are members of. */
  async demoOrganization(): Promise<Organization> {
    const session = await this.sessionOf('admin');
    const membership = session.memberships[0];
    if (!membership) throw new Error(`${DEMO_ACCOUNTS.admin} is a member of no organization`);
    return this.operator('GET', `/api/v1/organizations/${membership.organizationId}`);
  }

  /** The first run of `GET /api/v1/runs?<query>` (newest first), as the operator. */
  async firstRun(query = ''): Promise<Run> {
    const page = await this.operator<Page<Run>>('GET', `/api/v1/runs?limit=1${query ? `&${query}` : ''}`);
    const run = page.items[0];
    if (!run) throw new Error(`no run matches ${query || 'the empty filter'}`);
    return run;
  }

  /** Signs a demo account in over HTTP (not through the page): who the server says it is. */
  async sessionOf(account: DemoAccount): Promise<SessionInfo> {
    const signIn = await fetch(`${this.server.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: DEMO_ACCOUNTS[account], password: DEMO_PASSWORD }),
    });
    if (!signIn.ok)
      throw new Error(`signing in ${DEMO_ACCOUNTS[account]}: ${signIn.status} ${await signIn.text()}`);
    return (await signIn.json()) as SessionInfo;
  }
}

/** `count` OK updates of contacts, with source ids `contact-<i>`. */
export function contactUpdates(count: number, status: ActionInput['status'] = 'OK'): ActionInput[] {
  return Array.from({ length: count }, (_, i) => ({
    source: { system: 'EXCHANGE', id: `contact-${i + 1}`, name: `Contact ${i + 1}` },
    target: { system: 'CRM', id: `crm-${i + 1}`, name: `Contact ${i + 1}` },
    objectType: 'Contact',
    action: 'UPDATE' as const,
    status,
    message: status === 'OK' ? null : `Contact ${i + 1}: ${status.toLowerCase()}`,
  }));
}
