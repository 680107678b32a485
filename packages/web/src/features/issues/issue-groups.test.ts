import type { IssueListItem } from '@synctrail/types';
import { describe, expect, it } from 'vitest';
import { groupIssues } from './issue-groups';

let next = 0;
function issue(patch: Partial<IssueListItem>): IssueListItem {
  next += 1;
  return {
    id: `00000000-0000-4000-8000-${String(next).padStart(12, '0')}`,
    organizationId: 'org-a',
    userId: `user-${next}`,
    objectType: 'Appointment',
    objectId: `obj-${next}`,
    objectName: 'Trade fair',
    direction: 'EXCHANGE → SALESFORCE',
    operation: 'UPDATE',
    errorCode: 1,
    errorText: 'Locked',
    firstSeenAt: '2026-12-01T10:00:00.000Z',
    lastSeenAt: '2026-12-01T11:00:00.000Z',
    occurrences: 1,
    state: 'OPEN',
    lastRunId: null,
    resolvedAt: null,
    userName: null,
    userEmail: null,
    ...patch,
  };
}

describe('groupIssues', () => {
  it('puts one object failing with one error for several users in one group, with their totals', () => {
    const groups = groupIssues([
      issue({ userId: 'u1', occurrences: 3, firstSeenAt: '2026-11-30T08:00:00.000Z' }),
      issue({ userId: 'u2', occurrences: 2, lastSeenAt: '2026-12-02T09:00:00.000Z', state: 'RESOLVED' }),
      issue({ userId: 'u1', occurrences: 1, direction: 'SALESFORCE → EXCHANGE' }),
    ]);
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({
      occurrences: 6,
      users: 2,
      open: 2,
      firstSeenAt: '2026-11-30T08:00:00.000Z',
      lastSeenAt: '2026-12-02T09:00:00.000Z',
    });
    expect(groups[0]!.issues[0]!.userId).toBe('u2');
  });

  it('keeps apart other objects, other codes and other texts; the most recently seen group first', () => {
    const groups = groupIssues([
      issue({ objectName: 'A', lastSeenAt: '2026-12-01T01:00:00.000Z' }),
      issue({ objectName: 'B', lastSeenAt: '2026-12-01T03:00:00.000Z' }),
      issue({ objectName: 'A', errorCode: 3, lastSeenAt: '2026-12-01T02:00:00.000Z' }),
      issue({ objectName: 'A', errorText: 'Other', lastSeenAt: '2026-12-01T00:00:00.000Z' }),
    ]);
    expect(groups.map((g) => [g.objectName, g.errorCode, g.errorText])).toEqual([
      ['B', 1, 'Locked'],
      ['A', 3, 'Locked'],
      ['A', 1, 'Locked'],
      ['A', 1, 'Other'],
    ]);
  });
});
