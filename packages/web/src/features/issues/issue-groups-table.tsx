import { Link } from '@tanstack/react-router';
import { ChevronDown, ChevronRight } from 'lucide-react';
import { Fragment, useState } from 'react';
import { TimeCell } from '@/components/time-cell';
import { formatCount } from '@/lib/format';
import { ErrorCode, IssueStateBadge, directionLabel, operationLabel } from './issue-labels';
import type { IssueGroup } from './issue-groups';

const th = 'px-3 py-2 text-left text-xs font-semibold text-muted-foreground';
const td = 'px-3 py-2 align-top';

/**
 * Issues grouped by object and error: one row per group with its totals, opened to list the users
 * whose issue it is (each links to that user's Issues).
 */
export function IssueGroupsTable({
  groups,
  organizationNames,
}: {
  groups: readonly IssueGroup[];
  /** Names by organization id, when the reader sees several organizations. */
  organizationNames: Map<string, string> | null;
}) {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (key: string) =>
    setOpen((current) => {
      const next = new Set(current);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  const columns = organizationNames === null ? 7 : 8;
  return (
    <div className="relative min-h-0 flex-1 overflow-auto rounded-md border border-border bg-background">
      <table className="w-full min-w-[60rem] border-collapse text-sm">
        <caption className="sr-only">Issues grouped by object and error</caption>
        <thead className="sticky top-0 z-10 border-b border-border bg-muted/95 backdrop-blur">
          <tr>
            <th scope="col" className={th}>
              Object
            </th>
            <th scope="col" className={th}>
              Error
            </th>
            {organizationNames !== null && (
              <th scope="col" className={th}>
                Organization
              </th>
            )}
            <th scope="col" className={`${th} text-right`}>
              Occurrences
            </th>
            <th scope="col" className={`${th} text-right`}>
              Users
            </th>
            <th scope="col" className={th}>
              First seen
            </th>
            <th scope="col" className={th}>
              Last seen
            </th>
            <th scope="col" className={th}>
              State
            </th>
          </tr>
        </thead>
        <tbody>
          {groups.map((group) => {
            const expanded = open.has(group.key);
            const rowsId = `issue-group-${group.issues[0]!.id}`;
            return (
              <Fragment key={group.key}>
                <tr data-testid="issue-group" className="border-b border-border/70 hover:bg-muted/60">
                  <td className={td}>
                    <button
                      type="button"
                      aria-expanded={expanded}
                      aria-controls={expanded ? rowsId : undefined}
                      onClick={() => toggle(group.key)}
                      className="flex cursor-pointer items-start gap-1.5 text-left"
                    >
                      {expanded ? (
                        <ChevronDown className="mt-0.5 size-4 shrink-0" aria-hidden />
                      ) : (
                        <ChevronRight className="mt-0.5 size-4 shrink-0" aria-hidden />
                      )}
                      <span>
                        <span className="block text-xs text-muted-foreground">
                          {group.objectType ?? 'Object'}
                        </span>
                        <span className="block font-medium">{group.objectName ?? '(no name)'}</span>
                        <span className="sr-only">
                          {expanded
                            ? ', hide its users'
                            : `, show its ${group.users} user${group.users === 1 ? '' : 's'}`}
                        </span>
                      </span>
                    </button>
                  </td>
                  <td className={`${td} max-w-md`}>
                    <ErrorCode code={group.errorCode} />
                    {group.errorText !== null && <p className="mt-1 text-[13px]">{group.errorText}</p>}
                  </td>
                  {organizationNames !== null && (
                    <td className={td}>
                      {group.organizationIds.map((id) => organizationNames.get(id) ?? '—').join(', ')}
                    </td>
                  )}
                  <td className={`${td} text-right tabular-nums`}>{formatCount(group.occurrences)}</td>
                  <td className={`${td} text-right tabular-nums`}>{formatCount(group.users)}</td>
                  <td className={td}>
                    <TimeCell iso={group.firstSeenAt} />
                  </td>
                  <td className={td}>
                    <TimeCell iso={group.lastSeenAt} />
                  </td>
                  <td className={`${td} whitespace-nowrap`}>
                    {group.open === group.issues.length ? (
                      <IssueStateBadge state="OPEN" />
                    ) : group.open === 0 ? (
                      <IssueStateBadge state="RESOLVED" />
                    ) : (
                      <span className="text-xs">
                        {group.open} open, {group.issues.length - group.open} resolved
                      </span>
                    )}
                  </td>
                </tr>
                {expanded && (
                  <tr id={rowsId} className="border-b border-border/70 bg-muted/30">
                    <td colSpan={columns} className="px-3 pt-1 pb-3 pl-9">
                      <GroupUsers group={group} />
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function GroupUsers({ group }: { group: IssueGroup }) {
  return (
    <table className="w-full border-collapse text-[13px]">
      <caption className="sr-only">
        The users with this issue on {group.objectType ?? 'object'} {group.objectName ?? ''}
      </caption>
      <thead>
        <tr className="border-b border-border">
          <th scope="col" className={th}>
            User
          </th>
          <th scope="col" className={th}>
            Direction
          </th>
          <th scope="col" className={th}>
            Operation
          </th>
          <th scope="col" className={`${th} text-right`}>
            Occurrences
          </th>
          <th scope="col" className={th}>
            Last seen
          </th>
          <th scope="col" className={th}>
            State
          </th>
        </tr>
      </thead>
      <tbody>
        {group.issues.map((issue) => (
          <tr
            key={issue.id}
            data-testid="issue-group-user"
            className="border-b border-border/50 last:border-0"
          >
            <td className={td}>
              <Link
                to="/users/$userId/issues"
                params={{ userId: issue.userId }}
                className="font-medium text-primary hover:underline"
              >
                {issue.userName ?? issue.userEmail ?? issue.userId}
              </Link>
              {issue.userName !== null && issue.userEmail !== null && (
                <span className="block text-xs text-muted-foreground">{issue.userEmail}</span>
              )}
            </td>
            <td className={td}>{directionLabel(issue.direction)}</td>
            <td className={td}>{operationLabel(issue.operation)}</td>
            <td className={`${td} text-right tabular-nums`}>{formatCount(issue.occurrences)}</td>
            <td className={td}>
              <TimeCell iso={issue.lastSeenAt} />
            </td>
            <td className={td}>
              <IssueStateBadge state={issue.state} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
