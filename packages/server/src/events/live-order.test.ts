import { describe, expect, it } from 'vitest';
import type { LiveEventRow } from './live-event.repository.js';
import { acceptInOrder } from './live-order.js';

const rows = (...seqs: number[]): LiveEventRow[] =>
  seqs.map((seq) => ({ seq, organizationId: 'o', kind: 'run', runId: 'r', count: 0, latestAt: null }));
const seqs = (r: { accepted: LiveEventRow[] }) => r.accepted.map((row) => row.seq);

describe('acceptInOrder', () => {
  it('delivers consecutive rows and moves the watermark to the last', () => {
    const holes = new Map<number, number>();
    const result = acceptInOrder(4, rows(5, 6, 7), holes, 0, 1000);
    expect(seqs(result)).toEqual([5, 6, 7]);
    expect(result.watermark).toBe(7);
    expect(holes.size).toBe(0);
  });

  it('holds what follows a gap until it fills', () => {
    const holes = new Map<number, number>();
    const first = acceptInOrder(4, rows(5, 7, 8), holes, 0, 1000);
    expect(seqs(first)).toEqual([5]);
    expect(first.watermark).toBe(5);
    expect([...holes.keys()]).toEqual([6]);
    // The transaction holding 6 commits: everything flows, and the hole is forgotten.
    const second = acceptInOrder(5, rows(6, 7, 8), holes, 500, 1000);
    expect(seqs(second)).toEqual([6, 7, 8]);
    expect(holes.size).toBe(0);
  });

  it('gives a gap up after the timeout (a rolled-back transaction)', () => {
    const holes = new Map<number, number>();
    expect(seqs(acceptInOrder(4, rows(7), holes, 0, 1000))).toEqual([]);
    expect(seqs(acceptInOrder(4, rows(7), holes, 999, 1000))).toEqual([]);
    const late = acceptInOrder(4, rows(7, 8), holes, 1000, 1000);
    expect(seqs(late)).toEqual([7, 8]);
    expect(late.watermark).toBe(8);
    expect(holes.size).toBe(0);
  });

  it('skips rows at or below the watermark', () => {
    expect(seqs(acceptInOrder(6, rows(5, 6, 7), new Map(), 0, 1000))).toEqual([7]);
  });
});
