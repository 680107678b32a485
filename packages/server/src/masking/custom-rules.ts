import { RE2JS } from 're2js';
import type { TextPattern as MaskPattern } from '@synctrail/types';

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
  let pattern: TextPattern;
  try {
    pattern = compileLinear(source);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return (
      `The pattern cannot be used: ${reason}. Patterns run on a linear-time engine (RE2 syntax), which has ` +
      'no back-references (\\1, \\k<name>) and no lookahead or lookbehind; rewrite it without them.'
    );
  }
  if (pattern.matchesEmpty)
    return 'The pattern matches the empty text; it must match at least one character.';
  return undefined;
}

/** An organization's pattern, compiled for a linear-time engine: no input can make it slow. */
export interface TextPattern extends MaskPattern {
  readonly matchesEmpty: boolean;
}

function compileLinear(source: string): TextPattern {
  // RE2 (through re2js) matches in time linear in the text, so a pattern such as (a|aa)+$ cannot
  // stall ingest for every tenant as a backtracking engine would.
  const re = RE2JS.compile(RE2JS.translateRegExp(source));
  return {
    matchesEmpty: re.test(''),
    replaceAll: (text, mask) =>
      re.test(text) ? re.matcher(text).replaceAll(RE2JS.quoteReplacement(mask)) : text,
  };
}

/** Compiles a pattern that passed `ruleProblem`; `bytes` for text read as latin1 (see `toBytePattern`). */
export function compilePattern(source: string, bytes = false): TextPattern {
  return compileLinear(bytes ? toBytePattern(source) : source);
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
export function toBytePattern(source: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\u0000-\u007f]*$/.test(source)) return source;
  return Buffer.from(source, 'utf8').toString('latin1');
}
