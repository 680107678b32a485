import { describe, expect, it } from 'vitest';
import {
  clearFilters,
  hasFilters,
  parseSearch,
  parseSearchString,
  stringifySearch,
  toApiQuery,
  withFilter,
  withRange,
  type FilterDef,
} from './filters';

const DEFS: FilterDef[] = [
  {
    key: 'status',
    label: 'Status',
    kind: 'multi',
    options: ['OK', 'INFO', 'WARNING', 'ERROR'].map((v) => ({ value: v, label: v })),
  },
  { key: 'integrationType', label: 'Integration type', kind: 'multi', pattern: /^[a-z]+$/ },
  {
    key: 'direction',
    label: 'Direction',
    kind: 'select',
    options: [{ value: 'OUTGOING', label: 'Outgoing' }],
  },
  { key: 'login', label: 'Email/Login ID', kind: 'text', maxLength: 10 },
  { key: 'range', label: 'Date range', kind: 'range' },
];

describe('filters in the URL', () => {
  it('keeps known values in the order of the definitions, once each, and drops the rest', () => {
    expect(parseSearch(DEFS, { status: 'ERROR,bogus,OK,ERROR' })).toEqual({ status: 'OK,ERROR' });
    expect(parseSearch(DEFS, { integrationType: 'exchange,Not A Type' })).toEqual({
      integrationType: 'exchange',
    });
    expect(parseSearch(DEFS, { direction: 'SIDEWAYS' })).toEqual({});
  });

  it('keeps typed text a filter accepts as it was typed, and drops text it does not', () => {
    const typed: FilterDef[] = [
      {
        key: 'status',
        label: 'Status',
        kind: 'text',
        accept: { pattern: /^(ok|error)(,(ok|error))*$/i, hint: 'OK or Error' },
      },
    ];
    expect(parseSearch(typed, { status: ' error ' })).toEqual({ status: 'error' });
    expect(parseSearch(typed, { status: 'ERROR,ok' })).toEqual({ status: 'ERROR,ok' });
    expect(parseSearch(typed, { status: 'Err' })).toEqual({});
  });

  it('trims text, bounds its length, and ignores blank values', () => {
    expect(parseSearch(DEFS, { login: '  karin  ' })).toEqual({ login: 'karin' });
    expect(parseSearch(DEFS, { login: 'a'.repeat(50) }).login).toHaveLength(10);
    expect(parseSearch(DEFS, { login: '   ' })).toEqual({});
  });

  it('accepts a preset or a valid custom range, never an inverted one', () => {
    expect(parseSearch(DEFS, { range: '24h', from: '2026-01-01T00:00:00Z' })).toEqual({ range: '24h' });
    expect(parseSearch(DEFS, { from: '2026-01-01T00:00:00.000Z', to: '2026-01-02T00:00:00.000Z' })).toEqual({
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-01-02T00:00:00.000Z',
    });
    expect(parseSearch(DEFS, { from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' })).toEqual({});
    expect(parseSearch(DEFS, { from: 'yesterday', range: 'forever' })).toEqual({});
  });

  it('keeps the sort only when it is one the API knows', () => {
    expect(parseSearch(DEFS, { sort: 'asc' })).toEqual({ sort: 'asc' });
    expect(parseSearch(DEFS, { sort: 'sideways' })).toEqual({});
  });

  it('turns a preset into from at the moment of the view', () => {
    const now = Date.parse('2026-12-01T12:00:00Z');
    expect(toApiQuery(DEFS, { range: '1h', status: 'ERROR', sort: 'asc' }, now)).toEqual({
      status: 'ERROR',
      from: '2026-12-01T11:00:00.000Z',
      sort: 'asc',
    });
    expect(toApiQuery(DEFS, { from: '2026-01-01T00:00:00Z' }, now)).toEqual({ from: '2026-01-01T00:00:00Z' });
  });

  it('clears every filter but keeps the sort and what is not a filter', () => {
    const search = { status: 'ERROR', range: '7d', login: 'x', sort: 'asc', call: 'abc' };
    expect(hasFilters(DEFS, search)).toBe(true);
    expect(clearFilters(DEFS, search)).toEqual({ sort: 'asc', call: 'abc' });
    expect(hasFilters(DEFS, clearFilters(DEFS, search))).toBe(false);
  });

  it('sets and removes one filter, and replaces a range as a whole', () => {
    expect(withFilter({ status: 'OK' }, 'status', '')).toEqual({});
    expect(withFilter({}, 'login', 'karin')).toEqual({ login: 'karin' });
    expect(withRange({ range: '24h', status: 'OK' }, { from: 'a', to: 'b' })).toEqual({
      status: 'OK',
      from: 'a',
      to: 'b',
    });
    expect(withRange({ from: 'a', to: 'b' }, { preset: '30d' })).toEqual({ range: '30d' });
  });

  it('writes plain key=value pairs that read back the same', () => {
    const search = { status: 'ERROR,WARNING', login: '123', name: 'a&b c' };
    const text = stringifySearch(search);
    expect(text).toBe('?status=ERROR%2CWARNING&login=123&name=a%26b+c');
    expect(parseSearchString(text)).toEqual(search);
    expect(stringifySearch({ empty: undefined, blank: '' })).toBe('');
  });
});
