import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { ENGINES, seedBasics, signInMember, startTestApp, type TestContext } from './harness.js';

/** A log pack as a connector attaches it (name, kind, content). */
const LOG_FILES: [string, string, string][] = [
  ['C4C Dump.txt', 'HTTP_TRACE', 'GET /sap/c4c/odata/v1/ContactCollection 200\n'],
  ['configuration.xml', 'CONFIGURATION', '<configuration><mode>full</mode></configuration>'],
  ['exchange-dump.xml', 'EXTERNAL_DUMP', '<dump>Ünïcødé</dump>'],
  ['sync-dump.xml', 'SYNC_DUMP', '<sync/>'],
  ['rules.xml', 'AUTO_RESOLVERS', '<autoresolvers/>'],
  ['settings.xml', 'SITE_SETTINGS', '<site/>'],
  ['scheme.xml', 'MAPPING_SCHEME', '<scheme/>'],
  ['Contact.json', 'OBJECT_CACHE', '{"Contact":[]}'],
  ['Appointment.json', 'OBJECT_CACHE', '{"Appointment":[]}'],
  ['jobs.log', 'JOB_LIST', 'job 1 done\n'],
  ['notes.txt', 'OTHER', 'anything'],
];

/** The names the first seed document's layout gives them in the bundle. */
const LAYOUT = [
  'C4C Dump.txt',
  'configuration.xml',
  'exchange-dump.xml',
  'sync-dump.xml',
  'autoresolvers.xml',
  'Site.xml',
  'synchronization_scheme.xml',
  'Contact.json',
  'Appointment.json',
  'job.txt',
  'other/notes.txt',
  'run.json',
  'actions.csv',
  'calls.csv',
  'manifest.json',
];

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

for (const kind of ENGINES) {
  describe(`log bundles [${kind}]`, () => {
    let t: TestContext;
    let basics: Awaited<ReturnType<typeof seedBasics>>;
    let dir: string;
    const runs: { id: string; status: string }[] = [];

    /** Saves a zip answer, checks it with `unzip -t`, and reads it back. */
    const openZip = (body: Buffer) => {
      const file = join(dir, `${runs.length}-${Math.random().toString(36).slice(2)}.zip`);
      writeFileSync(file, body);
      const test = execFileSync('unzip', ['-t', file]).toString();
      expect(test).toContain('No errors detected');
      const names = execFileSync('zipinfo', ['-1', file]).toString().trim().split('\n');
      const read = (name: string) => execFileSync('unzip', ['-p', file, name.replace(/([[\]*?])/g, '\\$1')]);
      return { names, read, manifest: JSON.parse(read('manifest.json').toString()) };
    };

    beforeAll(async () => {
      t = await startTestApp(kind);
      dir = mkdtempSync(join(tmpdir(), 'synctrail-bundles-'));
      basics = await seedBasics(t.api);
      for (const [i, status] of ['OK', 'ERROR', 'ERROR'].entries()) {
        const run = await t.api('POST', '/api/v1/runs', {
          integrationId: basics.integration.id,
          userId: basics.user.id,
          startedAt: new Date(Date.UTC(2026, 3, 1 + i, 9)).toISOString(),
        });
        const id = run.json().id as string;
        const actions = Array.from({ length: 5 }, (_, n) => ({
          source: { system: 'CRM', id: `c-${n}`, name: `Contact, "${n}"` },
          target: { system: 'EXCHANGE' },
          action: 'UPDATE',
          status: n === 4 ? status : 'OK',
          message: n === 4 ? '=error cell' : 'fine',
        }));
        expect((await t.api('POST', `/api/v1/runs/${id}/actions`, actions)).statusCode).toBe(201);
        for (const [name, artifactKind, content] of i === 0 ? LOG_FILES : LOG_FILES.slice(0, 2)) {
          const res = await t.api(
            'POST',
            `/api/v1/runs/${id}/artifacts?name=${encodeURIComponent(name)}&kind=${artifactKind}`,
            content,
            { 'content-type': 'application/octet-stream' },
          );
          expect(res.statusCode, res.body).toBe(201);
        }
        const calls = [0, 1].map((n) => ({
          organizationId: basics.org.id,
          runId: id,
          direction: 'OUTGOING',
          appFrom: 'Connector',
          appTo: 'CRM',
          method: 'GET',
          url: `https://crm.example.com/${n}`,
          request: { headers: {}, body: null },
          response: { headers: {}, body: `body ${n}` },
        }));
        expect((await t.api('POST', '/api/v1/calls', calls)).statusCode).toBe(201);
        runs.push({ id, status });
      }
    });
    afterAll(async () => {
      await t?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it("streams a session's logs under the layout's names with run.json, actions.csv, calls.csv and a manifest whose sha256s match", async () => {
      const res = await t.api('GET', `/api/v1/runs/${runs[0]!.id}/bundle`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toBe('application/zip');
      expect(res.headers['content-disposition']).toMatch(
        new RegExp(`^attachment; filename="run-${runs[0]!.id}-logs_\\d{8}T\\d{4}Z\\.zip"$`),
      );
      const zip = openZip(res.rawPayload);
      expect(zip.names).toEqual(LAYOUT);
      expect(zip.manifest.runId).toBe(runs[0]!.id);
      expect(Date.parse(zip.manifest.exportedAt)).toBeGreaterThan(Date.now() - 60_000);
      expect(zip.manifest.files.map((f: { path: string }) => f.path)).toEqual(LAYOUT.slice(0, -1));
      for (const file of zip.manifest.files as { path: string; size: number; sha256: string }[]) {
        const content = zip.read(file.path);
        expect(content.length, file.path).toBe(file.size);
        expect(sha256(content), file.path).toBe(file.sha256);
      }
      expect(zip.read('job.txt').toString()).toBe('job 1 done\n');
      expect(zip.read('exchange-dump.xml').toString()).toBe('<dump>Ünïcødé</dump>');
      const run = JSON.parse(zip.read('run.json').toString());
      expect(run).toMatchObject({ id: runs[0]!.id, counters: { processed: 5 } });
      const actions = parse(zip.read('actions.csv')) as string[][];
      expect(actions).toHaveLength(6);
      expect(actions[1]![actions[0]!.indexOf('source.name')]).toBe('Contact, "0"');
      expect(actions[5]![actions[0]!.indexOf('message')]).toBe("'=error cell");
      const calls = parse(zip.read('calls.csv')) as string[][];
      expect(calls.slice(1).map((c) => c[calls[0]!.indexOf('response.body')])).toEqual(['body 0', 'body 1']);
    });

    it("bundles a user's sessions in a range, and an organization's by status, one folder per session", async () => {
      const user = await t.api(
        'GET',
        `/api/v1/users/${basics.user.id}/bundle?from=2026-04-02T00:00:00Z&to=2026-04-10T00:00:00Z`,
      );
      expect(user.statusCode, user.body).toBe(200);
      const zip = openZip(user.rawPayload);
      expect(zip.manifest.runs).toEqual([runs[1]!.id, runs[2]!.id]);
      const folders = [...new Set(zip.names.filter((n) => n.includes('/')).map((n) => n.split('/')[0]))];
      expect(folders).toEqual([`20260402T090000Z_${runs[1]!.id}`, `20260403T090000Z_${runs[2]!.id}`]);
      expect(zip.names).toContain(`${folders[0]}/C4C Dump.txt`);
      expect(zip.names).toContain(`${folders[1]}/calls.csv`);
      expect(zip.names.at(-1)).toBe('manifest.json');
      for (const file of zip.manifest.files as { path: string; sha256: string }[]) {
        expect(sha256(zip.read(file.path)), file.path).toBe(file.sha256);
      }

      const org = await t.api('GET', `/api/v1/organizations/${basics.org.id}/bundle?status=ok`);
      expect(org.statusCode, org.body).toBe(200);
      expect(openZip(org.rawPayload).manifest.runs).toEqual([runs[0]!.id]);
      const bad = await t.api('GET', `/api/v1/organizations/${basics.org.id}/bundle?status=BROKEN`);
      expect(bad.json().error.code).toBe('invalid_filter');
    });

    it('follows the rules of log-file downloads: viewers get 403, other organizations 404', async () => {
      const email = `bundle-viewer-${basics.org.id}@example.com`;
      const viewer = await signInMember(t.api, basics.org.id, email, 'VIEWER');
      for (const url of [
        `/api/v1/runs/${runs[0]!.id}/bundle`,
        `/api/v1/users/${basics.user.id}/bundle`,
        `/api/v1/organizations/${basics.org.id}/bundle`,
      ]) {
        const res = await t.api('GET', url, undefined, viewer);
        expect(res.statusCode, url).toBe(403);
      }
      const other = await seedBasics(t.api);
      const key = await t.api('POST', `/api/v1/organizations/${other.org.id}/api-keys`, {
        name: 'reader',
        scopes: ['read'],
      });
      const stranger = { authorization: `Bearer ${key.json().token}` };
      const res = await t.api('GET', `/api/v1/runs/${runs[0]!.id}/bundle`, undefined, stranger);
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('run_not_found');
    });

    it('records every bundle download in the audit log', async () => {
      await t.api('GET', `/api/v1/runs/${runs[1]!.id}/bundle`);
      const events = (
        await t.api('GET', `/api/v1/audit?action=bundle.download&target=run:${runs[1]!.id}`)
      ).json().items;
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        organizationId: basics.org.id,
        details: { sessions: 1, files: 5, complete: true },
      });
    });
  });
}
