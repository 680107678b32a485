/**
 * The codes an enum filter value stands for. Filters take codes in any case (`status=error`, as the
 * first seed document tells users to type "Error") and the labels the seed products show
 * (`SSO Failed`, `Authentication-Applications`, `Abortion pending`): letters upper-cased, spaces and
 * hyphens read as underscores.
 */
export function canonicalCode(value: string): string {
  return value
    .trim()
    .replace(/[\s-]+/g, '_')
    .toUpperCase();
}

/** `value` as one of `allowed` when it names one (exactly, in another case, or by its label). */
export function matchEnum(value: string, allowed: readonly string[]): string | undefined {
  if (allowed.includes(value)) return value;
  const code = canonicalCode(value);
  return allowed.find((candidate) => candidate === code || candidate.toUpperCase() === code);
}

/** A comma-separated filter of upper-case codes (request types, triggers) with each value canonical. */
export function canonicalCodes(raw: string | undefined): string | undefined {
  return raw?.split(',').map(canonicalCode).join(',');
}
