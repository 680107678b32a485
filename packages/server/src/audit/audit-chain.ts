import { auditHash, GENESIS_HASH, type HashedAuditFields } from './audit-hash.js';

/** A stored event as the verifier sees it. */
export interface ChainRow extends HashedAuditFields {
  hash: string;
}

/** The last position and hash the audit service wrote (the `audit_head` row). */
export interface ChainHead {
  seq: number;
  hash: string;
}

export interface ChainProblem<R extends ChainRow = ChainRow> {
  seq: number;
  problem: 'edited' | 'inserted' | 'deleted';
  message: string;
  /** The offending row, when there is one (a deleted position has none). */
  row: R | null;
}

/** How far back a renumbered row is searched for (events deleted and the rest renumbered). */
const MAX_SHIFT = 16;

/**
 * Walks the events in `seq` order and names the first one that breaks the chain. Rows are pushed one
 * at a time (constant memory); each is judged once its successor is known, because an inserted row
 * is recognised by its successor still linking to its predecessor.
 *
 * Appends are gapless (seq 1, 2, 3…), each event hashes its own `seq` and its predecessor's hash, and
 * the head records the last seq and hash. So: a gap is a deletion; a row whose successor links past
 * it is an insertion; a row whose content does not match its hash, or whose hash a successor does not
 * link to, was edited; a tail shorter than the head was deleted, a row beyond it was inserted.
 */
export class ChainVerifier<R extends ChainRow = ChainRow> {
  #prev: { seq: number; hash: string; row: R | null } = { seq: 0, hash: GENESIS_HASH, row: null };
  #pending: R | undefined;

  constructor(private readonly head: ChainHead) {}

  /** Feeds the next row (ascending `seq`, none beyond the head); returns the first problem, if any. */
  push(row: R): ChainProblem<R> | undefined {
    const pending = this.#pending;
    this.#pending = row;
    return pending ? this.#judge(pending, row) : undefined;
  }

  /** After the last row: the problem, or the number of events verified. */
  finish(): ChainProblem<R> | { count: number } {
    if (this.#pending) {
      const problem = this.#judge(this.#pending, undefined);
      this.#pending = undefined;
      if (problem) return problem;
    }
    const prev = this.#prev;
    if (prev.seq < this.head.seq) {
      return {
        seq: prev.seq + 1,
        problem: 'deleted',
        message: `${describeRange(prev.seq + 1, this.head.seq)} at the end of the log ${this.head.seq - prev.seq === 1 ? 'is' : 'are'} missing (the head records ${this.head.seq} events).`,
        row: null,
      };
    }
    if (prev.hash !== this.head.hash) {
      return {
        seq: prev.seq,
        problem: 'edited',
        message: `event ${prev.seq} is not the one the head recorded: it was rewritten (its hash recomputed).`,
        row: prev.row,
      };
    }
    return { count: prev.seq };
  }

  #judge(row: R, next: R | undefined): ChainProblem<R> | undefined {
    const prev = this.#prev;
    if (row.seq > this.head.seq) {
      return {
        seq: row.seq,
        problem: 'inserted',
        message: `event ${row.seq} lies beyond the last event the audit service wrote (${this.head.seq}): it was added directly in the database.`,
        row,
      };
    }
    if (row.seq > prev.seq + 1) {
      return {
        seq: prev.seq + 1,
        problem: 'deleted',
        message: `${describeRange(prev.seq + 1, row.seq - 1)} ${row.seq - prev.seq === 2 ? 'is' : 'are'} missing: the log jumps from ${prev.seq || 'its start'} to ${row.seq}.`,
        row: null,
      };
    }
    if (next !== undefined && next.prevHash === prev.hash && row.hash !== prev.hash) {
      return {
        seq: row.seq,
        problem: 'inserted',
        message: `event ${row.seq} does not belong to the chain: the event after it links directly to ${prev.seq ? `event ${prev.seq}` : 'the start'}.`,
        row,
      };
    }
    const intact = auditHash(row) === row.hash;
    if (row.prevHash !== prev.hash) {
      if (intact && prev.seq > 0) {
        return {
          seq: prev.seq,
          problem: 'edited',
          message: `event ${prev.seq} was rewritten (its hash recomputed): event ${row.seq} links to a different version of it.`,
          row: prev.row,
        };
      }
      const shift = intact ? 0 : renumberedBy(row);
      if (shift > 0) {
        return {
          seq: row.seq,
          problem: 'deleted',
          message: `${shift === 1 ? 'an event' : `${shift} events`} before event ${row.seq} ${shift === 1 ? 'was' : 'were'} deleted and the rest renumbered (it was event ${row.seq + shift}).`,
          row: null,
        };
      }
      return {
        seq: row.seq,
        problem: 'edited',
        message: `event ${row.seq} was changed: it no longer links to ${prev.seq ? `event ${prev.seq}` : 'the start of the log'}.`,
        row,
      };
    }
    if (!intact) {
      return {
        seq: row.seq,
        problem: 'edited',
        message: `event ${row.seq} was changed: its content no longer matches its hash.`,
        row,
      };
    }
    this.#prev = { seq: row.seq, hash: row.hash, row };
    return undefined;
  }
}

/** By how many positions a row was moved down, if its hash matches a higher seq; 0 otherwise. */
function renumberedBy(row: ChainRow): number {
  for (let shift = 1; shift <= MAX_SHIFT; shift++) {
    if (auditHash({ ...row, seq: row.seq + shift }) === row.hash) return shift;
  }
  return 0;
}

function describeRange(from: number, to: number): string {
  return from === to ? `event ${from}` : `events ${from}–${to}`;
}
