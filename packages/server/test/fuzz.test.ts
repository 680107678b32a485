import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, OPERATOR_TOKEN, seedBasics, startTestApp, type TestContext } from './harness.js';

/**
 * Property-based fuzzing of every operation in the OpenAPI document: hostile path parameters,
 * queries, bodies and content types. A bounded run is part of `npm test`; `npm run fuzz` runs a
 * long one (FUZZ_RUNS, FUZZ_SEED to replay a failure: fast-check prints the seed and path).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 1500);
const SEED = process.env.FUZZ_SEED === undefined ? Date.now() % 2 ** 31 : Number(process.env.FUZZ_SEED);

type Schema = Record<string, any>;
interface Operation {
  method: string;
  path: string;
  parameters: { name: string; in: string; schema: Schema }[];
  body?: Schema;
}

/** Text a careful server must refuse or store faithfully: NUL and lone surrogates are frequent on purpose. */
const unstorableText = fc
  .tuple(
    fc.string({ maxLength: 8 }),
    fc.constantFrom('\u0000', '\ud800', '\udfff', '\udbff\u0041'),
    fc.string({ maxLength: 8 }),
  )
  .map(([a, bad, b]) => `${a}${bad}${b}`);

const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 3, arbitrary: unstorableText },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '😀',
      '',
      ' ',
      '%00',
      '../../etc/passwd',
      "' or 1=1 --",
      '${7*7}',
      '<script>alert(1)</script>',
      'Infinity',
      '-Infinity',
      'NaN',
      '0x10',
      '1e308',
      '-1',
      '9'.repeat(40),
      'null',
      'true',
      'ERROR,error,Error',
      'SSO Failed',
      '2026-13-45T99:99:99Z',
      '2026-12-01T00:00:00Z',
      '00000000-0000-4000-8000-000000000000',
    ),
  },
  { weight: 1, arbitrary: fc.nat({ max: 70_000 }).map((n) => 'a'.repeat(n)) },
);

const hostileNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 2 ** 31, 2 ** 31 - 1, 2 ** 53, -(2 ** 63), 1e308, Number.MAX_SAFE_INTEGER + 2),
);

/** A forged cursor: base64url of some JSON, or not base64 at all. */
const junkCursor = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null').toString('base64url')),
  fc
    .tuple(fc.oneof(hostileNumber, hostileString), fc.oneof(hostileNumber, hostileString))
    .map((v) => Buffer.from(JSON.stringify(v)).toString('base64url')),
  hostileString,
);

const deepText = fc.integer({ min: 60, max: 6000 }).map((d) => '['.repeat(d) + ']'.repeat(d));

/** Any JSON value, with hostile leaves. */
const hostileJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    hostileString,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

function resolve(schema: Schema | undefined, components: Record<string, Schema>): Schema | undefined {
  let s = schema;
  for (let i = 0; s && s.$ref && i < 10; i++) s = components[String(s.$ref).split('/').pop()!];
  return s;
}

/** A value shaped like the schema most of the time, with hostile mutations at every level. */
function fromSchema(
  schema: Schema | undefined,
  components: Record<string, Schema>,
  depth = 0,
): fc.Arbitrary<unknown> {
  const s = resolve(schema, components);
  if (!s || depth > 6) return hostileJson;
  const variants = s.anyOf ?? s.oneOf;
  if (variants)
    return fc.oneof(...variants.map((v: Schema) => fromSchema(v, components, depth + 1)), hostileJson);
  const typed = (() => {
    if (s.enum)
      return fc.oneof(
        fc.constantFrom(...s.enum),
        fc.constantFrom(...s.enum).map((v) => String(v).toLowerCase()),
      );
    switch (s.type) {
      case 'string':
        if (s.format === 'uuid') return fc.oneof(fc.uuid(), fc.constant(ids.any));
        if (s.format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
        return fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 40, 40) });
      case 'integer':
        return fc.integer({ min: s.minimum ?? -1000, max: Math.min(s.maximum ?? 1_000_000, 2 ** 31) });
      case 'number':
        return fc.double({ noNaN: true });
      case 'boolean':
        return fc.boolean();
      case 'array':
        return fc.array(fromSchema(s.items, components, depth + 1), { maxLength: 5 });
      case 'object': {
        const props: Record<string, Schema> = s.properties ?? {};
        const required = new Set<string>(s.required ?? []);
        const entries = Object.entries(props).map(
          ([k, v]) =>
            [
              k,
              required.has(k)
                ? fromSchema(v, components, depth + 1)
                : fc.option(fromSchema(v, components, depth + 1), { nil: undefined }),
            ] as const,
        );
        return fc
          .tuple(
            fc.record(Object.fromEntries(entries)),
            fc.option(fc.dictionary(hostileString, hostileJson, { maxKeys: 2 }), { nil: undefined }),
          )
          .map(([obj, extra]) => {
            const clean = Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
            return extra ? { ...clean, ...extra } : clean;
          });
      }
      default:
        return hostileJson;
    }
  })();
  return fc.oneof({ weight: 4, arbitrary: typed }, { weight: 1, arbitrary: hostileJson });
}

/** Real ids the fuzzer mixes in, so that requests reach handlers with something to find. */
const ids: Record<string, string> = { any: '00000000-0000-4000-8000-000000000000' };

/** encodeURIComponent, except that a lone surrogate is sent as the bytes a careless client would send. */
function encodePart(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return [...text]
      .map((c) => {
        const code = c.charCodeAt(0);
        if (c.length === 1 && code >= 0xd800 && code <= 0xdfff)
          return `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`;
        return encodeURIComponent(c);
      })
      .join('');
  }
}

const BODY_TYPES = [
  'application/json',
  'application/json; charset=utf-16',
  'application/x-ndjson',
  'text/plain',
  'application/xml',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
];

/**
 * Every operation but the event stream, whose accepted requests never end (in process, `inject` would
 * wait for ever): live-events.test.ts sends it hostile parameters over HTTP.
 */
function operations(doc: Schema): Operation[] {
  return Object.entries(doc.paths as Record<string, Record<string, Schema>>).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([, op]) => !op.responses?.['200']?.content?.['text/event-stream'])
      .map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        parameters: op.parameters ?? [],
        body: op.requestBody?.content?.['application/json']?.schema,
      })),
  );
}

/** Row counts of every table a write may touch, and a digest of the small mutable ones. */
async function fingerprint(t: TestContext): Promise<string> {
  const counted = [
    'organizations',
    'integrations',
    'sync_users',
    'runs',
    'actions',
    'issues',
    'artifacts',
    'calls',
    'masking_rules',
    'memberships',
    'api_keys',
    'accounts',
  ];
  const parts: string[] = [];
  for (const table of counted) {
    const row = await sql<{ n: string | number }>`select count(*) as n from ${sql.table(table)}`.execute(
      t.engine.db,
    );
    parts.push(`${table}=${row.rows[0]?.n}`);
  }
  for (const table of ['organizations', 'integrations', 'sync_users', 'runs', 'masking_rules']) {
    const rows = await sql`select * from ${sql.table(table)} order by id`.execute(t.engine.db);
    parts.push(createHash('sha256').update(JSON.stringify(rows.rows)).digest('hex'));
  }
  return parts.join(';');
}

for (const kind of ENGINES) {
  describe(`fuzzing every operation of the OpenAPI document [${kind}]`, () => {
    let t: TestContext;
    let ops: Operation[];
    let components: Record<string, Schema>;

    beforeAll(async () => {
      t = await startTestApp(kind, {
        rateLimitPerMinute: 10_000_000,
        addressRateLimitPerMinute: 10_000_000,
        refusedCredentialsPerMinute: 10_000_000,
        signInRateLimitPerMinute: 10_000_000,
      });
      const basics = await seedBasics(t.api);
      const run = (await t.api('POST', '/api/v1/runs', { integrationId: basics.integration.id })).json();
      Object.assign(ids, {
        organization: basics.org.id,
        integration: basics.integration.id,
        user: basics.user.id,
        run: run.id,
      });
      const doc = (await t.api('GET', '/api/v1/openapi.json')).json();
      ops = operations(doc);
      components = doc.components?.schemas ?? {};
    });
    afterAll(() => t?.close());

    it('answers NUL, lone surrogates, non-decimal and huge numbers in every parameter of every operation, one at a time', async () => {
      const failures: string[] = [];
      const probes = ['a\u0000b', '\ud800', 'Infinity', '0x10', '9'.repeat(40), '-1', ''];
      for (const op of ops) {
        const fill = (p: string) => (/organizations\/\{id\}/.test(p) ? ids.organization! : ids.run!);
        for (const param of op.parameters) {
          for (const probe of probes) {
            let path = op.path;
            let query = '';
            if (param.in === 'path') path = path.replace(`{${param.name}}`, encodePart(probe));
            else query = `?${encodePart(param.name)}=${encodePart(probe)}`;
            path = path.replace(/\{[^}]+\}/g, () => fill(op.path));
            const before = op.method === 'GET' ? '' : await fingerprint(t);
            const res = await t.app.inject({
              method: op.method as 'GET',
              url: `${path}${query}`,
              headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' },
              ...(op.method === 'GET' || op.method === 'DELETE' ? {} : { payload: '{}' }),
            });
            const label = `${op.method} ${path}${query}`;
            if (res.statusCode >= 500) failures.push(`${label}: ${res.statusCode} ${res.body.slice(0, 200)}`);
            else if (res.statusCode >= 400 && !/^[a-z_]+$/.test(JSON.parse(res.body).error?.code ?? ''))
              failures.push(`${label}: not in the wire format: ${res.body.slice(0, 200)}`);
            else if (probe.includes('\u0000') && res.statusCode < 400)
              failures.push(`${label}: NUL accepted (${res.statusCode})`);
            else if (res.statusCode >= 400 && before && (await fingerprint(t)) !== before)
              failures.push(`${label}: refused but changed stored data`);
          }
        }
      }
      expect(failures).toEqual([]);
    }, 300_000);

    it(`answers ${RUNS} hostile requests (seed ${SEED}) with no 5xx, always in the wire format, storing nothing when refused`, async () => {
      expect(ops.length).toBeGreaterThan(40);
      const request = fc.integer({ min: 0, max: ops.length - 1 }).chain((i) => {
        const op = ops[i]!;
        const pathParams = op.parameters.filter((p) => p.in === 'path');
        const queryParams = op.parameters.filter((p) => p.in === 'query');
        return fc.record({
          op: fc.constant(i),
          path: fc.tuple(
            ...pathParams.map(() =>
              fc.oneof(
                fc.constantFrom(ids.organization!, ids.integration!, ids.user!, ids.run!, ids.any!),
                fc.uuid(),
                hostileString,
              ),
            ),
          ),
          query: fc
            .subarray(queryParams, { maxLength: Math.min(2, queryParams.length) })
            .chain((chosen) =>
              fc.tuple(
                ...chosen.map((p) =>
                  fc
                    .oneof(
                      p.name === 'cursor'
                        ? junkCursor
                        : fromSchema(p.schema, components).map((v) =>
                            typeof v === 'string' ? v : (JSON.stringify(v) ?? ''),
                          ),
                      hostileString,
                    )
                    .map((v) => [p.name, v] as const),
                ),
              ),
            ),
          // An unknown parameter is refused before anything else is looked at, so it comes rarely.
          extraQuery: fc.oneof(
            { weight: 9, arbitrary: fc.constant(undefined) },
            { weight: 1, arbitrary: fc.tuple(hostileString, hostileString) },
          ),
          body:
            op.method === 'GET' || op.method === 'DELETE'
              ? fc.constant(undefined)
              : fc.oneof(
                  {
                    weight: 6,
                    arbitrary: fromSchema(op.body, components).map((v) => JSON.stringify(v) ?? 'null'),
                  },
                  { weight: 1, arbitrary: deepText },
                  { weight: 1, arbitrary: hostileString },
                ),
          contentType: fc.oneof(
            { weight: 8, arbitrary: fc.constant('application/json') },
            { weight: 2, arbitrary: fc.constantFrom(...BODY_TYPES) },
          ),
          encodePath: fc.boolean(),
        });
      });

      await fc.assert(
        fc.asyncProperty(request, async (r) => {
          const op = ops[r.op]!;
          let i = 0;
          let path = op.path.replace(/\{[^}]+\}/g, () => encodePart(String(r.path[i++] ?? '')));
          if (r.encodePath)
            path = path.replace(/\/([a-z])/, (_m, c: string) => `/%${c.charCodeAt(0).toString(16)}`);
          const pairs = [...r.query, ...(r.extraQuery ? [r.extraQuery] : [])];
          const search = pairs.map(([name, value]) => `${encodePart(name)}=${encodePart(value)}`).join('&');
          const url = `${path}${search ? `?${search}` : ''}`;
          const write = op.method !== 'GET';
          const before = write ? await fingerprint(t) : '';
          const res = await t.app.inject({
            method: op.method as 'GET',
            url,
            headers: {
              authorization: `Bearer ${OPERATOR_TOKEN}`,
              ...(r.body !== undefined ? { 'content-type': r.contentType } : {}),
            },
            ...(r.body !== undefined ? { payload: r.body } : {}),
          });
          const label = `${op.method} ${url} ${r.contentType} ${String(r.body).slice(0, 200)}`;
          expect(res.statusCode, `${label} → ${res.statusCode} ${res.body.slice(0, 300)}`).toBeLessThan(500);
          if (res.statusCode >= 400) {
            const body = JSON.parse(res.body) as { error?: { code?: unknown; message?: unknown } };
            expect(typeof body.error?.code, label).toBe('string');
            expect(body.error?.code, label).toMatch(/^[a-z][a-z_]+$/);
            expect(typeof body.error?.message, label).toBe('string');
            if (write) expect(await fingerprint(t), `${label} changed stored data`).toBe(before);
          }
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
    }, 600_000);
  });
}
