import { cpSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Action, Artifact, Call, CallSummary, Issue, Run } from '@synctrail/types';
import { OPERATOR_TOKEN } from '../../../packages/server/test/harness.js';
import { startServerProcess, type ServerProcess } from '../../../packages/server/test/server-process.js';
import { waitFor } from '../../../packages/sdk/test/helpers.js';
import { TargetStore } from '../target-store.js';
import { startTs, type TsProcess } from './child-process.js';

const HERE = fileURLToPath(new URL('..', import.meta.url));
const CRM_TOKEN = 'crm-e2e-secret-token-4242';
const WORKER = 'contacts-sync-e2e';

/** The target as a previous sync left it, plus a local edit and a row that never came from the CRM. */
function seedTarget(file: string): void {
  const store = TargetStore.open(file);
  const insert = store.db.prepare(
    `INSERT INTO contacts (crm_id, first_name, last_name, email, phone, company, crm_updated_at, updated_at, synced_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const synced = '2025-02-01T12:00:00.000Z';
  // c-002: synced before the CRM changed its email → UPDATE.
  insert.run(
    'c-002',
    'Grace',
    'Hopper',
    'grace@navy.example',
    '+1 202 555 0102',
    'Compilers Inc.',
    '2025-02-01T00:00:00.000Z',
    synced,
    synced,
  );
  // c-003: the CRM has not changed it since → nothing to do.
  insert.run(
    'c-003',
    'Alan',
    'Turing',
    'alan@bletchley.example',
    '+44 1908 640404',
    'Bletchley Park',
    '2025-01-20T08:00:00.000Z',
    synced,
    synced,
  );
  // c-004: changed in the CRM on 3 March, edited here on 10 March → conflict, the target's version stays.
  insert.run(
    'c-004',
    'Katherine',
    'Johnson',
    'katherine.johnson@orbits.example',
    '+1 757 555 9999',
    'NACA',
    '2025-01-15T00:00:00.000Z',
    '2025-03-10T09:00:00.000Z',
    synced,
  );
  // c-009: synced once, since deleted in the CRM → DELETE.
  insert.run(
    'c-009',
    'Charles',
    'Babbage',
    'charles@difference.example',
    null,
    'Difference Engines',
    '2025-01-10T00:00:00.000Z',
    synced,
    synced,
  );
  // Created in the target only: the sync never touches it.
  insert.run(null, 'Local', 'Only', 'local@target.example', null, null, null, synced, null);
  store.close();
}

describe('contacts-sync example: Synctrail, CRM and connector as real processes (SQLite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'synctrail-contacts-sync-'));
  const crmDir = join(dir, 'crm');
  const target = join(dir, 'contacts.sqlite');
  let server: ServerProcess;
  let crm: TsProcess;
  let connector: TsProcess;
  let organizationId: string;
  let integrationId: string;
  let userId: string;

  const call = async <T = any>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await server.call(method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.json)}`);
    return res.json as T;
  };
  const download = async (path: string): Promise<Buffer> => {
    const res = await fetch(`${server.url}${path}`, {
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
    });
    expect(res.status).toBe(200);
    return Buffer.from(await res.arrayBuffer());
  };
  const trigger = () => call<Run>('POST', `/api/v1/integrations/${integrationId}/sync`, { userId });
  const waitForEnd = (runId: string, timeoutMs = 20_000) =>
    waitFor(
      `run ${runId} to end`,
      async () => {
        const run = await call<Run>('GET', `/api/v1/runs/${runId}`);
        return run.progress === 'FINISHED' || run.progress === 'ABORTED' ? run : undefined;
      },
      timeoutMs,
    );
  const actionsOf = async (runId: string) =>
    (await call<{ items: Action[] }>('GET', `/api/v1/runs/${runId}/actions?limit=100&sort=asc`)).items;
  const artifactsOf = async (runId: string) =>
    (await call<{ items: Artifact[] }>('GET', `/api/v1/runs/${runId}/artifacts`)).items;
  const artifactText = async (runId: string, name: string) => {
    const artifact = (await artifactsOf(runId)).find((a) => a.name === name);
    if (!artifact) throw new Error(`run ${runId} has no ${name}`);
    return (await download(`/api/v1/runs/${runId}/artifacts/${artifact.id}`)).toString('utf8');
  };
  const issues = async () => (await call<{ items: Issue[] }>('GET', `/api/v1/users/${userId}/issues`)).items;
  const failWithOutput = (error: unknown): never => {
    throw new Error(
      `${(error as Error).message}\n--- connector output ---\n${connector?.output() ?? ''}\n--- CRM output ---\n${crm?.output() ?? ''}`,
      {
        cause: error,
      },
    );
  };

  beforeAll(async () => {
    cpSync(join(HERE, 'fixtures', 'crm'), crmDir, { recursive: true });
    seedTarget(target);

    crm = startTs(join(HERE, 'crm-server.ts'), [
      '--dir',
      crmDir,
      '--port',
      '0',
      '--token',
      CRM_TOKEN,
      '--rate-limit-at',
      '3',
    ]);
    const [started, crmListening] = await Promise.all([
      startServerProcess({ PORT: '0', SYNCTRAIL_DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'warn' }),
      crm.waitForOutput(/CRM listening at (http:\/\/\S+)/),
    ]);
    server = started;
    const crmUrl = crmListening[1]!;

    // Everything a deployment sets up, through the public API.
    organizationId = (await call('POST', '/api/v1/organizations', { name: 'Contacts sync e2e' })).id;
    integrationId = (
      await call('POST', `/api/v1/organizations/${organizationId}/integrations`, {
        type: 'crm-contacts',
        name: 'CRM → contacts.sqlite',
        capabilities: { cancellable: true, partialSync: false },
      })
    ).id;
    userId = (
      await call('POST', `/api/v1/organizations/${organizationId}/users`, {
        externalId: 'crm-owner-1',
        email: 'owner@example.com',
        name: 'CRM owner',
      })
    ).id;
    const key = await call<{ token: string }>('POST', `/api/v1/organizations/${organizationId}/api-keys`, {
      name: 'contacts-sync connector',
      scopes: ['ingest'],
    });

    connector = startTs(join(HERE, 'connector.ts'), [
      ...['--synctrail-url', server.url, '--token', key.token, '--integration', integrationId],
      ...['--crm-url', crmUrl, '--crm-token', CRM_TOKEN, '--target', target],
      ...['--page-size', '4', '--poll-ms', '100', '--heartbeat-ms', '300', '--name', WORKER],
    ]);
    await connector.waitForOutput(/contacts-sync worker .* polling/);
  });

  afterAll(async () => {
    await connector?.stop('SIGKILL');
    await crm?.stop('SIGKILL');
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  let firstRunId: string;

  it('syncs on a manual trigger: creates, updates, deletes, a conflict and an erroring contact', async () => {
    const pending = await trigger();
    expect(pending).toMatchObject({ progress: 'PENDING', trigger: 'FULL_SYNC_MANUAL', userId });
    firstRunId = pending.id;
    const run = await waitForEnd(pending.id).catch(failWithOutput);

    expect(run).toMatchObject({
      progress: 'FINISHED',
      status: 'ERROR', // c-005 could not be read
      name: 'CRM contacts → contacts.sqlite',
      leaseOwner: WORKER,
      errorSource: null,
      exception: null,
    });
    // 6 CRM contacts: c-001 and c-006 new, c-002 changed, c-003 unchanged, c-004 conflicting, c-005 broken;
    // c-009 gone from the CRM. A failed create still counts as a create.
    expect(run.counters).toEqual({
      processed: 6,
      creates: 3,
      updates: 1,
      deletes: 1,
      warnings: 1,
      errors: 1,
      objects: 6,
      changes: 4,
      failures: 1,
      conflicts: 1,
      issues: 1,
    });
    expect(run.objectReport).toEqual({
      Contact: { listed: 6, created: 2, updated: 1, deleted: 1, unchanged: 1, conflicts: 1, failed: 1 },
    });

    const actions = await actionsOf(run.id);
    expect(actions.map((a) => [a.source.id, a.action, a.status])).toEqual([
      ['c-001', 'CREATE', 'OK'],
      ['c-002', 'UPDATE', 'OK'],
      ['c-004', 'NONE', 'WARNING'],
      ['c-005', 'CREATE', 'ERROR'],
      ['c-006', 'CREATE', 'OK'],
      ['c-009', 'DELETE', 'OK'],
    ]);
    for (const a of actions)
      expect(a).toMatchObject({
        objectType: 'Contact',
        source: { system: 'CRM' },
        target: { system: 'SQLITE' },
      });
    const byId = new Map(actions.map((a) => [a.source.id, a]));
    expect(byId.get('c-002')).toMatchObject({
      message: 'Updated email.',
      details: { changes: { email: { from: 'grace@navy.example', to: 'grace.hopper@cobol.example' } } },
    });
    expect(byId.get('c-004')?.message).toMatch(/^Conflict: edited in the target at 2025-03-10T09:00:00.000Z/);
    expect(byId.get('c-005')).toMatchObject({
      errorCode: 3,
      details: { httpStatus: 500, category: 'ServerError' },
    });
    expect(byId.get('c-005')?.message).toMatch(
      /CRM answered 500 to GET \/contacts\/c-005: Contact c-005 could not be read/,
    );

    // The target as the run left it.
    const db = new Database(target, { readonly: true });
    const rows = db.prepare('SELECT crm_id AS crmId, email, company FROM contacts ORDER BY id').all();
    db.close();
    expect(rows).toEqual([
      { crmId: 'c-002', email: 'grace.hopper@cobol.example', company: 'Compilers Inc.' },
      { crmId: 'c-003', email: 'alan@bletchley.example', company: 'Bletchley Park' },
      { crmId: 'c-004', email: 'katherine.johnson@orbits.example', company: 'NACA' },
      { crmId: null, email: 'local@target.example', company: null },
      { crmId: 'c-001', email: 'ada@analytical-engines.example', company: 'Analytical Engines Ltd' },
      { crmId: 'c-006', email: 'barbara@substitution.example', company: 'Abstractions LLC' },
    ]);
  });

  it('opens an issue for the contact that could not be synced', async () => {
    const open = await issues();
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({
      objectType: 'Contact',
      objectId: 'c-005',
      direction: 'CRM → SQLITE',
      operation: 'CREATE',
      errorCode: 3,
      state: 'OPEN',
      occurrences: 1,
      lastRunId: firstRunId,
    });
  });

  it('attaches the run log and the target database', async () => {
    const artifacts = await artifactsOf(firstRunId);
    expect(artifacts.map((a) => [a.name, a.kind])).toEqual([
      ['sync.log', 'OTHER'],
      ['contacts.sqlite', 'SYNC_DUMP'],
    ]);
    const log = await artifactText(firstRunId, 'sync.log');
    expect(log).toMatch(/GET \/contacts\/c-001 → 429/);
    expect(log).toMatch(/retrying in 1000 ms/);
    expect(log).toMatch(/ERROR contact c-005: CRM answered 500/);
    expect(log).toMatch(/sync done: 2 created, 1 updated, 1 deleted, 1 unchanged, 1 conflict\(s\), 1 failed/);
    expect(log).not.toContain(CRM_TOKEN);

    const dump = artifacts.find((a) => a.name === 'contacts.sqlite')!;
    const file = join(dir, 'attached.sqlite');
    writeFileSync(file, await download(`/api/v1/runs/${firstRunId}/artifacts/${dump.id}`));
    const db = new Database(file, { readonly: true });
    const ids = db
      .prepare('SELECT crm_id AS crmId FROM contacts WHERE crm_id IS NOT NULL ORDER BY crm_id')
      .pluck()
      .all();
    db.close();
    expect(ids).toEqual(['c-001', 'c-002', 'c-003', 'c-004', 'c-006']);
  });

  it('records every CRM call of the run, the rate limit and the error included, with the token masked', async () => {
    const { items } = await call<{ items: CallSummary[] }>(
      'GET',
      `/api/v1/calls?runId=${firstRunId}&sort=asc&limit=100`,
    );
    // Two list pages (4 + 2 contacts), six contacts, and c-001 again after the 429.
    expect(
      items.map((c) => [c.method, new URL(c.url).pathname + new URL(c.url).search, c.statusCode]),
    ).toEqual([
      ['GET', '/contacts?limit=4', 200],
      ['GET', '/contacts?limit=4&cursor=c-004', 200],
      ['GET', '/contacts/c-001', 429],
      ['GET', '/contacts/c-001', 200],
      ['GET', '/contacts/c-002', 200],
      ['GET', '/contacts/c-003', 200],
      ['GET', '/contacts/c-004', 200],
      ['GET', '/contacts/c-005', 500],
      ['GET', '/contacts/c-006', 200],
    ]);
    for (const c of items) {
      expect(c).toMatchObject({
        organizationId,
        direction: 'OUTGOING',
        appFrom: 'contacts-sync',
        appTo: '127.0.0.1',
        action: 'NA',
      });
    }
    expect(items.filter((c) => c.requestType === 'CONTACT_LIST')).toHaveLength(2);
    expect(
      (
        await call<{ items: CallSummary[] }>('GET', `/api/v1/calls?runId=${firstRunId}&statusCode=4xx,5xx`)
      ).items
        .map((c) => c.statusCode)
        .sort(),
    ).toEqual([429, 500]);

    for (const summary of items) {
      const detail = await call<Call>('GET', `/api/v1/calls/${summary.id}`);
      expect(detail.request.headers.authorization).toBe('***');
      expect(JSON.stringify(detail)).not.toContain(CRM_TOKEN);
    }
    const rateLimited = await call<Call>('GET', `/api/v1/calls/${items[2]!.id}`);
    expect(rateLimited.response.headers['retry-after']).toBe('1');
    const broken = await call<Call>('GET', `/api/v1/calls/${items[7]!.id}`);
    expect(JSON.parse(broken.response.body ?? '{}')).toMatchObject({ error: 'internal_error' });
    const ada = await call<Call>('GET', `/api/v1/calls/${items[3]!.id}`);
    expect(JSON.parse(ada.response.body ?? '{}')).toMatchObject({ id: 'c-001', lastName: 'Lovelace' });
  });

  it('resolves the issue once the contact is fixed in the CRM and synced again', async () => {
    writeFileSync(
      join(crmDir, 'c-005.json'),
      JSON.stringify({
        id: 'c-005',
        firstName: 'Edsger',
        lastName: 'Dijkstra',
        email: 'edsger@shortest-path.example',
        company: 'Structured Programming BV',
        updatedAt: '2025-03-04T16:45:00.000Z',
      }),
    );
    const run = await waitForEnd((await trigger()).id).catch(failWithOutput);
    expect(run).toMatchObject({ progress: 'FINISHED', status: 'WARNING', errorSource: null });
    expect(run.counters).toMatchObject({
      processed: 2,
      creates: 1,
      updates: 0,
      deletes: 0,
      warnings: 1,
      errors: 0,
      issues: 0,
      conflicts: 1,
    });
    expect((await actionsOf(run.id)).map((a) => [a.source.id, a.action, a.status])).toEqual([
      ['c-004', 'NONE', 'WARNING'], // still edited more recently in the target
      ['c-005', 'CREATE', 'OK'],
    ]);
    const [issue] = await issues();
    expect(issue).toMatchObject({ objectId: 'c-005', state: 'RESOLVED', occurrences: 1 });
    expect(issue!.resolvedAt).not.toBeNull();
  });

  it('stops promptly when an administrator cancels a slow sync, then takes the next run', async () => {
    writeFileSync(join(crmDir, '_crm.json'), JSON.stringify({ delayMs: 3_000 }));
    const listRequests = () => crm.output().split('GET /contacts?limit=4\n').length - 1;
    const before = listRequests();
    const pending = await trigger();
    // Cancel while the connector waits for the CRM's first page.
    await waitFor('the connector to ask the CRM for its first page', () => listRequests() > before);
    const cancelledAt = Date.now();
    const cancelling = await call<Run>('POST', `/api/v1/runs/${pending.id}/cancel`);
    expect(cancelling.progress).toBe('ABORTION_PENDING');

    const run = await waitForEnd(pending.id, 10_000).catch(failWithOutput);
    const stoppedWithinMs = Date.now() - cancelledAt;
    expect(run).toMatchObject({
      progress: 'ABORTED',
      errorSource: null,
      exception: null,
      cancelRequestedBy: 'operator:bootstrap',
    });
    expect(run.counters.processed).toBe(0); // it was still waiting for the CRM's first page
    expect(stoppedWithinMs).toBeLessThan(2_500); // the CRM alone would have taken 3 s for that page
    const log = await artifactText(run.id, 'sync.log');
    expect(log).toMatch(/GET \/contacts\?limit=4 → abandoned after \d+ ms: the run is stopping/);
    expect(log).toMatch(/cancelled by an administrator/);
    // The request the cancel cut short is on record, without a response.
    const { items: calls } = await call<{ items: CallSummary[] }>('GET', `/api/v1/calls?runId=${run.id}`);
    expect(calls.map((c) => [c.requestType, c.statusCode])).toEqual([['CONTACT_LIST', null]]);
    expect((await call<Call>('GET', `/api/v1/calls/${calls[0]!.id}`)).response.body).toMatch(
      /^\[no complete response: /,
    );

    // The connector is still there: the next run is taken and completes.
    unlinkSync(join(crmDir, '_crm.json'));
    const next = await waitForEnd((await trigger()).id).catch(failWithOutput);
    expect(next).toMatchObject({ progress: 'FINISHED', status: 'WARNING', leaseOwner: WORKER });
    expect(next.counters).toMatchObject({ processed: 1, warnings: 1, errors: 0 });
    expect(connector.child.exitCode).toBeNull();
  });

  it('fails the run with source CRM when the CRM cannot be reached', async () => {
    await crm.stop('SIGTERM');
    const run = await waitForEnd((await trigger()).id).catch(failWithOutput);
    expect(run).toMatchObject({ progress: 'FINISHED', errorSource: 'CRM', errorCategory: 'Unavailable' });
    expect(run.exception).toMatch(
      /CrmError: The CRM at http:\/\/127\.0\.0\.1:\d+ did not answer GET \/contacts\?limit=4: fetch failed: .*ECONNREFUSED/,
    );
    expect(run.counters).toMatchObject({ processed: 0, objects: 0 });
    // Four attempts, none answered.
    const { items: calls } = await call<{ items: CallSummary[] }>('GET', `/api/v1/calls?runId=${run.id}`);
    expect(calls.map((c) => c.statusCode)).toEqual([null, null, null, null]);
    expect(connector.child.exitCode).toBeNull();
  });

  it('on SIGTERM, ends the run in progress and exits cleanly', async () => {
    // The CRM is still down: the run is busy retrying when the connector is told to stop.
    const pending = await trigger();
    await waitFor(
      'the run to be leased',
      async () => (await call<Run>('GET', `/api/v1/runs/${pending.id}`)).progress === 'RUNNING',
    );
    const code = await connector.stop('SIGTERM');
    expect(code).toBe(0);
    expect(connector.output()).toMatch(/SIGTERM: stopping/);
    expect(connector.output()).toMatch(/contacts-sync worker stopped/);

    const run = await call<Run>('GET', `/api/v1/runs/${pending.id}`);
    expect(run).toMatchObject({ progress: 'FINISHED', errorSource: 'CONNECTOR', errorCategory: 'Shutdown' });
    expect(run.exception).toMatch(/ShutdownError: The connector was stopped during the run/);
    const live = await call<{ items: Run[] }>(
      'GET',
      `/api/v1/runs?integrationId=${integrationId}&progress=PENDING,RUNNING,ABORTION_PENDING`,
    );
    expect(live.items).toEqual([]);
  });
});
