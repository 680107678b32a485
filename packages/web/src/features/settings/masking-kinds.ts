import type { MaskingRuleKind } from '@synctrail/types';

/** The kinds of masking rule, keyed by the contract's `MaskingRuleKind`. */
export const KIND_LABELS: Record<MaskingRuleKind, string> = { field: 'Field name', pattern: 'Pattern' };

export const KIND_HINTS: Record<MaskingRuleKind, string> = {
  field:
    'The values of fields and headers of this name are masked: exact or a glob (* and ?), any case, e.g. x-acme-*.',
  pattern:
    'Every match of this regular expression (JavaScript syntax, case-sensitive) is masked, e.g. ACME-[0-9]{6}.',
};

export const KIND_PLACEHOLDERS: Record<MaskingRuleKind, string> = {
  field: 'x-acme-*',
  pattern: 'ACME-[0-9]{6}',
};
