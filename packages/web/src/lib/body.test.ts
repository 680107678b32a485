import { describe, expect, it } from 'vitest';
import { bodyKind, prettyBody } from './body';
import { fieldChanges, showValue } from '../features/actions/field-diff';

describe('payload bodies', () => {
  it('tells JSON, XML, forms and text apart by content type, then by their first character', () => {
    expect(bodyKind('a=1', 'application/x-www-form-urlencoded; charset=utf-8')).toBe('form');
    expect(bodyKind('<x/>', 'application/samlp+xml')).toBe('xml');
    expect(bodyKind('  {"a":1}', undefined)).toBe('json');
    expect(bodyKind('<html></html>', undefined)).toBe('xml');
    expect(bodyKind('plain words', 'text/plain')).toBe('text');
  });

  it('pretty-prints what parses and leaves the rest as it came', () => {
    expect(prettyBody('{"a":{"b":1}}', 'json')).toBe('{\n  "a": {\n    "b": 1\n  }\n}');
    expect(prettyBody('<a><b>1</b></a>', 'xml')).toBe('<a>\n  <b>1</b>\n</a>');
    expect(prettyBody('user=karin&token=***', 'form')).toBe('user = karin\ntoken = ***');
    expect(prettyBody('{not json', 'json')).toBe('{not json');
  });
});

describe('field-level diff of an UPDATE', () => {
  it('reads changes as a list of from/to or before/after, or as an object keyed by field', () => {
    expect(fieldChanges({ changes: [{ field: 'phone', from: '1', to: '2' }] })).toEqual([
      { field: 'phone', before: '1', after: '2' },
    ]);
    expect(fieldChanges({ diff: [{ field: 'x', before: null, after: 3 }] })).toEqual([
      { field: 'x', before: null, after: 3 },
    ]);
    expect(fieldChanges({ changes: { title: { from: 'a', to: 'b' } } })).toEqual([
      { field: 'title', before: 'a', after: 'b' },
    ]);
  });

  it('is null for details that are not a diff', () => {
    expect(fieldChanges(undefined)).toBeNull();
    expect(fieldChanges({ fields: [{ field: 'x', changedIn: 'Exchange' }] })).toBeNull();
    expect(fieldChanges({ changes: [] })).toBeNull();
    expect(showValue(null)).toBe('—');
    expect(showValue({ a: 1 })).toBe('{"a":1}');
  });
});
