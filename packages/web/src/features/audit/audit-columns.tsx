import type { AuditEvent } from '@synctrail/types';
import { Link } from '@tanstack/react-router';
import { createColumnHelper, type ColumnDef } from '@tanstack/react-table';
import { TimeCell } from '@/components/time-cell';
import { auditActionLabel, shortId, targetParts } from './audit-labels';

const column = createColumnHelper<AuditEvent>();

/** Who acted: the email (or key name) when it is known, the raw actor under it for the curious. */
export function ActorName({ actor, names }: { actor: string; names: Map<string, string> }) {
  const name = names.get(actor);
  if (name === undefined) return <span className="font-mono text-xs break-all">{actor}</span>;
  return (
    <span title={actor} className="break-words">
      {name}
    </span>
  );
}

export function TargetCell({ event, names }: { event: AuditEvent; names: Map<string, string> }) {
  const target = targetParts(event);
  if (target === null) return <span className="text-muted-foreground">—</span>;
  const id = <span className="font-mono text-xs text-muted-foreground">{shortId(target.id)}</span>;
  // An account target (a sign-in) reads as the account's email when it is known.
  const name = target.name ?? names.get(event.target ?? '') ?? null;
  if (target.runId !== null)
    return (
      <Link
        to="/runs/$runId"
        params={{ runId: target.runId }}
        className="text-primary hover:underline"
        onClick={(e) => e.stopPropagation()}
      >
        {target.kind} {id}
      </Link>
    );
  return (
    <span title={event.target ?? undefined}>
      {target.kind} {name !== null ? <span className="font-medium">{name}</span> : id}
    </span>
  );
}

export function auditColumns(
  names: Map<string, string>,
  organizations: Map<string, string>,
  onOpen: (event: AuditEvent) => void,
): ColumnDef<AuditEvent, any>[] {
  return [
    column.accessor('at', { header: 'When', size: 170, cell: (info) => <TimeCell iso={info.getValue()} /> }),
    column.accessor('actor', {
      header: 'Who',
      size: 260,
      cell: (info) => <ActorName actor={info.getValue()} names={names} />,
    }),
    column.accessor('action', {
      header: 'What',
      size: 190,
      // A button, so the event's details open from the keyboard too (the row opens them on click).
      cell: (info) => (
        <button
          type="button"
          className="cursor-pointer text-left font-medium hover:underline"
          onClick={(e) => {
            e.stopPropagation();
            onOpen(info.row.original);
          }}
        >
          {auditActionLabel(info.getValue())}
        </button>
      ),
    }),
    column.display({
      id: 'target',
      header: 'Target',
      size: 220,
      meta: { grow: true },
      cell: (info) => <TargetCell event={info.row.original} names={names} />,
    }),
    column.accessor('organizationId', {
      header: 'Organization',
      size: 170,
      cell: (info) => {
        const id = info.getValue();
        if (id === null) return <span className="text-muted-foreground">—</span>;
        return organizations.get(id) ?? <span className="font-mono text-xs">{id}</span>;
      },
    }),
    column.accessor('sourceIp', {
      header: 'From',
      size: 140,
      cell: (info) =>
        info.getValue() === null ? (
          <span className="text-muted-foreground">—</span>
        ) : (
          <span className="font-mono text-xs">{info.getValue()}</span>
        ),
    }),
  ];
}
