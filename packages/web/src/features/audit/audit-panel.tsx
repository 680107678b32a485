import type { AuditEvent } from '@synctrail/types';
import { Filter } from 'lucide-react';
import type { ReactNode } from 'react';
import { CodeView } from '@/components/code-view';
import { CopyButton } from '@/components/copy-button';
import { DetailPanel } from '@/components/detail-panel';
import { Button } from '@/components/ui/button';
import { formatAbsolute, timeZoneName } from '@/lib/format';
import { ActorName, TargetCell } from './audit-columns';
import { auditActionLabel } from './audit-labels';

function Row({ term, children }: { term: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-muted-foreground">{term}</dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </>
  );
}

function HashLine({ label, hash }: { label: string; hash: string }) {
  return (
    <div className="flex flex-col gap-1">
      <div className="flex items-center gap-2">
        <h4 className="text-xs font-medium text-muted-foreground">{label}</h4>
        <CopyButton text={hash} label={`Copy ${label.toLowerCase()}`} />
      </div>
      <code className="rounded bg-slate-50 px-2 py-1 font-mono text-xs break-all" aria-label={label}>
        {hash}
      </code>
    </div>
  );
}

/** One audit event in full: who, what, where from, its details, and its place in the hash chain. */
export function AuditPanel({
  event,
  names,
  organizationName,
  onClose,
  onFilter,
}: {
  event: AuditEvent | null;
  names: Map<string, string>;
  organizationName: string | null;
  onClose: () => void;
  onFilter: (key: 'actor' | 'action', value: string) => void;
}) {
  return (
    <DetailPanel
      open={event !== null}
      onClose={onClose}
      title={event === null ? '' : `${auditActionLabel(event.action)} · event #${event.seq}`}
      description={event === null ? undefined : `${formatAbsolute(event.at)} ${timeZoneName()}`}
    >
      {event !== null && (
        <div className="flex flex-col gap-5">
          <dl className="grid grid-cols-[8rem_1fr] gap-x-4 gap-y-2 text-sm">
            <Row term="Who">
              <ActorName actor={event.actor} names={names} />
              {names.has(event.actor) && (
                <span className="block font-mono text-xs text-muted-foreground">{event.actor}</span>
              )}
            </Row>
            <Row term="What">
              {auditActionLabel(event.action)}{' '}
              <code className="text-xs text-muted-foreground">{event.action}</code>
            </Row>
            <Row term="Target">
              <TargetCell event={event} names={names} />
              {event.target !== null && (
                <span className="block font-mono text-xs break-all text-muted-foreground">
                  {event.target}
                </span>
              )}
            </Row>
            <Row term="Organization">{organizationName ?? event.organizationId ?? '—'}</Row>
            <Row term="From">{event.sourceIp ?? '—'}</Row>
          </dl>
          <div className="flex flex-wrap gap-2">
            <Button variant="outline" size="sm" onClick={() => onFilter('actor', event.actor)}>
              <Filter aria-hidden /> Only this actor’s events
            </Button>
            <Button variant="outline" size="sm" onClick={() => onFilter('action', event.action)}>
              <Filter aria-hidden /> Only “{auditActionLabel(event.action)}”
            </Button>
          </div>
          <section>
            <h3 className="mb-1.5 text-sm font-semibold">Details</h3>
            {event.details === null ? (
              <p className="text-sm text-muted-foreground">This event has no details.</p>
            ) : (
              <CodeView text={JSON.stringify(event.details, null, 2)} label="Details" />
            )}
          </section>
          <section className="flex flex-col gap-3">
            <h3 className="text-sm font-semibold">Hash chain</h3>
            <p className="text-sm text-muted-foreground">
              Event <span className="font-medium text-foreground tabular-nums">#{event.seq}</span> in the
              chain. Its hash covers the event and the previous event’s hash, so an edit anywhere breaks every
              later link.
            </p>
            <HashLine label="Hash" hash={event.hash} />
            <HashLine label="Previous hash" hash={event.prevHash} />
          </section>
        </div>
      )}
    </DetailPanel>
  );
}
