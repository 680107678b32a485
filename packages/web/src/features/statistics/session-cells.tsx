import type { SessionListItem } from '@synctrail/types';
import { Link } from '@tanstack/react-router';
import { Download, Info } from 'lucide-react';
import { Tooltip } from 'radix-ui';
import { apiUrl } from '@/api/client';
import { CopyButton } from '@/components/copy-button';
import { Button } from '@/components/ui/button';
import { StatusBadge } from '@/features/runs/run-badges';
import { canControl, useSession } from '@/features/session/session.queries';
import { formatCount, timeZoneName } from '@/lib/format';
import { integrationTypeLabel, progressLabel } from '@/lib/labels';
import { durationOf, objectReportSummary, objectReportText, runPeriod } from './session-text';

const plural = (n: number, word: string) => `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;

/** The session's date and time period, linking to its Logging details. */
export function RunCell({ run }: { run: SessionListItem }) {
  const { date, period } = runPeriod(run);
  return (
    <Link
      to="/runs/$runId"
      params={{ runId: run.id }}
      className="leading-tight hover:underline"
      title={`Times in ${timeZoneName()}: open the session's Logging details`}
      onClick={(event) => event.stopPropagation()}
    >
      <span className="block font-medium tabular-nums">{date}</span>
      <span className="block text-xs tabular-nums whitespace-nowrap">{period}</span>
    </Link>
  );
}

/** The status badge; hovering or focusing it shows the session's details, clicking opens them all. */
export function StatusCell({ run, onOpen }: { run: SessionListItem; onOpen: () => void }) {
  const firstLine = run.exception?.split('\n')[0];
  return (
    <Tooltip.Root>
      <Tooltip.Trigger asChild>
        <button
          type="button"
          className="cursor-pointer rounded"
          aria-label={`${run.status}: show the job details`}
          onClick={(event) => {
            event.stopPropagation();
            onOpen();
          }}
        >
          <StatusBadge status={run.status} />
        </button>
      </Tooltip.Trigger>
      <Tooltip.Portal>
        <Tooltip.Content
          side="right"
          sideOffset={6}
          className="z-50 max-w-sm rounded-md border border-border bg-background p-3 text-xs text-foreground shadow-lg"
        >
          <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
            <dt className="text-muted-foreground">Progress</dt>
            <dd>{progressLabel(run.progress)}</dd>
            <dt className="text-muted-foreground">Integration</dt>
            <dd>{integrationTypeLabel(run.integrationType)}</dd>
            <dt className="text-muted-foreground">Trigger</dt>
            <dd>
              <code>{run.trigger}</code>
            </dd>
            <dt className="text-muted-foreground">Duration</dt>
            <dd>{durationOf(run)}</dd>
            <dt className="text-muted-foreground">Actions</dt>
            <dd>
              {formatCount(run.counters.processed)} processed, {plural(run.counters.warnings, 'warning')},{' '}
              {plural(run.counters.errors, 'error')}
            </dd>
            {firstLine !== undefined && (
              <>
                <dt className="text-muted-foreground">Exception</dt>
                <dd className="line-clamp-3 break-words">{firstLine}</dd>
              </>
            )}
          </dl>
          <Tooltip.Arrow className="fill-border" />
        </Tooltip.Content>
      </Tooltip.Portal>
    </Tooltip.Root>
  );
}

/** Objects ⏍: the per-object-type report in a line, with a button that copies it as a table. */
export function ObjectReportCell({ report }: { report: Record<string, unknown> | null }) {
  if (report === null || Object.keys(report).length === 0)
    return <span className="text-muted-foreground">—</span>;
  const summary = objectReportSummary(report);
  return (
    <span className="flex items-start gap-1">
      <span className="line-clamp-2 min-w-0 flex-1 text-xs" title={summary}>
        {summary}
      </span>
      <CopyButton compact text={objectReportText(report)} label="Copy object report" />
    </span>
  );
}

/** Exception ⏍: its first lines, the whole of it on hover, and a button that copies it. */
export function ExceptionCell({ exception }: { exception: string | null }) {
  if (exception === null) return <span className="text-muted-foreground">—</span>;
  return (
    <span className="flex items-start gap-1">
      <span className="line-clamp-2 min-w-0 flex-1 font-mono text-xs break-all" title={exception}>
        {exception}
      </span>
      <CopyButton compact text={exception} label="Copy exception" />
    </span>
  );
}

/** The Actions column: i opens the job details, the download icon fetches the session's logs. */
export function SessionActions({ run, onOpen }: { run: SessionListItem; onOpen: () => void }) {
  const session = useSession();
  return (
    <span className="flex items-center gap-0.5">
      <Button
        variant="ghost"
        size="icon"
        className="size-7"
        aria-label="Job details"
        title="Job details"
        onClick={(event) => {
          event.stopPropagation();
          onOpen();
        }}
      >
        <Info aria-hidden />
      </Button>
      {canControl(session, run.organizationId) && (
        <Button variant="ghost" size="icon" className="size-7" asChild>
          <a
            href={apiUrl(`/runs/${run.id}/bundle`)}
            download
            aria-label="Download logs"
            title="Download logs (.zip)"
            onClick={(event) => event.stopPropagation()}
          >
            <Download aria-hidden />
          </a>
        </Button>
      )}
    </span>
  );
}
