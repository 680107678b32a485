import type { SyncStatus, TimelineEntry } from '@synctrail/types';
import { Link } from '@tanstack/react-router';
import { ArrowLeftRight, CircleAlert, RefreshCw, SearchCheck, TriangleAlert } from 'lucide-react';
import type { ReactNode } from 'react';
import { Badge } from '@/components/ui/badge';
import { ErrorCode, directionLabel, operationLabel } from '@/features/issues/issue-labels';
import { ProgressBadge, StatusBadge } from '@/features/runs/run-badges';
import { canControl, useSession } from '@/features/session/session.queries';
import { cn } from '@/lib/cn';
import { formatAbsolute, formatCount, formatDuration, timeZoneName } from '@/lib/format';
import { codeLabel, integrationTypeLabel } from '@/lib/labels';

type Of<K extends TimelineEntry['kind']> = Extract<TimelineEntry, { kind: K }>;

const DOT: Record<SyncStatus, string> = {
  OK: 'bg-green-50 text-green-700 ring-green-600/40',
  INFO: 'bg-blue-50 text-blue-700 ring-blue-600/40',
  WARNING: 'bg-amber-50 text-amber-700 ring-amber-600/40',
  ERROR: 'bg-red-50 text-red-700 ring-red-600/40',
};

function KindIcon({ entry }: { entry: TimelineEntry }) {
  const Icon =
    entry.kind === 'run'
      ? RefreshCw
      : entry.kind === 'call'
        ? ArrowLeftRight
        : entry.kind === 'issue'
          ? entry.event === 'resolved'
            ? SearchCheck
            : CircleAlert
          : entry.status === 'ERROR'
            ? CircleAlert
            : TriangleAlert;
  return (
    <span
      className={cn(
        'relative z-10 flex size-7 shrink-0 items-center justify-center rounded-full ring-1',
        DOT[entry.status],
      )}
    >
      <Icon className="size-3.5" aria-hidden />
    </span>
  );
}

/** The time of day of an entry, the full time (with zone) in the tooltip. */
function EntryTime({ at }: { at: string }) {
  return (
    <time
      dateTime={at}
      title={`${formatAbsolute(at)} ${timeZoneName()} (${at})`}
      className="w-16 shrink-0 pt-1 text-xs text-muted-foreground tabular-nums"
    >
      {formatAbsolute(at).slice(11)}
    </time>
  );
}

function Title({ children }: { children: ReactNode }) {
  return <span className="flex flex-wrap items-center gap-x-2 gap-y-1 font-medium">{children}</span>;
}

function More({ children }: { children: ReactNode }) {
  return <p className="mt-1 text-[13px] break-words text-muted-foreground">{children}</p>;
}

const linkClass = 'text-[13px] font-medium text-primary hover:underline';

function RunEntry({ entry }: { entry: Of<'run'> }) {
  const { run } = entry;
  return (
    <>
      <Title>
        <span>Sync session</span>
        <StatusBadge status={run.status} />
        {run.progress !== 'FINISHED' && <ProgressBadge progress={run.progress} />}
        <code className="text-xs font-normal">{run.trigger}</code>
      </Title>
      <More>
        {integrationTypeLabel(run.integrationType)}
        {run.name !== null && ` · ${run.name}`}
        {run.finishedAt !== null &&
          ` · took ${formatDuration(Date.parse(run.finishedAt) - Date.parse(run.requestedAt))}`}
        {run.errorCategory !== null && ` · ${run.errorCategory}`}
        {run.errorSource !== null && ` (${codeLabel(run.errorSource)})`}
      </More>
      {run.exception !== null && (
        <pre className="mt-1 max-h-16 overflow-hidden font-mono text-xs whitespace-pre-wrap text-red-800">
          {run.exception}
        </pre>
      )}
      <Link to="/runs/$runId" params={{ runId: run.id }} className={linkClass}>
        Open session
      </Link>
    </>
  );
}

function ActionEntry({ entry }: { entry: Of<'action'> }) {
  const { action } = entry;
  const name = action.targetName ?? action.sourceName;
  return (
    <>
      <Title>
        <span>{entry.status === 'ERROR' ? 'Failing action' : 'Action with a warning'}</span>
        <StatusBadge status={entry.status} />
        <span className="font-normal">
          {action.action === 'NONE' ? '' : `${operationLabel(action.action)} `}
          {action.objectType ?? 'Object'}
          {name !== null && <> “{name}”</>}
        </span>
      </Title>
      <More>
        {codeLabel(action.sourceSystem)} → {codeLabel(action.targetSystem)}
        {action.message !== null && ` · ${action.message}`}
      </More>
      {action.errorCode !== null && (
        <div className="mt-1">
          <ErrorCode code={action.errorCode} />
        </div>
      )}
      <Link
        to="/runs/$runId"
        params={{ runId: action.runId }}
        search={{ seq: String(action.seq) }}
        className={linkClass}
      >
        Open action #{action.seq}
      </Link>
    </>
  );
}

function IssueEntry({ entry, userId }: { entry: Of<'issue'>; userId: string }) {
  const { issue } = entry;
  return (
    <>
      <Title>
        <span>{entry.event === 'opened' ? 'Issue opened' : 'Issue resolved'}</span>
        <Badge tone={entry.event === 'opened' ? 'error' : 'ok'}>
          {entry.event === 'opened' ? 'Open' : 'Resolved'}
        </Badge>
        <span className="font-normal">
          {issue.objectType ?? 'Object'}
          {issue.objectName !== null && <> “{issue.objectName}”</>}
        </span>
      </Title>
      <More>
        {directionLabel(issue.direction)} · {operationLabel(issue.operation)}
        {issue.errorText !== null && ` · ${issue.errorText}`}
        {` · seen ${formatCount(issue.occurrences)} time${issue.occurrences === 1 ? '' : 's'}`}
      </More>
      <div className="mt-1">
        <ErrorCode code={issue.errorCode} />
      </div>
      <Link to="/users/$userId/issues" params={{ userId }} className={linkClass}>
        Open issues
      </Link>
    </>
  );
}

function callSearch(entry: Of<'call'>, withPayload: boolean): Record<string, string> {
  const at = Date.parse(entry.call.at);
  return {
    organizationId: entry.call.organizationId,
    from: new Date(at - 60_000).toISOString(),
    to: new Date(at + 60_000).toISOString(),
    ...(entry.call.login === null ? {} : { login: entry.call.login }),
    ...(withPayload ? { call: entry.call.id } : {}),
  };
}

function CallEntry({ entry }: { entry: Of<'call'> }) {
  const { call } = entry;
  const session = useSession();
  const code = call.statusCode;
  const tone = code === null ? 'neutral' : code >= 500 ? 'error' : code >= 400 ? 'warning' : 'ok';
  return (
    <>
      <Title>
        <span>API call</span>
        <code className="text-xs">{call.method}</code>
        <Badge tone={tone}>{code ?? 'no status'}</Badge>
        {call.action !== 'NA' && (
          <Badge tone={call.action.endsWith('FAILED') ? 'error' : 'info'}>{codeLabel(call.action)}</Badge>
        )}
      </Title>
      <p className="mt-1 w-full truncate font-mono text-xs text-slate-700" title={call.url}>
        {call.url}
      </p>
      <More>
        {`${codeLabel(call.direction)} · ${call.appFrom} → ${call.appTo}`}
        {call.login !== null && ` · ${call.login}`}
        {call.durationMs !== null && ` · ${formatDuration(call.durationMs)}`}
      </More>
      <Link
        to="/calls"
        search={callSearch(entry, canControl(session, call.organizationId))}
        className={linkClass}
      >
        {canControl(session, call.organizationId) ? 'Open call' : 'Open in Connector Log'}
      </Link>
    </>
  );
}

/** One entry of a user's timeline: an icon for its kind in its status's colour, the time, what happened. */
export function TimelineItem({ entry, userId }: { entry: TimelineEntry; userId: string }) {
  return (
    <li
      data-testid="timeline-entry"
      data-kind={entry.kind}
      data-status={entry.status}
      className="flex gap-3 py-2"
    >
      <EntryTime at={entry.at} />
      <KindIcon entry={entry} />
      <div className="flex min-w-0 flex-1 flex-col items-start pt-0.5 text-sm">
        {entry.kind === 'run' && <RunEntry entry={entry} />}
        {entry.kind === 'action' && <ActionEntry entry={entry} />}
        {entry.kind === 'issue' && <IssueEntry entry={entry} userId={userId} />}
        {entry.kind === 'call' && <CallEntry entry={entry} />}
      </div>
    </li>
  );
}
