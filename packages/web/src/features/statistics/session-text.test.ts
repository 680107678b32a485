import { describe, expect, it } from 'vitest';
import { errorCategoryLabel, errorSourceLabel, objectReportSummary, objectReportText } from './session-text';

describe('objectReportText', () => {
  it('copies a numeric report as a tab-separated table with a header row', () => {
    const report = { Contact: { objects: 42, changes: 3, failures: 1 }, Task: { objects: 5, changes: 0 } };
    expect(objectReportText(report)).toBe(
      'Object type\tobjects\tchanges\tfailures\nContact\t42\t3\t1\nTask\t5\t0\t',
    );
    expect(objectReportSummary(report)).toBe('Contact 42 · Task 5');
  });

  it('copies any other report as JSON', () => {
    expect(objectReportText({ note: 'partial' })).toBe('{\n  "note": "partial"\n}');
  });
});

describe('error labels', () => {
  it('names the error source as the document does', () => {
    expect(errorSourceLabel({ errorSource: 'MICROSOFT_EXCHANGE', status: 'ERROR' })).toBe(
      'Microsoft Exchange',
    );
    expect(errorSourceLabel({ errorSource: 'CONNECTOR', status: 'ERROR' })).toBe('Connector');
    expect(errorSourceLabel({ errorSource: null, status: 'ERROR' })).toBe('Unknown');
    expect(errorSourceLabel({ errorSource: null, status: 'OK' })).toBe('—');
  });

  it('reads category codes as words and keeps free text', () => {
    expect(errorCategoryLabel('OBJECT_LOCKED')).toBe('Object Locked');
    expect(errorCategoryLabel('caused by authentication issues')).toBe('caused by authentication issues');
  });
});
