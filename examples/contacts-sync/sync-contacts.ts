import type { ActionDraft, RunHandle } from '@synctrail/sdk';
import { CrmError, type CrmClient, type CrmContact } from './crm-client.js';
import type { RunLog } from './run-log.js';
import { diff, displayName, type TargetContact, type TargetStore } from './target-store.js';

export const SOURCE_SYSTEM = 'CRM';
export const TARGET_SYSTEM = 'SQLITE';

/** What a run did, contact by contact; filled in as it goes, so it is meaningful after a stop too. */
export interface SyncOutcome {
  /** Contacts in the CRM's list. */
  listed: number;
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  /** Contacts changed on both sides since the last sync. */
  conflicts: number;
  /** Contacts that could not be synced (an ERROR action each). */
  failed: number;
}

export function emptyOutcome(): SyncOutcome {
  return { listed: 0, created: 0, updated: 0, deleted: 0, unchanged: 0, conflicts: 0, failed: 0 };
}

/** What to do with a CRM contact that the target already has a row for. */
export type Plan =
  | { kind: 'update' }
  /** The CRM has not changed it since the last sync (local edits, if any, stay). */
  | { kind: 'unchanged' }
  /** The CRM's version is newer but holds the same values: only remember having seen it. */
  | { kind: 'seen' }
  /** Changed on both sides, the target more recently: the target's version is kept. */
  | { kind: 'keep-target' }
  /** Changed on both sides, the CRM more recently: the CRM's version overwrites the local edit. */
  | { kind: 'overwrite-target' };

const later = (a: string | null, b: string | null) =>
  a !== null && (b === null || Date.parse(a) > Date.parse(b));

/**
 * Three-way decision: did the CRM change since the last sync (its `updatedAt` against the version
 * last written), did the target (its `updated_at` against `synced_at`), and which one is newer.
 */
export function plan(row: TargetContact, contact: CrmContact): Plan {
  const crmChanged = later(contact.updatedAt, row.crmUpdatedAt);
  if (!crmChanged) return { kind: 'unchanged' };
  if (Object.keys(diff(row, contact)).length === 0) return { kind: 'seen' };
  const targetChanged = later(row.updatedAt, row.syncedAt);
  if (!targetChanged) return { kind: 'update' };
  return later(row.updatedAt, contact.updatedAt) ? { kind: 'keep-target' } : { kind: 'overwrite-target' };
}

export interface SyncContext {
  crm: CrmClient;
  store: TargetStore;
  log: RunLog;
  pageSize: number;
  /** Aborts when the run is cancelled or the connector is stopping. */
  signal: AbortSignal;
}

/**
 * Mirrors the CRM's contacts into the target: creates, updates and deletes rows, reports each as an
 * action of the run, and leaves conflicting local edits alone (WARNING). A contact the CRM cannot
 * serve is an ERROR action (and an issue of the run's sync user); a CRM that cannot be used at all,
 * or a target that cannot be written, ends the sync by throwing.
 */
export async function syncContacts(run: RunHandle, ctx: SyncContext, outcome: SyncOutcome): Promise<void> {
  const { crm, store, log, signal } = ctx;
  const ids = await crm.listContactIds(ctx.pageSize, signal);
  outcome.listed = ids.length;
  const rows = store.syncedContacts();
  log.info(`${ids.length} contact(s) in the CRM, ${rows.size} synced contact(s) in the target`);

  for (const id of ids) {
    signal.throwIfAborted();
    const row = rows.get(id);
    rows.delete(id);
    let contact: CrmContact;
    try {
      contact = await crm.getContact(id, signal);
    } catch (error) {
      if (signal.aborted || !(error instanceof CrmError) || error.fatal) throw error;
      outcome.failed++;
      log.error(`contact ${id}: ${error.message}`);
      await run.action({
        source: { system: SOURCE_SYSTEM, id, name: null },
        target: {
          system: TARGET_SYSTEM,
          id: row ? String(row.id) : null,
          name: row ? displayName(row) : null,
        },
        objectType: 'Contact',
        action: row ? 'UPDATE' : 'CREATE',
        status: 'ERROR',
        message: error.message,
        // 2: the object is gone; 3: it cannot be read.
        errorCode: error.category === 'NotFound' ? 2 : 3,
        details: { httpStatus: error.status, category: error.category },
      });
      continue;
    }
    await apply(run, ctx, outcome, row, contact);
  }

  // What is left had been synced from the CRM and is no longer there.
  for (const row of rows.values()) {
    signal.throwIfAborted();
    const draft = {
      source: { system: SOURCE_SYSTEM, id: row.crmId, name: null },
      target: { system: TARGET_SYSTEM, id: String(row.id), name: displayName(row) },
      objectType: 'Contact',
    };
    if (later(row.updatedAt, row.syncedAt)) {
      outcome.conflicts++;
      log.warn(`contact ${row.crmId}: deleted in the CRM but edited in the target since the last sync; kept`);
      await run.action({
        ...draft,
        action: 'NONE',
        status: 'WARNING',
        message: `Conflict: deleted in the CRM, but edited in the target at ${row.updatedAt} (after the last sync); the row was kept.`,
        details: { conflict: 'deleted-in-source-edited-in-target', targetUpdatedAt: row.updatedAt },
      });
      continue;
    }
    store.delete(row.id);
    outcome.deleted++;
    log.info(`contact ${row.crmId}: deleted (row ${row.id})`);
    await run.action({ ...draft, action: 'DELETE', status: 'OK', message: 'Deleted: no longer in the CRM.' });
  }
}

async function apply(
  run: RunHandle,
  ctx: SyncContext,
  outcome: SyncOutcome,
  row: TargetContact | undefined,
  contact: CrmContact,
) {
  const { store, log } = ctx;
  const now = new Date().toISOString();
  const source = { system: SOURCE_SYSTEM, id: contact.id, name: displayName(contact) };
  if (!row) {
    const rowId = store.insert(contact, now);
    outcome.created++;
    log.info(`contact ${contact.id}: created (row ${rowId})`);
    await run.action(ok(source, rowId, 'CREATE', 'Created.', { fields: contact }));
    return;
  }
  const changes = diff(row, contact);
  const target = { system: TARGET_SYSTEM, id: String(row.id), name: displayName(row) };
  switch (plan(row, contact).kind) {
    case 'unchanged':
      outcome.unchanged++;
      return;
    case 'seen':
      store.markSeen(row.id, contact.updatedAt, now);
      outcome.unchanged++;
      return;
    case 'update':
      store.update(row.id, contact, now);
      outcome.updated++;
      log.info(`contact ${contact.id}: updated ${Object.keys(changes).join(', ')}`);
      await run.action(
        ok(source, row.id, 'UPDATE', `Updated ${Object.keys(changes).join(', ')}.`, { changes }),
      );
      return;
    case 'keep-target':
      outcome.conflicts++;
      log.warn(
        `contact ${contact.id}: conflict, the target's edit (${row.updatedAt}) is newer than the CRM's (${contact.updatedAt}); kept`,
      );
      await run.action({
        source,
        target,
        objectType: 'Contact',
        action: 'NONE',
        status: 'WARNING',
        message: `Conflict: edited in the target at ${row.updatedAt}, after the CRM's change at ${contact.updatedAt}; the target's version was kept.`,
        details: {
          conflict: 'target-newer',
          crmUpdatedAt: contact.updatedAt,
          targetUpdatedAt: row.updatedAt,
          changes,
        },
      });
      return;
    case 'overwrite-target':
      store.update(row.id, contact, now);
      outcome.updated++;
      outcome.conflicts++;
      log.warn(
        `contact ${contact.id}: conflict, the CRM's change is newer; the target's edit of ${row.updatedAt} was overwritten`,
      );
      await run.action({
        source,
        target,
        objectType: 'Contact',
        action: 'UPDATE',
        status: 'WARNING',
        message: `Conflict: edited in the target at ${row.updatedAt}, but the CRM's change at ${contact.updatedAt} is newer and was applied.`,
        details: {
          conflict: 'crm-newer',
          crmUpdatedAt: contact.updatedAt,
          targetUpdatedAt: row.updatedAt,
          changes,
        },
      });
      return;
  }
}

function ok(
  source: ActionDraft['source'],
  rowId: number,
  action: 'CREATE' | 'UPDATE',
  message: string,
  details: unknown,
): ActionDraft {
  return {
    source,
    target: { system: TARGET_SYSTEM, id: String(rowId), name: source.name ?? null },
    objectType: 'Contact',
    action,
    status: 'OK',
    message,
    details,
  };
}
