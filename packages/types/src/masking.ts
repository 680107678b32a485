import { Type, type Static } from '@sinclair/typebox';
import { Id, Nullable, StringEnum, Timestamp } from './schema-helpers.js';

/**
 * `field`: a field or header name whose values are masked, exact or a glob (`*`, `?`), case-insensitive.
 * `pattern`: a regular expression (JavaScript syntax, case-sensitive); every match in any text is masked.
 */
export const MASKING_RULE_KINDS = ['field', 'pattern'] as const;
export type MaskingRuleKind = (typeof MASKING_RULE_KINDS)[number];

/**
 * An organization's own masking rule, applied (with the built-in ones) to data ingested after it is
 * created: calls, action details and messages, text artifacts and integration configurations.
 *
 * @example
 * { "id": "0190…", "organizationId": "0190…", "name": "ACME tenant keys", "kind": "pattern",
 *   "match": "ACME-[0-9]{6}", "createdAt": "2026-02-01T08:00:00.000Z", "createdBy": "account:0190…" }
 */
export const MaskingRule = Type.Object(
  {
    id: Id,
    organizationId: Id,
    name: Type.String(),
    kind: StringEnum(MASKING_RULE_KINDS),
    match: Type.String({
      description: 'The field name or glob (`field`), or the regular expression (`pattern`).',
    }),
    createdAt: Timestamp,
    createdBy: Nullable(
      Type.String({ description: 'Who created it: `account:<id>`, `key:<id>`, `operator:bootstrap`.' }),
    ),
  },
  { $id: 'MaskingRule' },
);
export type MaskingRule = Static<typeof MaskingRule>;

/**
 * Body of `POST /organizations/{id}/masking-rules`. A pattern must compile, match at least one
 * character, and not risk exponential matching time (no nested quantifiers such as `(a+)+`).
 *
 * @example
 * { "name": "Tenant header", "kind": "field", "match": "x-acme-*" }
 */
export const MaskingRuleCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    kind: StringEnum(MASKING_RULE_KINDS),
    match: Type.String({ minLength: 1, maxLength: 500 }),
  },
  { additionalProperties: false },
);
export type MaskingRuleCreate = Static<typeof MaskingRuleCreate>;

/**
 * Body of `POST /organizations/{id}/masking-rules/test`: try a rule on a sample before adding it.
 * Nothing is stored. A `field` rule masks the matching fields of a JSON sample (and of
 * `name=value` pairs in a form or query string); a `pattern` rule masks what it matches in any text.
 */
export const MaskingRuleTest = Type.Object(
  {
    kind: StringEnum(MASKING_RULE_KINDS),
    match: Type.String({ minLength: 1, maxLength: 500 }),
    sample: Type.String({ maxLength: 100_000 }),
  },
  { additionalProperties: false },
);
export type MaskingRuleTest = Static<typeof MaskingRuleTest>;

export const MaskingRuleTestResult = Type.Object({
  masked: Type.String({ description: 'The sample as it would be stored with this rule added.' }),
  changed: Type.Boolean({ description: 'False when the rule masks nothing in the sample.' }),
  byRule: Type.Integer({ description: 'Values this rule masked (the built-in rules apply too).' }),
});
export type MaskingRuleTestResult = Static<typeof MaskingRuleTestResult>;
