import { describe, expect, it } from 'vitest';
import { Action, Call, IntegrationOverview, Run } from '@synctrail/types';
import { cellText, columnsOf, pickColumns, valueAtPath } from './export-columns.js';

describe('columnsOf', () => {
  it('flattens nested objects with dotted names and keeps free-form objects whole', () => {
    expect(columnsOf(Action)).toEqual(
      expect.arrayContaining(['seq', 'source.system', 'source.id', 'target.name', 'details', 'errorCode']),
    );
    expect(columnsOf(Action)).not.toContain('source');
    expect(columnsOf(Run)).toEqual(
      expect.arrayContaining(['counters.errors', 'counters.processed', 'objectReport']),
    );
    // An object that may be null is flattened too (its cells are empty when it is null).
    expect(columnsOf(IntegrationOverview)).toEqual(
      expect.arrayContaining([
        'organizationName',
        'capabilities.cancellable',
        'lastRun.status',
        'lastRun.finishedAt',
      ]),
    );
    expect(columnsOf(IntegrationOverview)).not.toContain('lastRun');
    expect(columnsOf(Call)).toEqual(
      expect.arrayContaining(['request.headers', 'request.body', 'response.headers', 'response.body']),
    );
  });
});

describe('pickColumns', () => {
  const all = ['id', 'status', 'counters.errors'];
  it('keeps the order asked, without repeats', () => {
    expect(pickColumns(all, 'counters.errors, id,id')).toEqual(['counters.errors', 'id']);
    expect(pickColumns(all, undefined)).toEqual(all);
    expect(pickColumns(all, ' , ')).toEqual(all);
  });
  it('refuses an unknown column naming the allowed ones', () => {
    expect(() => pickColumns(all, 'id,colour')).toThrow(
      /Unknown column "colour"; allowed columns: id, status/,
    );
  });
});

describe('cellText', () => {
  it('neutralises what a spreadsheet would run, and nothing else', () => {
    for (const formula of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx'])
      expect(cellText(formula)).toBe(`'${formula}`);
    expect(cellText('a=b')).toBe('a=b');
    expect(cellText(-3)).toBe('-3');
    expect(cellText(null)).toBe('');
    expect(cellText(false)).toBe('false');
    expect(cellText({ a: 1 })).toBe('{"a":1}');
  });
  it('reads nested values', () => {
    expect(valueAtPath({ a: { b: 2 } }, ['a', 'b'])).toBe(2);
    expect(valueAtPath({ a: null }, ['a', 'b'])).toBeUndefined();
  });
});
