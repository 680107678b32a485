import { CALL_ACTION, CALL_DIRECTION, KNOWN_REQUEST_TYPES } from '@synctrail/types/enums';
import type { FilterDef } from '@/lib/filters';
import { codeLabel, requestTypeLabel } from '@/lib/labels';

/** The filters of the Connector Log, named as the fourth document names them. */
export const CALL_FILTERS: readonly FilterDef[] = [
  { key: 'organizationId', label: 'Organization', kind: 'select', pattern: /^[0-9a-f-]{36}$/i },
  { key: 'appTo', label: 'Application To', kind: 'multi', pattern: /^.{1,100}$/ },
  { key: 'appFrom', label: 'Application From', kind: 'multi', pattern: /^.{1,100}$/ },
  {
    key: 'action',
    label: 'Action',
    kind: 'multi',
    options: CALL_ACTION.map((value) => ({ value, label: codeLabel(value) })),
  },
  { key: 'range', label: 'Date range', kind: 'range' },
  {
    key: 'requestType',
    label: 'Request type',
    kind: 'multi',
    options: KNOWN_REQUEST_TYPES.map((value) => ({ value, label: requestTypeLabel(value) })),
  },
  {
    key: 'login',
    label: 'Email/Login ID',
    kind: 'text',
    placeholder: 'Part of an email or login',
    maxLength: 320,
  },
  {
    key: 'statusCode',
    label: 'Status code',
    kind: 'multi',
    options: ['2xx', '3xx', '4xx', '5xx'].map((value) => ({ value, label: value })),
  },
  {
    key: 'direction',
    label: 'Direction',
    kind: 'select',
    options: CALL_DIRECTION.map((value) => ({ value, label: codeLabel(value) })),
  },
];
