import type { Action } from '@synctrail/types';
import { ArrowRight } from 'lucide-react';
import { CodeView } from '@/components/code-view';
import { CopyButton } from '@/components/copy-button';
import { DetailPanel } from '@/components/detail-panel';
import { StatusBadge } from '@/features/runs/run-badges';
import { formatAbsolute, timeZoneName } from '@/lib/format';
import { codeLabel } from '@/lib/labels';
import { fieldChanges, showValue } from './field-diff';

/** One action in full: its message to copy, and its details (an UPDATE's fields as before → after). */
export function ActionPanel({ action, onClose }: { action: Action | null; onClose: () => void }) {
  const changes = action === null ? null : fieldChanges(action.details);
  return (
    <DetailPanel
      open={action !== null}
      onClose={onClose}
      title={
        action === null ? '' : `${action.action} ${action.objectType ?? 'object'} · action #${action.seq}`
      }
      description={action === null ? undefined : `${formatAbsolute(action.at)} ${timeZoneName()}`}
    >
      {action !== null && (
        <div className="flex flex-col gap-5">
          <div className="flex flex-wrap items-center gap-3 text-sm">
            <StatusBadge status={action.status} />
            <span>
              {codeLabel(action.source.system)}{' '}
              <span className="font-mono text-xs">{action.source.id ?? ''}</span>
            </span>
            <ArrowRight className="size-4 text-muted-foreground" aria-label="to" />
            <span>
              {codeLabel(action.target.system)}{' '}
              <span className="font-mono text-xs">{action.target.id ?? ''}</span>
            </span>
            {action.errorCode !== null && (
              <span className="text-muted-foreground">Error code {action.errorCode}</span>
            )}
          </div>
          <section>
            <div className="mb-1.5 flex items-center gap-2">
              <h3 className="text-sm font-semibold">Message</h3>
              {action.message !== null && <CopyButton text={action.message} label="Copy message" />}
            </div>
            <p
              className="rounded-md border border-border bg-slate-50 p-3 text-sm whitespace-pre-wrap"
              data-testid="action-message"
            >
              {action.message ?? '(no message)'}
            </p>
          </section>
          {changes !== null && (
            <section>
              <h3 className="mb-1.5 text-sm font-semibold">Changed fields</h3>
              <table className="w-full text-sm" aria-label="Changed fields">
                <thead>
                  <tr className="text-left text-xs text-muted-foreground">
                    <th className="py-1 pr-4 font-medium">Field</th>
                    <th className="py-1 pr-4 font-medium">Before</th>
                    <th className="py-1 font-medium">After</th>
                  </tr>
                </thead>
                <tbody>
                  {changes.map((change) => (
                    <tr key={change.field} className="border-t border-border/60 align-top">
                      <td className="py-1.5 pr-4 font-medium">{change.field}</td>
                      <td className="py-1.5 pr-4">
                        <del className="rounded bg-red-50 px-1 text-red-900 no-underline">
                          {showValue(change.before)}
                        </del>
                      </td>
                      <td className="py-1.5">
                        <ins className="rounded bg-green-50 px-1 text-green-900 no-underline">
                          {showValue(change.after)}
                        </ins>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          )}
          {action.details !== undefined && action.details !== null && (
            <section>
              <h3 className="mb-1.5 text-sm font-semibold">Details</h3>
              <CodeView text={JSON.stringify(action.details, null, 2)} label="Details" />
            </section>
          )}
        </div>
      )}
    </DetailPanel>
  );
}
