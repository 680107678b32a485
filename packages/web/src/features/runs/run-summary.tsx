import type { Run } from '@synctrail/types';
import type { ReactNode } from 'react';
import { CodeView } from '@/components/code-view';
import { CopyButton } from '@/components/copy-button';
import { TimeCell } from '@/components/time-cell';
import { elapsedMs, formatCount, formatDuration } from '@/lib/format';
import { codeLabel, integrationTypeLabel } from '@/lib/labels';
import { useNow } from '@/lib/use-now';
import { ProgressBadge, StatusBadge } from './run-badges';

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-medium text-muted-foreground">{label}</dt>
      <dd className="mt-0.5 text-sm break-words">{children}</dd>
    </div>
  );
}

const COUNTERS: [keyof Run['counters'], string][] = [
  ['processed', 'Processed'],
  ['creates', 'Creates'],
  ['updates', 'Updates'],
  ['deletes', 'Deletes'],
  ['warnings', 'Warnings'],
  ['errors', 'Errors'],
  ['objects', 'Objects'],
  ['changes', 'Changes'],
  ['failures', 'Failures'],
  ['conflicts', 'Conflicts'],
  ['issues', 'Issues'],
];

/** The header of Logging details: every counter and fact of the run, live while it runs. */
export function RunSummary({ run }: { run: Run }) {
  const now = useNow(1000);
  const duration = run.finishedAt === null ? elapsedMs(run.startedAt, null, now) : run.durationMs;
  return (
    <section aria-label="Run summary" className="rounded-md border border-border">
      <dl className="grid grid-cols-2 gap-x-6 gap-y-3 p-4 md:grid-cols-4 xl:grid-cols-6">
        <Fact label="Type">{integrationTypeLabel(run.integrationType)}</Fact>
        <Fact label="Name">{run.name ?? '—'}</Fact>
        <Fact label="Trigger">
          <code className="text-xs">{run.trigger}</code>
        </Fact>
        <Fact label="Requested by">{run.requestedBy ?? '—'}</Fact>
        <Fact label="Progress">
          <ProgressBadge progress={run.progress} />
        </Fact>
        <Fact label="Status">
          <StatusBadge status={run.status} />
        </Fact>
        <Fact label="Started">
          <TimeCell iso={run.startedAt ?? run.requestedAt} />
        </Fact>
        <Fact label="Finished">
          <TimeCell iso={run.finishedAt} />
        </Fact>
        <Fact label="Duration">
          <span className="tabular-nums">{formatDuration(duration)}</span>
        </Fact>
        <Fact label="Error source">{run.errorSource === null ? '—' : codeLabel(run.errorSource)}</Fact>
        <Fact label="Error category">{run.errorCategory ?? '—'}</Fact>
        {run.cancelRequestedBy !== null && <Fact label="Cancel requested by">{run.cancelRequestedBy}</Fact>}
      </dl>
      <dl
        aria-label="Counters"
        className="grid grid-cols-3 border-t border-border bg-muted/40 sm:grid-cols-6 xl:grid-cols-11"
      >
        {COUNTERS.map(([key, label]) => (
          <div key={key} className="px-4 py-2.5">
            <dt className="text-xs text-muted-foreground">{label}</dt>
            <dd
              className={`text-lg font-semibold tabular-nums ${key === 'errors' && run.counters.errors > 0 ? 'text-red-700' : key === 'warnings' && run.counters.warnings > 0 ? 'text-amber-700' : ''}`}
            >
              {formatCount(run.counters[key])}
            </dd>
          </div>
        ))}
      </dl>
      {run.exception !== null && (
        <div className="border-t border-border p-4">
          <div className="mb-1.5 flex items-center gap-2">
            <h2 className="text-sm font-semibold">Exception</h2>
            <CopyButton text={run.exception} label="Copy exception" />
          </div>
          <pre className="max-h-48 overflow-auto rounded bg-red-50 p-3 font-mono text-xs whitespace-pre-wrap text-red-950">
            {run.exception}
          </pre>
        </div>
      )}
      {run.objectReport !== null && <ObjectReport report={run.objectReport} />}
    </section>
  );
}

/** The per-object-type report: a table when every entry is a set of numbers, JSON otherwise. */
function ObjectReport({ report }: { report: Record<string, unknown> }) {
  const rows = Object.entries(report);
  const numeric = rows.every(
    ([, v]) => typeof v === 'object' && v !== null && Object.values(v).every((n) => typeof n === 'number'),
  );
  const keys = numeric ? [...new Set(rows.flatMap(([, v]) => Object.keys(v as object)))] : [];
  return (
    <div className="border-t border-border p-4">
      <h2 className="mb-1.5 text-sm font-semibold">Objects by type</h2>
      {numeric ? (
        <table className="text-sm">
          <thead>
            <tr className="text-left text-xs text-muted-foreground">
              <th className="py-1 pr-6 font-medium">Object type</th>
              {keys.map((k) => (
                <th key={k} className="py-1 pr-6 text-right font-medium">
                  {k}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map(([type, v]) => (
              <tr key={type} className="border-t border-border/60">
                <td className="py-1 pr-6">{type}</td>
                {keys.map((k) => (
                  <td key={k} className="py-1 pr-6 text-right tabular-nums">
                    {formatCount((v as Record<string, number>)[k] ?? null)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <CodeView text={JSON.stringify(report, null, 2)} label="Object report" />
      )}
    </div>
  );
}
