import Database from 'better-sqlite3';
import type { CrmContact } from './crm-client.js';

/** The contact fields the sync copies from the CRM. */
export const SYNCED_FIELDS = ['firstName', 'lastName', 'email', 'phone', 'company'] as const;
export type SyncedField = (typeof SYNCED_FIELDS)[number];

/** A row of the target's `contacts` table. */
export interface TargetContact {
  id: number;
  /** The CRM contact it mirrors; null for a contact created in the target only (never synced). */
  crmId: string | null;
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
  company: string | null;
  /** The CRM's `updatedAt` of the version last written here. */
  crmUpdatedAt: string | null;
  /** When the row last changed, whoever changed it (the sync or a person). */
  updatedAt: string;
  /** When the sync last wrote the row: `updatedAt` later than this means a local edit since. */
  syncedAt: string | null;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS contacts (
    id             INTEGER PRIMARY KEY,
    crm_id         TEXT UNIQUE,
    first_name     TEXT NOT NULL,
    last_name      TEXT NOT NULL,
    email          TEXT,
    phone          TEXT,
    company        TEXT,
    crm_updated_at TEXT,
    updated_at     TEXT NOT NULL,
    synced_at      TEXT
  )`;

const COLUMNS = `id, crm_id AS crmId, first_name AS firstName, last_name AS lastName, email, phone, company,
  crm_updated_at AS crmUpdatedAt, updated_at AS updatedAt, synced_at AS syncedAt`;

/**
 * The target of the sync: a SQLite file with one `contacts` table. Other programs (or people) may
 * edit it between syncs; `updated_at` later than `synced_at` is how the sync tells.
 *
 * @example
 * ```ts
 * const store = TargetStore.open('./contacts.sqlite');
 * const byCrmId = store.syncedContacts();
 * store.close();
 * ```
 */
export class TargetStore {
  private constructor(readonly db: Database.Database) {}

  /** Opens the file, creating it and the table if needed. */
  static open(file: string): TargetStore {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.exec(SCHEMA);
    return new TargetStore(db);
  }

  /** The rows that mirror a CRM contact, by CRM id. */
  syncedContacts(): Map<string, TargetContact> {
    const rows = this.db
      .prepare(`SELECT ${COLUMNS} FROM contacts WHERE crm_id IS NOT NULL`)
      .all() as TargetContact[];
    return new Map(rows.map((row) => [row.crmId as string, row]));
  }

  insert(contact: CrmContact, now: string): number {
    const result = this.db
      .prepare(
        `INSERT INTO contacts (crm_id, first_name, last_name, email, phone, company, crm_updated_at, updated_at, synced_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        contact.id,
        contact.firstName,
        contact.lastName,
        contact.email,
        contact.phone,
        contact.company,
        contact.updatedAt,
        now,
        now,
      );
    return Number(result.lastInsertRowid);
  }

  update(id: number, contact: CrmContact, now: string): void {
    this.db
      .prepare(
        `UPDATE contacts SET first_name = ?, last_name = ?, email = ?, phone = ?, company = ?,
           crm_updated_at = ?, updated_at = ?, synced_at = ?
         WHERE id = ?`,
      )
      .run(
        contact.firstName,
        contact.lastName,
        contact.email,
        contact.phone,
        contact.company,
        contact.updatedAt,
        now,
        now,
        id,
      );
  }

  /** Notes that the CRM's version was seen and matches the row, without counting it as a local edit. */
  markSeen(id: number, crmUpdatedAt: string, now: string): void {
    this.db
      .prepare(`UPDATE contacts SET crm_updated_at = ?, synced_at = ? WHERE id = ?`)
      .run(crmUpdatedAt, now, id);
  }

  delete(id: number): void {
    this.db.prepare('DELETE FROM contacts WHERE id = ?').run(id);
  }

  /** The whole database as one file, e.g. to attach to a run. */
  snapshot(): Buffer {
    return this.db.serialize();
  }

  close(): void {
    this.db.close();
  }
}

/** The synced fields that differ between the row and the CRM's contact: `{ field: { from, to } }`. */
export function diff(
  row: TargetContact,
  contact: CrmContact,
): Partial<Record<SyncedField, { from: string | null; to: string | null }>> {
  const changes: Partial<Record<SyncedField, { from: string | null; to: string | null }>> = {};
  for (const field of SYNCED_FIELDS) {
    if (row[field] !== contact[field]) changes[field] = { from: row[field], to: contact[field] };
  }
  return changes;
}

/** "Ada Lovelace" */
export function displayName(c: { firstName: string; lastName: string }): string {
  return `${c.firstName} ${c.lastName}`.trim();
}
