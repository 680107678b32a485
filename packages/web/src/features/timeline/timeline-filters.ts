import { SYNC_STATUS } from '@synctrail/types/enums';
import type { TimelineKind } from '@synctrail/types';
import type { FilterDef } from '@/lib/filters';

export const KIND_LABEL: Record<TimelineKind, string> = {
  run: 'Sessions',
  action: 'Failing actions',
  issue: 'Issues',
  call: 'API calls',
};

/** The filters of a user's Timeline: what kinds of entries, of which statuses, when. */
export const TIMELINE_FILTERS: readonly FilterDef[] = [
  {
    key: 'kind',
    label: 'Show',
    kind: 'multi',
    options: (Object.keys(KIND_LABEL) as TimelineKind[]).map((value) => ({
      value,
      label: KIND_LABEL[value],
    })),
  },
  {
    key: 'status',
    label: 'Status',
    kind: 'multi',
    options: SYNC_STATUS.map((value) => ({ value, label: value })),
  },
  { key: 'range', label: 'Date range', kind: 'range' },
];
