import { RUN_PROGRESS, SYNC_STATUS, TRIGGER_PATTERN } from '@synctrail/types/enums';
import type { FilterDef } from '@/lib/filters';
import { progressLabel } from '@/lib/labels';

const STATUS_WORD = `(?:${SYNC_STATUS.join('|')})`;

/**
 * The filters of a user's Statistics. Status is typed, as the first document has it ("type in
 * Error"), in any case; what is typed goes to the API as it is (`status=error`), which reads any case.
 */
export const SESSION_FILTERS: readonly FilterDef[] = [
  {
    key: 'status',
    label: 'Status',
    kind: 'text',
    placeholder: 'e.g. Error',
    maxLength: 100,
    suggestions: ['Error', 'Warning', 'Info', 'OK'],
    accept: {
      pattern: new RegExp(`^\\s*${STATUS_WORD}\\s*(?:,\\s*${STATUS_WORD}\\s*)*$`, 'i'),
      hint: 'Type OK, Info, Warning or Error (several with commas).',
    },
  },
  {
    key: 'progress',
    label: 'Progress',
    kind: 'multi',
    options: RUN_PROGRESS.map((value) => ({ value, label: progressLabel(value) })),
  },
  { key: 'trigger', label: 'Trigger', kind: 'multi', pattern: new RegExp(TRIGGER_PATTERN) },
  { key: 'range', label: 'Date range', kind: 'range' },
];
