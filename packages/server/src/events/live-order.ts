import type { LiveEventRow } from './live-event.repository.js';

/**
 * Which of the rows read after `watermark` may be delivered now, in order, and the new watermark.
 *
 * Sequence numbers are handed out when a transaction inserts its event, not when it commits: on
 * PostgreSQL seq 11 can be visible while 10 is still in flight. Delivering 11 and moving on would
 * lose 10 for good, so a gap holds everything after it until it fills — or, after `holeTimeoutMs`,
 * is given up as a transaction that rolled back (sequences never hand a number back). `holes`
 * remembers when each gap was first seen and is kept up to date here.
 */
export function acceptInOrder(
  watermark: number,
  rows: readonly LiveEventRow[],
  holes: Map<number, number>,
  now: number,
  holeTimeoutMs: number,
): { accepted: LiveEventRow[]; watermark: number } {
  const accepted: LiveEventRow[] = [];
  let mark = watermark;
  for (const row of rows) {
    if (row.seq <= mark) continue;
    if (row.seq !== mark + 1) {
      const gap = mark + 1;
      const seen = holes.get(gap) ?? now;
      holes.set(gap, seen);
      if (now - seen < holeTimeoutMs) break;
    }
    accepted.push(row);
    mark = row.seq;
  }
  for (const gap of holes.keys()) if (gap <= mark) holes.delete(gap);
  return { accepted, watermark: mark };
}
