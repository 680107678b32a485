import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { Masker, MASK } from './masker.js';
import { ruleProblem } from './custom-rules.js';
import {
  JWT,
  ORDINARY,
  PLACEMENTS,
  SAML_RESPONSE,
  type Placement,
} from '../../../types/test/masking-corpus.js';

function apply(masker: Masker, p: Placement): string {
  switch (p.kind) {
    case 'headers':
      return JSON.stringify(masker.headers(p.input));
    case 'url':
      return masker.url(p.input);
    case 'text':
      return masker.text(p.input);
    case 'body':
      return masker.body(p.input, p.contentType);
    case 'json':
      return JSON.stringify(masker.json(p.input));
  }
}

/** Feeds `text` to a streaming masker cut at `cuts`, as latin1 like an artifact upload. */
function streamed(masker: Masker, text: string, cuts: number[]): string {
  const stream = masker.textStream();
  let out = '';
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    out += stream.push(text.slice(from, cut));
    from = cut;
  }
  return out + stream.end();
}

const textual = PLACEMENTS.filter(
  (p): p is Extract<Placement, { kind: 'text' }> | Extract<Placement, { kind: 'body' }> =>
    p.kind === 'text' || (p.kind === 'body' && /xml/.test(p.contentType)),
);

describe('Masker corpus', () => {
  it('covers at least 50 placements', () => {
    expect(PLACEMENTS.length).toBeGreaterThanOrEqual(50);
  });

  it.each(PLACEMENTS.map((p) => [p.name, p] as const))('masks %s', (_name, p) => {
    const out = apply(new Masker(p.rules ?? []), p);
    for (const secret of p.secrets) expect(out).not.toContain(secret);
    expect(out).toContain(MASK);
    for (const kept of p.keep ?? []) expect(out).toContain(kept);
  });

  it('changes nothing when masking what it already masked', () => {
    for (const p of PLACEMENTS) {
      const masker = new Masker(p.rules ?? []);
      if (p.kind === 'json') {
        const once = masker.json(p.input);
        expect(masker.json(once), p.name).toBe(once);
      } else if (p.kind !== 'headers') {
        const once = apply(masker, p);
        expect(apply(masker, { ...p, input: once }), p.name).toBe(once);
      }
    }
  });

  it('masks text the same when it arrives in pieces, wherever they are cut', () => {
    for (const p of textual) {
      const masker = new Masker(p.rules ?? []);
      const whole = masker.text(p.input);
      for (let cut = 1; cut < p.input.length; cut += 3) {
        expect(streamed(masker, p.input, [cut]), `${p.name} cut at ${cut}`).toBe(whole);
      }
      const bytes = Array.from({ length: Math.floor(p.input.length / 7) }, (_, i) => (i + 1) * 7);
      expect(streamed(masker, p.input, bytes), p.name).toBe(whole);
    }
  });

  it('leaves ordinary text, JSON, URLs, headers and XML untouched byte for byte', () => {
    const masker = Masker.baseline;
    for (const text of ORDINARY.texts) {
      expect(masker.text(text)).toBe(text);
      expect(masker.body(text, 'text/plain')).toBe(text);
      expect(streamed(masker, text, [5, 17, 40])).toBe(text);
    }
    for (const value of ORDINARY.json) {
      expect(masker.json(value)).toBe(value);
      const compact = JSON.stringify(value);
      const pretty = JSON.stringify(value, null, 2);
      expect(masker.body(compact, 'application/json')).toBe(compact);
      expect(masker.body(pretty, 'application/json')).toBe(pretty);
      expect(masker.text(pretty)).toBe(pretty);
    }
    for (const url of ORDINARY.urls) expect(masker.url(url)).toBe(url);
    for (const headers of ORDINARY.headers) expect(masker.headers(headers)).toEqual(headers);
    for (const xml of ORDINARY.xml) {
      expect(masker.body(xml, 'application/xml')).toBe(xml);
      expect(streamed(masker, xml, [9, 10, 11, 60])).toBe(xml);
    }
  });

  it('masks a copy of JSON: the input is not changed, field order and untouched siblings are kept', () => {
    const input = {
      id: 7,
      items: ['a', 'Bearer 8f3a9c2e71d04b5aa1e6c0d9f2b7e4a1', { keep: 1 }],
      auth: { user: 'ada', password: 'hunter2', realm: 'crm' },
      note: 'plain',
    };
    const before = structuredClone(input);
    const masked = Masker.baseline.json(input);
    expect(input).toEqual(before);
    expect(JSON.stringify(masked)).toBe(
      JSON.stringify({
        id: 7,
        items: ['a', 'Bearer ***', { keep: 1 }],
        auth: { user: 'ada', password: '***', realm: 'crm' },
        note: 'plain',
      }),
    );
    // What holds no secret is shared, not copied.
    expect(masked.items[2]).toBe(input.items[2]);
  });

  it('keeps the authorization scheme in text and masks header values whole', () => {
    expect(Masker.baseline.text('Authorization: Bearer abcdef123456789')).toBe('Authorization: Bearer ***');
    expect(Masker.baseline.headers({ Authorization: 'Bearer abcdef123456789' })).toEqual({
      Authorization: MASK,
    });
  });

  it('judges card numbers by Luhn and issuer, not by length alone', () => {
    const masker = Masker.baseline;
    expect(masker.text('card 4111111111111111 ok')).toBe('card *** ok');
    expect(masker.text('card 4111111111111112 ok')).toBe('card 4111111111111112 ok');
    expect(masker.text('at 1769932800000 ok')).toBe('at 1769932800000 ok');
    expect(masker.text('stamp 20260201080000123')).toBe('stamp 20260201080000123');
  });
});

describe('Masker.textTransform', () => {
  it('masks a multi-megabyte trace as it streams, including tokens cut between chunks', async () => {
    const lines: string[] = [];
    const tokens: string[] = [];
    for (let i = 0; i < 40_000; i++) {
      if (i % 4000 === 17) {
        const token = `tok${i}x${'9'.repeat(30)}Zq`;
        tokens.push(token);
        lines.push(`> Authorization: Bearer ${token}`);
      } else {
        lines.push(
          `2026-02-01T08:00:${String(i % 60).padStart(2, '0')}.000Z <-- 200 OK (12 ms) {"id":${i},"name":"Contact ${i}"}`,
        );
      }
    }
    const text = `${lines.join('\n')}\n`;
    const input = Buffer.from(text, 'latin1');
    const chunk = 65_521; // a prime: boundaries fall everywhere, inside tokens too
    const pieces = Array.from({ length: Math.ceil(input.length / chunk) }, (_, i) =>
      input.subarray(i * chunk, (i + 1) * chunk),
    );
    const masker = Masker.baseline;

    // Output comes out while input goes in: the file is never held whole.
    const stream = masker.textStream();
    const early = stream.push(pieces[0]!.toString('latin1'));
    expect(early.length).toBeGreaterThan(chunk - 200);

    const out = (await buffer(Readable.from(pieces).pipe(masker.textTransform()))).toString('latin1');
    expect(input.length).toBeGreaterThan(3_000_000);
    for (const token of tokens) expect(out).not.toContain(token);
    expect(out.split('Authorization: Bearer ***').length - 1).toBe(tokens.length);
    expect(out).toBe(masker.text(text));
  });

  it('masks a secret value longer than a line can be held, cut in many pieces', async () => {
    const blob = SAML_RESPONSE.repeat(Math.ceil(1_600_000 / SAML_RESPONSE.length));
    const text = `POST /acs\nSAMLResponse=${blob}&RelayState=%2Fhome\n{"user":"ada","client_secret":"${'s'.repeat(1_200_000)}","ok":true}\nend\n`;
    const input = Buffer.from(text, 'latin1');
    const pieces = Array.from({ length: Math.ceil(input.length / 100_000) }, (_, i) =>
      input.subarray(i * 100_000, (i + 1) * 100_000),
    );
    const out = (await buffer(Readable.from(pieces).pipe(Masker.baseline.textTransform()))).toString(
      'latin1',
    );
    expect(out).toBe(
      'POST /acs\nSAMLResponse=***&RelayState=%2Fhome\n{"user":"ada","client_secret":"***","ok":true}\nend\n',
    );
  });

  it('stays fast when every line has a stray secret-named tag that never closes', () => {
    const text = 'usage: login <password> <token> [options]\n'.repeat(60_000);
    const started = Date.now();
    expect(
      streamed(
        Masker.baseline,
        text,
        Array.from({ length: 40 }, (_, i) => (i + 1) * 65_536),
      ),
    ).toBe(text);
    expect(Masker.baseline.text(text)).toBe(text);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('keeps bytes that are not UTF-8 exactly as they were', async () => {
    const input = Buffer.concat([
      Buffer.from('Stra\xdfe M\xfcller password=geheim1 ', 'latin1'),
      Buffer.from('naïve ✓ token=abc123def\n', 'utf8'),
    ]);
    const out = await buffer(Readable.from([input]).pipe(Masker.baseline.textTransform()));
    expect(out).toEqual(
      Buffer.concat([
        Buffer.from('Stra\xdfe M\xfcller password=*** ', 'latin1'),
        Buffer.from('naïve ✓ token=***\n', 'utf8'),
      ]),
    );
  });

  it('applies non-ASCII custom patterns to UTF-8 files', async () => {
    const masker = new Masker([{ kind: 'pattern', match: 'Kundennr\\.ä[0-9]+' }]);
    const out = await buffer(
      Readable.from([Buffer.from('Kundennr.ä12345 ok\n', 'utf8')]).pipe(masker.textTransform()),
    );
    expect(out.toString('utf8')).toBe('*** ok\n');
  });
});

describe('custom rules', () => {
  it('accepts ordinary fields and patterns', () => {
    expect(ruleProblem({ kind: 'field', match: 'x-acme-*' })).toBeUndefined();
    expect(ruleProblem({ kind: 'pattern', match: 'ACME-[0-9]{6}' })).toBeUndefined();
  });

  it.each([
    ['back-references', { kind: 'pattern', match: '(a)\\1' }, /no back-references/],
    ['a lookahead', { kind: 'pattern', match: 'a(?=b)' }, /no lookahead/],
    ['a lookbehind', { kind: 'pattern', match: '(?<=a)b' }, /no lookahead or lookbehind/],
    ['an invalid regex', { kind: 'pattern', match: '([a-z' }, /cannot be used: .*missing/],
    ['an empty match', { kind: 'pattern', match: 'x?' }, /empty text/],
    ['a glob of everything', { kind: 'field', match: '*' }, /every field/],
    ['an over-long pattern', { kind: 'pattern', match: 'a'.repeat(501) }, /at most 500/],
  ] as const)('refuses %s', (_label, rule, message) => {
    expect(ruleProblem(rule)).toMatch(message);
  });

  it('runs patterns that backtrack exponentially elsewhere in linear time', () => {
    // With a backtracking engine, 44 characters took 40 s and 30,000 never finished.
    for (const match of ['(a|aa)+$', '(a+)+$', '(\\w*)*@']) {
      expect(ruleProblem({ kind: 'pattern', match })).toBeUndefined();
      const masker = new Masker([{ kind: 'pattern', match }]);
      const text = `${'a'.repeat(30_000)}!`;
      expect(masker.text(text)).toBe(text);
    }
    expect(new Masker([{ kind: 'pattern', match: '(a|aa)+$' }]).text(`x ${'a'.repeat(30_000)}`)).toBe(
      'x ***',
    );
  });

  it('keeps JavaScript syntax that RE2 shares: named groups, classes, flags-free alternations', () => {
    const masker = new Masker([{ kind: 'pattern', match: '(?<id>ACME-\\d{6})|EMP[0-9]+' }]);
    expect(masker.text('ids ACME-123456 and EMP42.')).toBe('ids *** and ***.');
  });

  it('matches field globs case-insensitively, whole names only', () => {
    const masker = new Masker([{ kind: 'field', match: 'acct?_ref' }]);
    expect(masker.json({ ACCT1_REF: 'a1', acct12_ref: 'b2', my_acct1_ref: 'c3' })).toEqual({
      ACCT1_REF: MASK,
      acct12_ref: 'b2',
      my_acct1_ref: 'c3',
    });
    expect(Masker.baseline.json({ ACCT1_REF: 'a1' })).toEqual({ ACCT1_REF: 'a1' });
  });

  it('masks a JWT wherever it is', () => {
    expect(Masker.baseline.text(`x ${JWT} y`)).toBe('x *** y');
  });
});
