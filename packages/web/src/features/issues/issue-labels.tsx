import type { IssueState } from '@synctrail/types';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { codeLabel } from '@/lib/labels';

/**
 * What an issue's error code means, as the third document lists them: 0 the object is active / a
 * success result, 1 it is locked / the operation failed, 2 it is already removed in a storage, 3 it
 * is inaccessible / was updated prematurely in a storage.
 */
export const ERROR_CODE_MEANINGS: Record<number, string> = {
  0: 'Active / success',
  1: 'Locked / operation error',
  2: 'Already removed',
  3: 'Inaccessible / updated prematurely',
};

export function errorCodeMeaning(code: number): string {
  return ERROR_CODE_MEANINGS[code] ?? 'Unknown code';
}

/** `1 – Locked / operation error`: the code with its meaning, as filters and exports read it. */
export function errorCodeLabel(code: number): string {
  return `${code} – ${errorCodeMeaning(code)}`;
}

const CODE_TONE: Record<number, BadgeTone> = { 0: 'ok', 1: 'error', 2: 'neutral', 3: 'warning' };

/** The code in a badge, its meaning beside it in words (never the colour alone). */
export function ErrorCode({ code }: { code: number }) {
  return (
    <span className="flex items-start gap-1.5">
      <Badge tone={CODE_TONE[code] ?? 'neutral'} className="tabular-nums">
        {code}
      </Badge>
      <span className="text-xs leading-5">{errorCodeMeaning(code)}</span>
    </span>
  );
}

export const ISSUE_STATE_LABEL: Record<IssueState, string> = { OPEN: 'Open', RESOLVED: 'Resolved' };

export function IssueStateBadge({ state }: { state: IssueState }) {
  return <Badge tone={state === 'OPEN' ? 'error' : 'ok'}>{ISSUE_STATE_LABEL[state]}</Badge>;
}

/** `EXCHANGE → SALESFORCE` → `Exchange → Salesforce`. */
export function directionLabel(direction: string): string {
  return direction
    .split('→')
    .map((side) => codeLabel(side.trim()))
    .join(' → ');
}

/** CREATE → Create. */
export function operationLabel(operation: string): string {
  return operation.charAt(0) + operation.slice(1).toLowerCase();
}
