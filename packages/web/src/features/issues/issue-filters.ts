import { ISSUE_ERROR_CODES, ISSUE_STATE } from '@synctrail/types/enums';
import type { FilterDef } from '@/lib/filters';
import { ISSUE_STATE_LABEL, directionLabel, errorCodeLabel } from './issue-labels';

const STATE: FilterDef = {
  key: 'state',
  label: 'State',
  kind: 'multi',
  options: ISSUE_STATE.map((value) => ({ value, label: ISSUE_STATE_LABEL[value] })),
};
const ERROR_CODE: FilterDef = {
  key: 'errorCode',
  label: 'Error code',
  kind: 'multi',
  options: ISSUE_ERROR_CODES.map((code) => ({ value: String(code), label: errorCodeLabel(code) })),
};
const DIRECTION: FilterDef = {
  key: 'direction',
  label: 'Direction',
  kind: 'multi',
  pattern: /^[A-Z0-9_]{1,64} → [A-Z0-9_]{1,64}$/,
};
const OBJECT_TYPE = /^[^,]{1,100}$/;

/** The filters of a sync user's Issues subtab. */
export const USER_ISSUE_FILTERS: readonly FilterDef[] = [
  STATE,
  ERROR_CODE,
  { key: 'type', label: 'Type', kind: 'multi', pattern: OBJECT_TYPE },
  DIRECTION,
  { key: 'range', label: 'Last seen', kind: 'range' },
];

/** The filters of `/issues`, across organizations. */
export const ALL_ISSUE_FILTERS: readonly FilterDef[] = [
  { key: 'organizationId', label: 'Organization', kind: 'select', pattern: /^[0-9a-f-]{36}$/i },
  STATE,
  ERROR_CODE,
  { key: 'objectType', label: 'Object type', kind: 'multi', pattern: OBJECT_TYPE },
  DIRECTION,
  { key: 'range', label: 'Last seen', kind: 'range' },
];

/** The options of the filters whose values come from the data (object types, directions). */
export function issueFacetOptions(issues: readonly { objectType: string | null; direction: string }[]) {
  const types = [...new Set(issues.map((i) => i.objectType).filter((t) => t !== null))].sort();
  const directions = [...new Set(issues.map((i) => i.direction))].sort();
  return {
    types: types.map((t) => ({ value: t, label: t })),
    directions: directions.map((d) => ({ value: d, label: directionLabel(d) })),
  };
}
