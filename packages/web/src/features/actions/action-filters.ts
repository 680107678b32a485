import { ACTION_KIND, SYNC_STATUS } from '@synctrail/types/enums';
import type { FilterDef } from '@/lib/filters';

/** The filters of a run's actions; `q` finds an object by name or id (and words of the message). */
export const ACTION_FILTERS: readonly FilterDef[] = [
  {
    key: 'status',
    label: 'Status',
    kind: 'multi',
    options: SYNC_STATUS.map((value) => ({ value, label: value })),
  },
  {
    key: 'action',
    label: 'Action',
    kind: 'multi',
    options: ACTION_KIND.map((value) => ({ value, label: value })),
  },
  { key: 'q', label: 'Find object', kind: 'text', placeholder: 'Name or id', maxLength: 200 },
];
