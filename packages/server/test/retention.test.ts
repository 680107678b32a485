import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, readAllPages, seedBasics, startTestApp, type Api, type TestContext } from './harness.js';
import { RetentionService } from '../src/retention/retention.service.js';

const DAY = 24 * 3600 * 1000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

const action = (id: string, over: Record<string, unknown> = {}) => ({
  source: { system: 'EXCHANGE', id, name: `Meeting ${id}` },
  target: { system: 'SALESFORCE', id: `sf-${id}` },
  objectType: 'Appointment',
  action: 'UPDATE',
  status: 'OK',
  message: 'updated',
  ...over,
});

const call = (organizationId: string, at: string, runId?: string) => ({
  organizationId,
  at,
  direction: 'OUTGOING',
  appFrom: 'portal',
  appTo: 'idp',
  action: 'SSO_SUCCESSFUL',
  method: 'POST',
  url: 'https://idp.example.com/sso',
  statusCode: 200,
  request: { headers: { 'content-type': 'text/plain' }, body: `request sent ${at}` },
  response: { headers: { 'content-type': 'text/plain' }, body: `response at ${at}` },
  ...(runId ? { runId } : {}),
});

/** One organization's sessions: one 100 days old, one 40 days old, each with actions, a call and a log file. */
async function seedOrganization(api: Api) {
  const basics = await seedBasics(api);
  const report = async (startedDaysAgo: number, actions: unknown[]) => {
    const res = await api('POST', '/api/v1/runs', {
      integrationId: basics.integration.id,
      userId: basics.user.id,
      startedAt: ago(startedDaysAgo),
      finishedAt: ago(startedDaysAgo - 0.01),
      progress: 'FINISHED',
      counters: { objects: 40, changes: 7, conflicts: 2 },
      actions,
    });
    expect(res.statusCode, res.body).toBe(201);
    const run = res.json();
    const upload = await api(
      'POST',
      `/api/v1/runs/${run.id}/artifacts?name=trace.txt&kind=HTTP_TRACE`,
      `trace of ${run.id}`,
      {
        'content-type': 'text/plain',
      },
    );
    expect(upload.statusCode, upload.body).toBe(201);
    return { run, artifact: upload.json() };
  };
  const old = await report(100, [
    action('1'),
    action('2'),
    action('3', { status: 'ERROR', errorCode: 1, message: 'locked' }),
    action('4'),
    action('5'),
  ]);
  const recent = await report(40, [action('6'), action('7', { status: 'WARNING' })]);
  const calls = await api('POST', '/api/v1/calls', [
    call(basics.org.id, ago(100), old.run.id),
    call(basics.org.id, ago(95)),
    call(basics.org.id, ago(40), recent.run.id),
    call(basics.org.id, ago(1)),
  ]);
  expect(calls.statusCode, calls.body).toBe(201);
  const [oldCall, looseCall, recentCall, newCall] = calls.json().ids as string[];
  return { ...basics, old, recent, oldCall, looseCall, recentCall, newCall };
}

type Seeded = Awaited<ReturnType<typeof seedOrganization>>;

for (const kind of ENGINES) {
  describe(`retention [${kind}]`, () => {
    let t: TestContext;
    let a: Seeded;
    let b: Seeded;
    let dir: string;
    beforeAll(async () => {
      t = await startTestApp(kind, { retention: { payloadDays: 30, days: 90 } });
      dir = mkdtempSync(join(tmpdir(), 'synctrail-retention-'));
      a = await seedOrganization(t.api);
      b = await seedOrganization(t.api);
      // B keeps longer than the deployment.
      await t.app.services.retention.repository.setOverride(
        b.org.id,
        { payloadDays: 200, days: 400 },
        'test',
        new Date(),
      );
    });
    afterAll(async () => {
      await t?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const get = async (url: string) => t.api('GET', url);
    const auditOf = async (organizationId: string) =>
      (
        await readAllPages<{ action: string; actor: string; details: Record<string, any> }>(
          t.api,
          `/api/v1/audit?organizationId=${organizationId}&action=retention.pass&sort=asc`,
        )
      ).items;

    const allAudit = async () => (await readAllPages<object>(t.api, '/api/v1/audit?sort=asc')).items;

    it('removes payloads after the payload days and whole runs after the days, per organization, never the audit log', async () => {
      expect(await t.app.services.audit.verify()).toMatchObject({ ok: true });
      const eventsBefore = await allAudit();
      expect(eventsBefore.length).toBeGreaterThan(0);
      const recentBefore = (await get(`/api/v1/runs/${a.recent.run.id}`)).json();

      // Small batches: every kind of row takes several statements.
      const retention = new RetentionService(
        t.engine,
        t.app.services.audit,
        t.app.services.organizations,
        { payloadDays: 30, days: 90 },
        { batchRows: 2, chunkBatch: 1, targetMs: 60_000 },
      );
      const first = await retention.pass(new Date());
      expect(first.skipped).toBe(false);
      const passA = first.organizations.find((o) => o.organizationId === a.org.id)!;
      expect(passA.removed).toEqual({
        callPayloads: 1,
        artifactContents: 0,
        artifactChunks: 1,
        runs: 1,
        actions: 5,
        calls: 2,
        artifacts: 1,
        issuesDetached: 1,
      });

      // A: the old run is gone with its actions, calls and log file; the loose old call too.
      expect((await get(`/api/v1/runs/${a.old.run.id}`)).statusCode).toBe(404);
      expect((await get(`/api/v1/calls/${a.oldCall}`)).statusCode).toBe(404);
      expect((await get(`/api/v1/calls/${a.looseCall}`)).statusCode).toBe(404);
      // Its issue stays (the object still could not be synced), pointing at no run.
      const issues = (await get(`/api/v1/users/${a.user.id}/issues`)).json().items;
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatchObject({ state: 'OPEN', lastRunId: null, errorCode: 1 });
      // The 40-day-old call keeps its metadata and headers; its bodies are gone.
      const recentCall = (await get(`/api/v1/calls/${a.recentCall}`)).json();
      expect(recentCall).toMatchObject({
        runId: a.recent.run.id,
        statusCode: 200,
        url: 'https://idp.example.com/sso',
        request: { headers: { 'content-type': 'text/plain' }, body: null },
        response: { headers: { 'content-type': 'text/plain' }, body: null },
      });
      expect((await get(`/api/v1/calls/${a.newCall}`)).json().request.body).toContain('request sent');
      // The remaining run is untouched: counters, status, actions.
      expect((await get(`/api/v1/runs/${a.recent.run.id}`)).json()).toEqual(recentBefore);
      expect((await get(`/api/v1/runs/${a.recent.run.id}/actions`)).json().items).toHaveLength(2);

      // B (400 / 200 days) lost nothing.
      expect(first.organizations.find((o) => o.organizationId === b.org.id)!.removed.runs).toBe(0);
      expect((await get(`/api/v1/runs/${b.old.run.id}/actions`)).json().items).toHaveLength(5);
      expect((await get(`/api/v1/calls/${b.oldCall}`)).json().request.body).toContain('request sent');
      expect(await auditOf(b.org.id)).toEqual([]);

      // A month on, the log files of A's remaining run lose their content, not their metadata.
      const second = await retention.pass(new Date(Date.now() + 31 * DAY));
      expect(second.organizations.find((o) => o.organizationId === a.org.id)!.removed).toMatchObject({
        artifactContents: 1,
        artifactChunks: 1,
        runs: 0,
        actions: 0,
      });
      const listed = (await get(`/api/v1/runs/${a.recent.run.id}/artifacts`)).json().items;
      expect(listed).toEqual([
        expect.objectContaining({
          id: a.recent.artifact.id,
          sizeBytes: a.recent.artifact.sizeBytes,
          sha256: a.recent.artifact.sha256,
          contentRemovedAt: expect.any(String),
        }),
      ]);
      const download = await get(`/api/v1/runs/${a.recent.run.id}/artifacts/${a.recent.artifact.id}`);
      expect(download.statusCode).toBe(410);
      expect(download.json().error.code).toBe('artifact_content_removed');
      expect(download.json().error.message).toMatch(/removed by retention/);
      // The bundle lists it in its manifest as removed by retention and does not hold it.
      const bundle = await get(`/api/v1/runs/${a.recent.run.id}/bundle`);
      expect(bundle.statusCode).toBe(200);
      const file = join(dir, `${kind}.zip`);
      writeFileSync(file, bundle.rawPayload);
      const names = execFileSync('zipinfo', ['-1', file]).toString().trim().split('\n');
      expect(names).not.toContain('trace.txt');
      const manifest = JSON.parse(execFileSync('unzip', ['-p', file, 'manifest.json']).toString());
      expect(manifest.removedByRetention).toEqual([
        expect.objectContaining({ artifactId: a.recent.artifact.id, reason: 'removed by retention' }),
      ]);
      // B's log files are still whole.
      const bDownload = await get(`/api/v1/runs/${b.recent.run.id}/artifacts/${b.recent.artifact.id}`);
      expect(bDownload.statusCode).toBe(200);
      expect(bDownload.body).toBe(`trace of ${b.recent.run.id}`);

      // Each pass that removed something is on the audit log, with its counts; the chain verifies.
      const events = await auditOf(a.org.id);
      expect(
        events.map((e) => [e.actor, e.details.removed.runs, e.details.removed.artifactContents]),
      ).toEqual([
        ['system:retention', 1, 0],
        ['system:retention', 0, 1],
      ]);
      expect(events[0]!.details).toMatchObject({ payloadDays: 30, days: 90, removed: passA.removed });
      const auditAfter = await t.app.services.audit.verify();
      expect(auditAfter).toMatchObject({ ok: true });
      // Nothing was removed from it or changed: what was there before the passes still is.
      expect((await allAudit()).slice(0, eventsBefore.length)).toEqual(eventsBefore);
    });

    it('removes everything past the days across as many batches as it takes', async () => {
      const c = await seedBasics(t.api);
      const run = await t.api('POST', '/api/v1/runs', {
        integrationId: c.integration.id,
        startedAt: ago(120),
        progress: 'FINISHED',
        finishedAt: ago(119),
        actions: Array.from({ length: 23 }, (_, i) => action(`b${i}`)),
      });
      const calls = Array.from({ length: 17 }, (_, i) => call(c.org.id, ago(100 + i / 100)));
      expect((await t.api('POST', '/api/v1/calls', calls)).statusCode).toBe(201);
      const retention = new RetentionService(
        t.engine,
        t.app.services.audit,
        t.app.services.organizations,
        { payloadDays: 30, days: 90 },
        { batchRows: 4, chunkBatch: 1, targetMs: 60_000 },
      );
      const pass = await retention.pass(new Date());
      expect(pass.organizations.find((o) => o.organizationId === c.org.id)!.removed).toMatchObject({
        runs: 1,
        actions: 23,
        calls: 17,
      });
      expect((await get(`/api/v1/runs/${run.json().id}`)).statusCode).toBe(404);
      expect((await get(`/api/v1/calls?organizationId=${c.org.id}`)).json().items).toEqual([]);
    });

    it('finishes what a pass that died left: content chunks of log files already marked removed', async () => {
      const e = await seedOrganization(t.api);
      const { id } = e.recent.artifact;
      // A pass marked the log file, then its process died before deleting the chunks (its lease never released).
      await t.engine.db
        .updateTable('artifacts')
        .set({ content_removed_at: new Date() })
        .where('id', '=', id)
        .execute();
      await t.engine.db
        .insertInto('job_leases')
        .values({ name: 'retention', holder: 'process:gone', expires_at: new Date(Date.now() - 1000) })
        .execute();
      const chunks = () =>
        t.engine.db.selectFrom('artifact_chunks').select('seq').where('artifact_id', '=', id).execute();
      expect(await chunks()).toHaveLength(1);
      const pass = await t.app.services.retention.pass(new Date());
      expect(pass.skipped).toBe(false);
      expect(await chunks()).toEqual([]);
      expect(
        pass.organizations.find((o) => o.organizationId === e.org.id)!.removed.artifactChunks,
      ).toBeGreaterThanOrEqual(2);
    });

    it('runs in the background job with the deployment policy from the configuration', async () => {
      const d = await seedBasics(t.api);
      await t.api('POST', '/api/v1/calls', [call(d.org.id, ago(91))]);
      await t.app.jobs.tick(new Date());
      expect((await get(`/api/v1/calls?organizationId=${d.org.id}`)).json().items).toEqual([]);
      expect(await auditOf(d.org.id)).toHaveLength(1);
    });
  });

  describe(`retention by default [${kind}]`, () => {
    let t: TestContext;
    beforeAll(async () => {
      t = await startTestApp(kind);
    });
    afterAll(() => t?.close());

    it('keeps everything forever', async () => {
      const seeded = await seedOrganization(t.api);
      const pass = await t.app.services.retention.pass(new Date(Date.now() + 3650 * DAY));
      expect(pass).toEqual({ skipped: false, organizations: [] });
      expect((await t.api('GET', `/api/v1/runs/${seeded.old.run.id}/actions`)).json().items).toHaveLength(5);
      expect((await t.api('GET', `/api/v1/calls/${seeded.oldCall}`)).json().request.body).toContain(
        'request',
      );
      const download = await t.api(
        'GET',
        `/api/v1/runs/${seeded.old.run.id}/artifacts/${seeded.old.artifact.id}`,
      );
      expect(download.body).toBe(`trace of ${seeded.old.run.id}`);
    });
  });
}
