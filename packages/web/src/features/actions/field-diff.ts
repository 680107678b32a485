/** A field-level change as connectors report it in an UPDATE's details: `{ changes: [{ field, from, to }] }`. */
export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The changes in an action's details when they read as a diff (`from`/`to` or `before`/`after`
 * per field, as a list or as an object keyed by field); `null` when the details are something else.
 */
export function fieldChanges(details: unknown): FieldChange[] | null {
  if (!isRecord(details)) return null;
  const changes = details.changes ?? details.diff ?? details.fields;
  if (Array.isArray(changes)) {
    const parsed = changes.map((change): FieldChange | null => {
      if (!isRecord(change) || typeof change.field !== 'string') return null;
      if ('from' in change || 'to' in change)
        return { field: change.field, before: change.from, after: change.to };
      if ('before' in change || 'after' in change)
        return { field: change.field, before: change.before, after: change.after };
      return null;
    });
    return parsed.length > 0 && parsed.every((c) => c !== null) ? (parsed as FieldChange[]) : null;
  }
  if (isRecord(changes)) {
    const entries = Object.entries(changes);
    if (entries.length === 0 || !entries.every(([, v]) => isRecord(v) && ('from' in v || 'before' in v)))
      return null;
    return entries.map(([field, v]) => {
      const change = v as Record<string, unknown>;
      return { field, before: change.from ?? change.before, after: change.to ?? change.after };
    });
  }
  return null;
}

/** A value as one line for the diff table: strings as they are, the rest as JSON, absence as —. */
export function showValue(value: unknown): string {
  if (value === undefined || value === null) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
