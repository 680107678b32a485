import type {
  ActionBatchResult,
  ActionInput,
  ApiKeyCreated,
  Integration,
  IntegrationCreate,
  MemberCreate,
  Organization,
  Run,
  RunCreate,
  SyncUser,
  SyncUserUpsert,
} from '@synctrail/types';
import type { DemoClient } from './demo-client.js';

/** What the demo loaded, for the summary and the tests. */
export interface DemoTally {
  organizations: number;
  integrations: number;
  users: number;
  runs: number;
  actions: number;
  artifacts: number;
  calls: number;
}

export function emptyTally(): DemoTally {
  return { organizations: 0, integrations: 0, users: 0, runs: 0, actions: 0, artifacts: 0, calls: 0 };
}

export interface TenantSpec {
  name: string;
  slug: string;
  /** Console members; created without a password (they cannot sign in until one is set). */
  members: { email: string; name: string; role: MemberCreate['role'] }[];
  /** API keys the organization's connectors would use; the demo does not keep their tokens. */
  apiKeys: string[];
}

/** One organization of the demo and the calls that fill it, counted in the tally. */
export class DemoTenant {
  private constructor(
    readonly client: DemoClient,
    readonly organization: Organization,
    readonly tally: DemoTally,
  ) {}

  static async create(client: DemoClient, spec: TenantSpec, tally: DemoTally): Promise<DemoTenant> {
    const organization = await client.post<Organization>('/api/v1/organizations', {
      name: spec.name,
      slug: spec.slug,
    });
    tally.organizations++;
    for (const member of spec.members) {
      await client.post(`/api/v1/organizations/${organization.id}/members`, member);
    }
    for (const name of spec.apiKeys) {
      await client.post<ApiKeyCreated>(`/api/v1/organizations/${organization.id}/api-keys`, {
        name,
        scopes: ['ingest'],
      });
    }
    return new DemoTenant(client, organization, tally);
  }

  get id(): string {
    return this.organization.id;
  }

  async integration(input: IntegrationCreate): Promise<Integration> {
    this.tally.integrations++;
    return this.client.post<Integration>(`/api/v1/organizations/${this.id}/integrations`, input);
  }

  async user(input: SyncUserUpsert): Promise<SyncUser> {
    this.tally.users++;
    return this.client.post<SyncUser>(`/api/v1/organizations/${this.id}/users`, input);
  }

  /** Reports a run (usually a whole finished one, with its actions) as a connector would. */
  async run(input: RunCreate): Promise<Run> {
    this.tally.runs++;
    this.tally.actions += input.actions?.length ?? 0;
    return this.client.post<Run>('/api/v1/runs', input);
  }

  /** Appends a batch of actions to a run under way, as a connector does while it syncs. */
  async appendActions(runId: string, actions: ActionInput[]): Promise<Run> {
    this.tally.actions += actions.length;
    const key = this.client.nextKey('actions');
    return (await this.client.post<ActionBatchResult>(`/api/v1/runs/${runId}/actions`, actions, key)).run;
  }

  /** "Run Sync": queues a manual full sync for a connector to take. */
  async triggerSync(integrationId: string): Promise<Run> {
    this.tally.runs++;
    return this.client.post<Run>(`/api/v1/integrations/${integrationId}/sync`, {});
  }

  /** A change notification: queues a partial sync `<ORIGIN>_CHANGES`. */
  async notifyChanges(integrationId: string, origin: string): Promise<Run> {
    this.tally.runs++;
    return this.client.post<Run>(`/api/v1/integrations/${integrationId}/changes`, { origin });
  }

  async disableSync(): Promise<void> {
    await this.client.patch(`/api/v1/organizations/${this.id}`, { syncEnabled: false });
  }
}
