import type { IssueListItem } from '@synctrail/types';

/** The issues of one object failing with one error, whoever's mailbox or account it is in. */
export interface IssueGroup {
  key: string;
  objectType: string | null;
  objectName: string | null;
  errorCode: number;
  errorText: string | null;
  /** Occurrences of all its issues together. */
  occurrences: number;
  /** Distinct sync users. */
  users: number;
  open: number;
  firstSeenAt: string;
  lastSeenAt: string;
  organizationIds: string[];
  /** Most recently seen first. */
  issues: IssueListItem[];
}

export function groupKey(issue: IssueListItem): string {
  return JSON.stringify([issue.objectType, issue.objectName, issue.errorCode, issue.errorText]);
}

/** Groups issues by object (type and name) and error (code and text), most recently seen first. */
export function groupIssues(issues: readonly IssueListItem[]): IssueGroup[] {
  const groups = new Map<string, IssueGroup>();
  const users = new Map<string, Set<string>>();
  for (const issue of issues) {
    const key = groupKey(issue);
    let group = groups.get(key);
    if (group === undefined) {
      group = {
        key,
        objectType: issue.objectType,
        objectName: issue.objectName,
        errorCode: issue.errorCode,
        errorText: issue.errorText,
        occurrences: 0,
        users: 0,
        open: 0,
        firstSeenAt: issue.firstSeenAt,
        lastSeenAt: issue.lastSeenAt,
        organizationIds: [],
        issues: [],
      };
      groups.set(key, group);
      users.set(key, new Set());
    }
    group.occurrences += issue.occurrences;
    if (issue.state === 'OPEN') group.open += 1;
    if (Date.parse(issue.firstSeenAt) < Date.parse(group.firstSeenAt)) group.firstSeenAt = issue.firstSeenAt;
    if (Date.parse(issue.lastSeenAt) > Date.parse(group.lastSeenAt)) group.lastSeenAt = issue.lastSeenAt;
    if (!group.organizationIds.includes(issue.organizationId))
      group.organizationIds.push(issue.organizationId);
    group.issues.push(issue);
    const seen = users.get(key)!;
    seen.add(issue.userId);
    group.users = seen.size;
  }
  const byLastSeen = (a: { lastSeenAt: string }, b: { lastSeenAt: string }) =>
    Date.parse(b.lastSeenAt) - Date.parse(a.lastSeenAt);
  const result = [...groups.values()];
  for (const group of result) group.issues.sort(byLastSeen);
  return result.sort((a, b) => byLastSeen(a, b) || a.key.localeCompare(b.key));
}
