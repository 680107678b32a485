import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { parse } from 'csv-parse/sync';
import { cellSelections, column, jsonField, jsonText, type CellSource } from '../src/exports/csv-cells.js';
import { cellText } from '../src/exports/export-columns.js';
import type { CsvChunk } from '../src/storage/engine.js';
import { ENGINES, startTestApp, type TestContext } from './harness.js';

/** Times a CSV cell must write as `toISOString()` does: both sides of 1970, the ends of the range. */
const EDGES = [
  '0001-01-01T00:00:00.000Z',
  '1900-02-28T23:59:59.999Z',
  '1969-12-31T23:59:59.999Z',
  '1969-12-31T23:59:59.001Z',
  '1969-12-31T00:00:00.000Z',
  '1970-01-01T00:00:00.000Z',
  '1970-01-01T00:00:00.001Z',
  '2024-02-29T12:00:00.500Z',
  '2026-12-03T10:20:30.045Z',
  '9999-12-31T23:59:59.999Z',
];

for (const kind of ENGINES) {
  describe(`CSV cells the database writes [${kind}]`, () => {
    let t: TestContext;
    beforeAll(async () => {
      t = await startTestApp(kind);
    });
    afterAll(async () => t?.close());

    /** The CSV `copyCsv` writes for one column of the given kind over `values`, record by record. */
    async function copied(
      kindOfCell: 'time' | 'code' | 'text',
      values: unknown[],
      source: CellSource = column('v', kindOfCell),
    ): Promise<string[]> {
      const cells = cellSelections(kind, { v: source }, ['v'])!;
      const cast =
        kind === 'postgres' ? { time: '::timestamptz', code: '::text', text: '::text' }[kindOfCell] : '';
      const rows = values.map(
        (value, i) =>
          sql`select ${sql.lit(i)} as i, ${value}${sql.raw(cast)} as v, ${JSON.stringify({ b: value })}${sql.raw(kind === 'postgres' ? '::jsonb' : '')} as j`,
      );
      const query = sql`select ${sql.join(cells)} from (${sql.join(rows, sql` union all `)}) as t order by i`;
      const chunks: CsvChunk[] = [];
      for await (const chunk of t.engine.copyCsv!({ compile: () => query.compile(t.engine.db) }))
        chunks.push(chunk);
      const text = Buffer.concat(chunks.map((c) => c.data)).toString('utf8');
      expect(chunks.reduce((n, c) => n + c.records, 0)).toBe(values.length);
      expect(text.endsWith('\r\n')).toBe(true);
      return text.slice(0, -2).split('\r\n');
    }

    it('writes times as ISO 8601 in UTC with milliseconds, before 1970 and at the ends of the range too', async () => {
      let seed = 7;
      const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647) * 2 - 0.5;
      const times = [
        ...EDGES,
        ...Array.from({ length: 300 }, () => new Date(Math.floor(random() * 4e12)).toISOString()),
      ];
      const values = times.map((iso) => (kind === 'postgres' ? iso : new Date(iso).getTime()));
      expect(await copied('time', values)).toEqual(times);
    });

    it('neutralises formulas as the JavaScript path does, whatever the first character, in columns and JSON fields', async () => {
      const texts: (string | null)[] = [
        null,
        '',
        'plain',
        'say "hi", then\nnew line',
        'žluťoučký',
        '😀 emoji',
      ];
      for (let code = 1; code < 128; code++)
        texts.push(`${String.fromCharCode(code)}x`, String.fromCharCode(code));
      for (const source of [column('v', 'text'), jsonText('j', 'b')]) {
        const records = (await copied('text', texts, source)).join('\r\n') + '\r\n';
        const cells = parse(records, { relax_quotes: false }) as string[][];
        expect(cells.map((record) => record[0] ?? '')).toEqual(texts.map((text) => cellText(text)));
      }
    });

    it('writes an absent value as an empty cell and an empty text as a quoted one, as PostgreSQL does', async () => {
      for (const source of [column('v', 'text'), jsonText('j', 'b')]) {
        const [absent, empty, text] = await copied('text', [null, '', 'a'], source);
        expect([absent, empty]).toEqual(['', '""']);
        expect(parse(text!)).toEqual([['a']]);
      }
      const time = kind === 'postgres' ? '2026-12-03T10:20:30.045Z' : Date.parse('2026-12-03T10:20:30.045Z');
      expect(await copied('time', [null, time])).toEqual(['', '2026-12-03T10:20:30.045Z']);
      // A field the JSON does not have; a JSON value is quoted like text.
      expect(await copied('text', ['x'], jsonField('j', 'missing'))).toEqual(['']);
      expect(parse((await copied('text', ['x'], jsonField('j', 'b')))[0]!)).toEqual([['"x"']]);
    });

    it('writes enumeration values as they are and an absent one as an empty cell', async () => {
      expect(await copied('code', ['CREATE', 'SSO_FAILED', null])).toEqual(['CREATE', 'SSO_FAILED', '']);
    });
  });
}
