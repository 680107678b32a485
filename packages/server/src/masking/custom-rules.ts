import safeRegex from 'safe-regex2';

/** An organization's own rule: a field/header name (exact or glob, case-insensitive) or a regex on text. */
export interface CustomRule {
  kind: 'field' | 'pattern';
  match: string;
}

export const FIELD_MAX_LENGTH = 200;
export const PATTERN_MAX_LENGTH = 500;

/** Why a rule cannot be used, or undefined when it can. */
export function ruleProblem(rule: CustomRule): string | undefined {
  return rule.kind === 'field' ? fieldProblem(rule.match) : patternProblem(rule.match);
}

function fieldProblem(glob: string): string | undefined {
  if (glob.trim() !== glob || glob.length === 0)
    return 'A field name may not be empty or start or end with spaces.';
  if (glob.length > FIELD_MAX_LENGTH) return `A field name is at most ${FIELD_MAX_LENGTH} characters long.`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(glob)) return 'A field name may not contain control characters.';
  if (/^[*?]*$/.test(glob))
    return 'This glob would match every field; name at least one character of it (e.g. "x-acme-*").';
  return undefined;
}

function patternProblem(source: string): string | undefined {
  if (source.length === 0) return 'The pattern is empty.';
  if (source.length > PATTERN_MAX_LENGTH)
    return `A pattern is at most ${PATTERN_MAX_LENGTH} characters long.`;
  let re: RegExp;
  try {
    re = new RegExp(source, 'g');
  } catch (error) {
    return `The pattern is not a valid regular expression: ${error instanceof Error ? error.message : String(error)}.`;
  }
  if (/\\[1-9]|\\k</.test(source)) {
    return 'Back-references (\\1, \\k<name>) are not allowed: they can make matching take exponential time.';
  }
  if (!safeRegex(source)) {
    return (
      'The pattern could take exponential time on some inputs: it nests quantifiers (as in (a+)+ or (\\w*)*), ' +
      'repeats more than 25 times, or uses syntax (such as lookbehind) whose cost cannot be checked. Simplify it.'
    );
  }
  if (re.test('')) return 'The pattern matches the empty text; it must match at least one character.';
  return undefined;
}

/** A field glob as an anchored, case-insensitive regex: `*` any run of characters, `?` one character. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 'i');
}

/**
 * The same pattern for text read as latin1 (one character per byte, as artifacts are scanned): non-ASCII
 * characters become their UTF-8 bytes, so a literal `ä` still matches in a UTF-8 file.
 */
export function toBytePattern(re: RegExp): RegExp {
  // eslint-disable-next-line no-control-regex
  if (/^[\u0000-\u007f]*$/.test(re.source)) return re;
  return new RegExp(Buffer.from(re.source, 'utf8').toString('latin1'), re.flags);
}
