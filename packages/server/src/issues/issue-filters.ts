import { ISSUE_ERROR_CODES, ISSUE_STATE, type IssueListQuery } from '@synctrail/types';
import { AppError } from '../http/errors.js';
import { parseList, parseRange } from '../shared/filters.js';
import type { IssueListFilters } from './issue.repository.js';

/** `EXCHANGE → SALESFORCE`, `EXCHANGE->SALESFORCE` or `EXCHANGE>SALESFORCE`: source, arrow, target. */
const DIRECTION = /^\s*([^\s>→-][^>→]*?)\s*(?:→|->|>)\s*([^\s>→-][^>→]*?)\s*$/;

/** Directions as stored (`SOURCE → TARGET`), whichever arrow the caller typed. */
function parseDirections(raw: string | undefined): string[] | undefined {
  const values = parseList('direction', raw);
  if (!values) return undefined;
  const bad = values.filter((v) => !DIRECTION.test(v));
  if (bad.length > 0) {
    throw new AppError(
      'invalid_filter',
      `Invalid direction ${bad.map((b) => `"${b}"`).join(', ')}: expected SOURCE → TARGET (or SOURCE->TARGET), e.g. EXCHANGE → SALESFORCE.`,
      { filter: 'direction', invalid: bad },
    );
  }
  return [...new Set(values.map((v) => v.replace(DIRECTION, '$1 → $2')))];
}

/** The filters every list of issues takes (a user's and everyone's), checked. */
export function parseIssueFilters(
  query: Pick<IssueListQuery, 'state' | 'errorCode' | 'objectType' | 'type' | 'direction' | 'from' | 'to'>,
): Omit<IssueListFilters, 'organizations'> {
  const codes = parseList('errorCode', query.errorCode, ISSUE_ERROR_CODES.map(String));
  const types = [query.objectType, query.type].filter((t) => t !== undefined).join(',');
  const range = parseRange(query.from, query.to);
  return {
    states: parseList('state', query.state, ISSUE_STATE),
    errorCodes: codes?.map(Number),
    objectTypes: parseList('objectType', types),
    directions: parseDirections(query.direction),
    from: range.from,
    to: range.to,
  };
}
