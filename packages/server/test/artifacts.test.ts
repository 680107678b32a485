import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Access } from '../src/auth/access.js';
import { AppError } from '../src/http/errors.js';
import type { Engine } from '../src/storage/engine.js';
import { ENGINES, OPERATOR_TOKEN, seedBasics, startTestApp, type TestContext } from './harness.js';

const MiB = 1024 * 1024;
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

async function countRows(engine: Engine, table: 'artifacts' | 'artifact_chunks'): Promise<number> {
  const row = await engine.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function chunksOfRun(engine: Engine, runId: string): Promise<number> {
  const row = await engine.db
    .selectFrom('artifact_chunks')
    .innerJoin('artifacts', 'artifacts.id', 'artifact_chunks.artifact_id')
    .where('artifacts.run_id', '=', runId)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Sends `pieces` as a streamed body without a Content-Length, the way a piped upload arrives. */
function uploadStream(t: TestContext, url: string, pieces: Buffer[]) {
  return t.app.inject({
    method: 'POST',
    url,
    headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/octet-stream' },
    payload: Readable.from(pieces),
  });
}

for (const kind of ENGINES) {
  describe(`artifacts API [${kind}]`, () => {
    let t: TestContext;
    let basics: Awaited<ReturnType<typeof seedBasics>>;
    beforeAll(async () => {
      t = await startTestApp(kind);
      basics = await seedBasics(t.api);
    });
    afterAll(() => t?.close());

    const startRun = async (body: Record<string, unknown> = {}) => {
      const res = await t.api('POST', '/api/v1/runs', { integrationId: basics.integration.id, ...body });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<{ id: string }>();
    };
    const upload = (
      runId: string,
      query: string,
      body: string | Buffer,
      headers: Record<string, string> = {},
    ) => t.api('POST', `/api/v1/runs/${runId}/artifacts?${query}`, body, headers);
    const list = async (runId: string) => {
      const res = await t.api('GET', `/api/v1/runs/${runId}/artifacts`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ items: { id: string; name: string }[]; nextCursor: null }>();
    };

    describe('POST /api/v1/runs/:id/artifacts', () => {
      it('stores a multi-chunk file and gives it back byte for byte', async () => {
        const run = await startRun();
        const content = randomBytes(3.5 * MiB);
        const res = await upload(run.id, 'name=sync-dump.xml&kind=SYNC_DUMP', content);
        expect(res.statusCode, res.body).toBe(201);
        const artifact = res.json();
        expect(artifact).toMatchObject({
          runId: run.id,
          name: 'sync-dump.xml',
          kind: 'SYNC_DUMP',
          contentType: 'application/xml',
          sizeBytes: content.length,
          sha256: sha256(content),
        });
        expect(await chunksOfRun(t.engine, run.id)).toBe(4);

        expect(await list(run.id)).toEqual({ items: [artifact], nextCursor: null });
        const download = await t.api('GET', `/api/v1/runs/${run.id}/artifacts/${artifact.id}`);
        expect(download.statusCode).toBe(200);
        expect(download.rawPayload.equals(content)).toBe(true);
        expect(sha256(download.rawPayload)).toBe(artifact.sha256);
        expect(download.headers).toMatchObject({
          'content-type': 'application/xml',
          'content-length': String(content.length),
          'content-disposition': `attachment; filename="sync-dump.xml"; filename*=UTF-8''sync-dump.xml`,
          etag: `"${artifact.sha256}"`,
          'x-content-sha256': artifact.sha256,
        });
      });

      it('defaults the kind to OTHER and takes the Content-Type from the request, else from the name', async () => {
        const run = await startRun();
        const job = await upload(run.id, 'name=job.txt', 'job 1 done\n');
        expect(job.json()).toMatchObject({ kind: 'OTHER', contentType: 'text/plain', sizeBytes: 11 });
        const custom = await upload(run.id, 'name=trace.bin&kind=HTTP_TRACE', 'GET /', {
          'content-type': 'text/x-trace',
        });
        expect(custom.json()).toMatchObject({ kind: 'HTTP_TRACE', contentType: 'text/x-trace' });
        const noExtension = await upload(run.id, 'name=dump', Buffer.from([0, 1, 2]));
        expect(noExtension.json().contentType).toBe('application/octet-stream');
        // A JSON body is the file, not a request to parse: even broken JSON is stored as sent.
        const cache = await upload(run.id, 'name=Contact.json&kind=OBJECT_CACHE', '{"broken": ', {
          'content-type': 'application/json',
        });
        expect(cache.statusCode, cache.body).toBe(201);
        expect(cache.json()).toMatchObject({ contentType: 'application/json', sizeBytes: 11 });
        const back = await t.api('GET', `/api/v1/runs/${run.id}/artifacts/${cache.json().id}`);
        expect(back.body).toBe('{"broken": ');
        expect((await list(run.id)).items.map((a) => a.name)).toEqual([
          'job.txt',
          'trace.bin',
          'dump',
          'Contact.json',
        ]);
      });

      it('attaches files to a finished run, including an empty one', async () => {
        const run = await startRun({ progress: 'FINISHED' });
        const res = await upload(run.id, 'name=autoresolvers.xml&kind=AUTO_RESOLVERS', '');
        expect(res.statusCode, res.body).toBe(201);
        expect(res.json()).toMatchObject({ sizeBytes: 0, sha256: sha256(Buffer.alloc(0)) });
        const download = await t.api('GET', `/api/v1/runs/${run.id}/artifacts/${res.json().id}`);
        expect(download.statusCode).toBe(200);
        expect(download.rawPayload.length).toBe(0);
      });

      it('rejects an invalid kind, a missing name and a path as name with 400, storing nothing', async () => {
        const run = await startRun();
        const chunksBefore = await countRows(t.engine, 'artifact_chunks');
        for (const query of [
          'name=a.xml&kind=SECRETS',
          'kind=OTHER',
          'name=../etc/passwd',
          'name=a%5Cb.txt',
          'name=..',
        ]) {
          const res = await upload(run.id, query, randomBytes(2 * MiB));
          expect(res.statusCode, query).toBe(400);
          expect(res.json().error.code, query).toBe('validation_failed');
        }
        expect((await list(run.id)).items).toEqual([]);
        expect(await countRows(t.engine, 'artifact_chunks')).toBe(chunksBefore);
      });

      it('rejects a multipart form with 415: the body must be the file itself', async () => {
        const run = await startRun();
        const res = await upload(run.id, 'name=a.xml', '--x\r\n', {
          'content-type': 'multipart/form-data; boundary=x',
        });
        expect(res.statusCode).toBe(415);
        expect(res.json().error.code).toBe('unsupported_media_type');
      });

      it('answers 404 for an unknown run and stores nothing', async () => {
        const before = await countRows(t.engine, 'artifacts');
        const res = await upload('01890000-0000-7000-8000-000000000000', 'name=a.txt', 'x');
        expect(res.statusCode).toBe(404);
        expect(res.json().error.code).toBe('run_not_found');
        expect((await upload('not-a-uuid', 'name=a.txt', 'x')).statusCode).toBe(404);
        expect(await countRows(t.engine, 'artifacts')).toBe(before);
      });

      it('stores a retried upload with the same Idempotency-Key once', async () => {
        const run = await startRun();
        const key = { 'idempotency-key': `artifact-${randomBytes(4).toString('hex')}` };
        const content = randomBytes(MiB + 10);
        const first = await upload(run.id, 'name=c4c-dump.txt&kind=HTTP_TRACE', content, key);
        expect(first.statusCode, first.body).toBe(201);
        const retry = await upload(run.id, 'name=c4c-dump.txt&kind=HTTP_TRACE', content, key);
        expect(retry.statusCode).toBe(201);
        expect(retry.headers['idempotent-replayed']).toBe('true');
        expect(retry.json()).toEqual(first.json());
        expect((await list(run.id)).items).toHaveLength(1);
        expect(await chunksOfRun(t.engine, run.id)).toBe(2);

        const reused = await upload(run.id, 'name=other.txt', 'x', key);
        expect(reused.statusCode).toBe(422);
        expect(reused.json().error.code).toBe('idempotency_key_reused');
        expect((await list(run.id)).items).toHaveLength(1);
      });

      it('removes what was stored when the upload breaks off', async () => {
        const run = await startRun();
        async function* brokenUpload() {
          yield randomBytes(MiB);
          yield randomBytes(MiB);
          throw new Error('socket hang up');
        }
        const attempt = t.app.services.artifacts.upload(Access.operator('operator:test'), run.id, {
          name: 'exchange-dump.xml',
          body: Readable.from(brokenUpload()),
        });
        await expect(attempt).rejects.toSatisfy((e) => e instanceof AppError && e.code === 'invalid_body');
        const rows = await t.engine.db
          .selectFrom('artifacts')
          .select('id')
          .where('run_id', '=', run.id)
          .execute();
        expect(rows).toEqual([]);
        expect(await chunksOfRun(t.engine, run.id)).toBe(0);
      });

      it('leaves other JSON routes strict: bad JSON still gets 400 invalid_body', async () => {
        const res = await t.api('POST', '/api/v1/runs', '{"integrationId": ', {
          'content-type': 'application/json',
        });
        expect(res.statusCode).toBe(400);
        expect(res.json().error.code).toBe('invalid_body');
        const xml = await t.api('POST', '/api/v1/runs', '<run/>', { 'content-type': 'application/xml' });
        expect(xml.statusCode).toBe(415);
      });
    });

    it('documents the artifact routes in the OpenAPI document', async () => {
      const doc = (await t.api('GET', '/api/v1/openapi.json')).json();
      expect(Object.keys(doc.paths['/api/v1/runs/{id}/artifacts'])).toEqual(
        expect.arrayContaining(['get', 'post']),
      );
      expect(doc.paths['/api/v1/runs/{id}/artifacts/{artifactId}'].get).toBeDefined();
    });

    describe('GET /api/v1/runs/:id/artifacts/:artifactId', () => {
      it('answers 404 artifact_not_found for an unknown artifact or one of another run', async () => {
        const run = await startRun();
        const other = await startRun();
        const artifact = (await upload(other.id, 'name=site.xml&kind=SITE_SETTINGS', '<site/>')).json();
        for (const url of [
          `/api/v1/runs/${run.id}/artifacts/${artifact.id}`,
          `/api/v1/runs/${run.id}/artifacts/01890000-0000-7000-8000-000000000000`,
          `/api/v1/runs/${run.id}/artifacts/nope`,
        ]) {
          const res = await t.api('GET', url);
          expect(res.statusCode, url).toBe(404);
          expect(res.json().error.code).toBe('artifact_not_found');
        }
        const unknownRun = await t.api('GET', `/api/v1/runs/01890000-0000-7000-8000-000000000000/artifacts`);
        expect(unknownRun.json().error.code).toBe('run_not_found');
      });

      it('names the download safely and answers HEAD without the content', async () => {
        const run = await startRun();
        const name = 'Protokoll ü "x".txt';
        const artifact = (await upload(run.id, `name=${encodeURIComponent(name)}`, 'hello')).json();
        expect(artifact.name).toBe(name);
        const url = `/api/v1/runs/${run.id}/artifacts/${artifact.id}`;
        const res = await t.api('GET', url);
        expect(res.headers['content-disposition']).toBe(
          `attachment; filename="Protokoll _ _x_.txt"; filename*=UTF-8''Protokoll%20%C3%BC%20%22x%22.txt`,
        );
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        const head = await t.api('HEAD', url);
        expect(head.statusCode).toBe(200);
        expect(head.headers['content-length']).toBe('5');
        expect(head.rawPayload.length).toBe(0);
      });
    });
  });

  describe(`artifact size limit [${kind}]`, () => {
    let t: TestContext;
    let runId: string;
    beforeAll(async () => {
      t = await startTestApp(kind, { artifactMaxBytes: 1024 });
      const basics = await seedBasics(t.api);
      runId = (await t.api('POST', '/api/v1/runs', { integrationId: basics.integration.id })).json().id;
    });
    afterAll(() => t?.close());

    it('answers 413 for a file over the limit and keeps nothing of it', async () => {
      const announced = await t.api(
        'POST',
        `/api/v1/runs/${runId}/artifacts?name=big.xml`,
        randomBytes(2048),
      );
      expect(announced.statusCode).toBe(413);
      expect(announced.json().error).toMatchObject({
        code: 'payload_too_large',
        details: { limitBytes: 1024 },
      });
      expect(announced.json().error.message).toContain('1,024 bytes');

      // Without a Content-Length the bytes are counted as they arrive.
      const streamed = await uploadStream(t, `/api/v1/runs/${runId}/artifacts?name=big.txt`, [
        randomBytes(600),
        randomBytes(600),
      ]);
      expect(streamed.statusCode, streamed.body).toBe(413);
      expect(streamed.json().error.code).toBe('payload_too_large');

      expect((await t.api('GET', `/api/v1/runs/${runId}/artifacts`)).json().items).toEqual([]);
      expect(await countRows(t.engine, 'artifacts')).toBe(0);
      expect(await countRows(t.engine, 'artifact_chunks')).toBe(0);
    });

    it('accepts a file of exactly the limit, streamed', async () => {
      const content = randomBytes(1024);
      const res = await uploadStream(t, `/api/v1/runs/${runId}/artifacts?name=fits.bin`, [
        content.subarray(0, 500),
        content.subarray(500),
      ]);
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ sizeBytes: 1024, sha256: sha256(content) });
    });
  });
}
