import { describe, expect, it } from 'vitest';
import { auditHash, GENESIS_HASH } from './audit-hash.js';
import { ChainVerifier, type ChainRow } from './audit-chain.js';

/** A valid chain of `n` events, as the audit service would append them. */
function chain(n: number): ChainRow[] {
  const rows: ChainRow[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const fields = {
      seq,
      id: `id-${seq}`,
      at: new Date(Date.UTC(2025, 0, 1, 0, 0, seq)).toISOString(),
      actor: 'account:a',
      organizationId: null,
      action: 'run.trigger',
      target: `run:${seq}`,
      sourceIp: '127.0.0.1',
      details: { n: seq },
      prevHash,
    };
    const row = { ...fields, hash: auditHash(fields) };
    rows.push(row);
    prevHash = row.hash;
  }
  return rows;
}

function rehash(row: ChainRow): ChainRow {
  return { ...row, hash: auditHash(row) };
}

function headOf(rows: ChainRow[]) {
  const last = rows[rows.length - 1];
  return { seq: last?.seq ?? 0, hash: last?.hash ?? GENESIS_HASH };
}

function verify(rows: ChainRow[], head: { seq: number; hash: string }) {
  const verifier = new ChainVerifier(head);
  for (const row of rows) {
    const problem = verifier.push(row);
    if (problem) return problem;
  }
  return verifier.finish();
}

describe('ChainVerifier', () => {
  it('accepts an intact chain, and an empty one', () => {
    const rows = chain(10);
    expect(verify(rows, headOf(rows))).toEqual({ count: 10 });
    expect(verify([], { seq: 0, hash: GENESIS_HASH })).toEqual({ count: 0 });
  });

  it('reports an edited row at its seq', () => {
    const rows = chain(10);
    const tampered = rows.map((r) => (r.seq === 4 ? { ...r, target: 'run:forged' } : r));
    expect(verify(tampered, headOf(rows))).toMatchObject({ seq: 4, problem: 'edited' });
  });

  it('reports an edited prev_hash as an edit of that row', () => {
    const rows = chain(10);
    const tampered = rows.map((r) => (r.seq === 6 ? { ...r, prevHash: 'a'.repeat(64) } : r));
    expect(verify(tampered, headOf(rows))).toMatchObject({ seq: 6, problem: 'edited' });
  });

  it('reports a row rewritten with a recomputed hash, through its successor', () => {
    const rows = chain(10);
    const tampered = rows.map((r) => (r.seq === 3 ? rehash({ ...r, actor: 'account:someone-else' }) : r));
    expect(verify(tampered, headOf(rows))).toMatchObject({ seq: 3, problem: 'edited' });
  });

  it('reports a rewritten last row through the head', () => {
    const rows = chain(5);
    const tampered = rows.map((r) => (r.seq === 5 ? rehash({ ...r, target: 'run:other' }) : r));
    expect(verify(tampered, headOf(rows))).toMatchObject({ seq: 5, problem: 'edited' });
  });

  it('reports a deleted row as the gap it leaves', () => {
    const rows = chain(10);
    expect(
      verify(
        rows.filter((r) => r.seq !== 7),
        headOf(rows),
      ),
    ).toMatchObject({ seq: 7, problem: 'deleted' });
    expect(
      verify(
        rows.filter((r) => r.seq !== 1),
        headOf(rows),
      ),
    ).toMatchObject({ seq: 1, problem: 'deleted' });
    const several = verify(
      rows.filter((r) => r.seq < 3 || r.seq > 5),
      headOf(rows),
    );
    expect(several).toMatchObject({
      seq: 3,
      problem: 'deleted',
      message: expect.stringContaining('events 3–5'),
    });
  });

  it('reports deleted last rows through the head', () => {
    const rows = chain(10);
    expect(verify(rows.slice(0, 8), headOf(rows))).toMatchObject({ seq: 9, problem: 'deleted' });
  });

  it('reports a deletion whose gap was closed by renumbering', () => {
    const rows = chain(10);
    const renumbered = rows.filter((r) => r.seq !== 4).map((r) => (r.seq > 4 ? { ...r, seq: r.seq - 1 } : r));
    expect(verify(renumbered, headOf(rows))).toMatchObject({ seq: 4, problem: 'deleted' });
  });

  it('reports a forged row inserted in the middle (the rest renumbered), even with a valid hash', () => {
    const rows = chain(10);
    const forged = rehash({
      ...rows[4]!,
      id: 'forged',
      target: 'run:forged',
      prevHash: rows[4]!.hash,
      seq: 6,
    });
    const tampered = [...rows.slice(0, 5), forged, ...rows.slice(5).map((r) => ({ ...r, seq: r.seq + 1 }))];
    expect(
      verify(
        tampered.filter((r) => r.seq <= 10),
        headOf(rows),
      ),
    ).toMatchObject({ seq: 6, problem: 'inserted' });
    const madeUp = { ...forged, hash: 'b'.repeat(64) };
    expect(
      verify(
        tampered.map((r) => (r.seq === 6 ? madeUp : r)).filter((r) => r.seq <= 10),
        headOf(rows),
      ),
    ).toMatchObject({
      seq: 6,
      problem: 'inserted',
    });
  });

  it('reports a row appended past the head as inserted', () => {
    const rows = chain(5);
    const head = headOf(rows);
    const extra = rehash({ ...rows[4]!, seq: 6, id: 'forged', prevHash: rows[4]!.hash });
    expect(verify([...rows, extra], head)).toMatchObject({ seq: 6, problem: 'inserted' });
    expect(verify([...rows, { ...extra, hash: 'c'.repeat(64) }], head)).toMatchObject({
      seq: 6,
      problem: 'inserted',
    });
  });
});
