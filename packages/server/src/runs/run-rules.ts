import {
  FINAL_PROGRESS,
  SYNC_STATUS,
  type ActionInput,
  type RunProgress,
  type SyncStatus,
} from '@synctrail/types';
import type { BatchTally } from './run.repository.js';

/** Progress moves a run may make. FINISHED and ABORTED are final. */
const TRANSITIONS: Record<RunProgress, readonly RunProgress[]> = {
  PENDING: ['RUNNING', 'ABORTED'],
  RUNNING: ['ABORTION_PENDING', 'FINISHED', 'ABORTED'],
  ABORTION_PENDING: ['ABORTED', 'FINISHED'],
  FINISHED: [],
  ABORTED: [],
};

export function isFinal(progress: RunProgress): boolean {
  return FINAL_PROGRESS.includes(progress);
}

export function canMove(from: RunProgress, to: RunProgress): boolean {
  return from === to || TRANSITIONS[from].includes(to);
}

export function allowedMoves(from: RunProgress): readonly RunProgress[] {
  return TRANSITIONS[from];
}

/** The most severe of two statuses: ERROR > WARNING > INFO > OK. */
export function worst(a: SyncStatus, b: SyncStatus): SyncStatus {
  return SYNC_STATUS.indexOf(a) >= SYNC_STATUS.indexOf(b) ? a : b;
}

/** Counters and status a batch of actions contributes to its run. */
export function tally(
  actions: readonly Pick<ActionInput, 'action' | 'status'>[],
): Omit<BatchTally, 'issues'> {
  const t = {
    processed: 0,
    creates: 0,
    updates: 0,
    deletes: 0,
    warnings: 0,
    errors: 0,
    status: 'OK' as SyncStatus,
  };
  for (const a of actions) {
    t.processed++;
    if (a.action === 'CREATE') t.creates++;
    else if (a.action === 'UPDATE') t.updates++;
    else if (a.action === 'DELETE') t.deletes++;
    if (a.status === 'WARNING') t.warnings++;
    else if (a.status === 'ERROR') t.errors++;
    t.status = worst(t.status, a.status);
  }
  return t;
}
