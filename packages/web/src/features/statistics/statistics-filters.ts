import { SYNC_STATUS } from '@synctrail/types/enums';
import type { FilterDef, Search } from '@/lib/filters';

/** The filters of an organization's sessions (Statistics subtab). */
export const STATISTICS_FILTERS: readonly FilterDef[] = [
  { key: 'userId', label: 'User', kind: 'select', pattern: /^[0-9a-f-]{36}$/i },
  {
    key: 'status',
    label: 'Status',
    kind: 'multi',
    options: [...SYNC_STATUS].reverse().map((value) => ({ value, label: value })),
  },
  { key: 'range', label: 'Date', kind: 'range' },
];

/**
 * What Statistics opens with, as the admin panel's document says: errors only, errors first. Both are
 * in the URL and in the filter bar, and can be removed like any filter.
 */
export const STATISTICS_DEFAULTS = { status: 'ERROR', orderBy: 'status' } as const;

export const ORDERS = [
  { value: 'status', label: 'Errors first', orderBy: 'status', sort: undefined },
  { value: 'status-asc', label: 'OK first', orderBy: 'status', sort: 'asc' },
  { value: 'newest', label: 'Newest first', orderBy: 'requestedAt', sort: undefined },
  { value: 'oldest', label: 'Oldest first', orderBy: 'requestedAt', sort: 'asc' },
] as const;
export type OrderChoice = (typeof ORDERS)[number]['value'];

/** The order a search stands for: by status (worst first unless `sort=asc`) or by request time. */
export function orderOf(search: Search): { orderBy: 'status' | 'requestedAt'; sort: 'asc' | 'desc' } {
  return {
    orderBy: search.orderBy === 'requestedAt' ? 'requestedAt' : 'status',
    sort: search.sort === 'asc' ? 'asc' : 'desc',
  };
}

export function orderChoice(search: Search): OrderChoice {
  const { orderBy, sort } = orderOf(search);
  if (orderBy === 'status') return sort === 'asc' ? 'status-asc' : 'status';
  return sort === 'asc' ? 'oldest' : 'newest';
}

export function withOrder(search: Search, choice: OrderChoice): Search {
  const order = ORDERS.find((o) => o.value === choice) ?? ORDERS[0];
  const next: Search = { ...search, orderBy: order.orderBy, sort: order.sort };
  if (next.sort === undefined) delete next.sort;
  return next;
}
