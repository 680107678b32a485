import type { Run } from '@synctrail/types';
import { formatAbsolute, formatDuration } from '../../lib/format';
import { codeLabel } from '../../lib/labels';

/**
 * The per-object-type report as it is copied to the clipboard: a tab-separated table (it pastes
 * into a spreadsheet as cells) when every entry is a set of numbers, pretty JSON otherwise.
 */
export function objectReportText(report: Record<string, unknown>): string {
  const rows = Object.entries(report);
  const numeric =
    rows.length > 0 &&
    rows.every(
      ([, v]) => typeof v === 'object' && v !== null && Object.values(v).every((n) => typeof n === 'number'),
    );
  if (!numeric) return JSON.stringify(report, null, 2);
  const keys = [...new Set(rows.flatMap(([, v]) => Object.keys(v as object)))];
  const lines = rows.map(([type, v]) =>
    [type, ...keys.map((k) => String((v as Record<string, number>)[k] ?? ''))].join('\t'),
  );
  return [['Object type', ...keys].join('\t'), ...lines].join('\n');
}

/** A short line for the report's cell: `Contact 42 · E-Mail 17 · Task 3`. */
export function objectReportSummary(report: Record<string, unknown>): string {
  return Object.entries(report)
    .map(([type, v]) => {
      const objects =
        typeof v === 'object' && v !== null ? (v as Record<string, unknown>).objects : undefined;
      return typeof objects === 'number' ? `${type} ${objects}` : type;
    })
    .join(' · ');
}

/** The date and time period of a session: `2026-05-01`, `05:00:12 – 05:02:40`. */
export function runPeriod(run: Pick<Run, 'requestedAt' | 'startedAt' | 'finishedAt' | 'progress'>): {
  date: string;
  period: string;
} {
  const start = formatAbsolute(run.startedAt ?? run.requestedAt);
  const [date = '', from = ''] = start.split(' ');
  if (run.finishedAt === null) {
    const state = run.startedAt === null ? 'waiting' : 'running';
    return { date, period: `${from} – ${run.progress === 'ABORTED' ? 'aborted' : state}` };
  }
  const [endDate = '', to = ''] = formatAbsolute(run.finishedAt).split(' ');
  return { date, period: `${from} – ${to}${endDate !== date ? ` (${endDate})` : ''}` };
}

/** Error Source as the document names it: Unknown, the external system, or Connector. */
export function errorSourceLabel(run: Pick<Run, 'errorSource' | 'status'>): string {
  if (run.errorSource !== null) return codeLabel(run.errorSource);
  return run.status === 'ERROR' ? 'Unknown' : '—';
}

/** A category given as a code (`OBJECT_LOCKED`) reads as words; free text stays as it is. */
export function errorCategoryLabel(category: string | null): string {
  if (category === null) return '—';
  return /^[A-Z0-9_]+$/.test(category) ? codeLabel(category) : category;
}

/** Every change the session attempted: creates, updates and deletes, failed ones included. */
export function totalChanges(counters: Run['counters']): number {
  return counters.creates + counters.updates + counters.deletes;
}

export function durationOf(run: Pick<Run, 'durationMs'>): string {
  return formatDuration(run.durationMs);
}
