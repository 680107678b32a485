import { describe, expect, it } from 'vitest';
import { auditActionLabel, shortId, targetParts, verificationText } from './audit-labels';

describe('audit labels', () => {
  it('names actions in words, and keeps an unknown one as it came', () => {
    expect(auditActionLabel('run.cancel')).toBe('Run cancelled');
    expect(auditActionLabel('export.csv')).toBe('Export to CSV');
    expect(auditActionLabel('something.new')).toBe('something.new');
  });

  it('reads a target with the name its details give it', () => {
    expect(targetParts({ target: 'api_key:0190-abc', details: { name: 'ci', scopes: ['read'] } })).toEqual({
      kind: 'API key',
      id: '0190-abc',
      name: '“ci”',
      runId: null,
    });
    expect(targetParts({ target: 'member:m1', details: { email: 'dora@example.com' } })?.name).toBe(
      'dora@example.com',
    );
    expect(targetParts({ target: 'run:r1', details: null })).toEqual({
      kind: 'Run',
      id: 'r1',
      name: null,
      runId: 'r1',
    });
    expect(targetParts({ target: null, details: null })).toBeNull();
    expect(targetParts({ target: 'odd', details: null })).toMatchObject({ kind: '', id: 'odd' });
  });

  it('shortens ids to their distinct end', () => {
    expect(shortId('01a23541-bdfb-74e0-a392-b3625a3a229c')).toBe('…5a3a229c');
  });

  it('says what the chain check found', () => {
    expect(verificationText({ ok: true, count: 1234, headHash: 'ab12cd34ef56'.padEnd(64, '0') })).toBe(
      'Chain intact: 1,234 events, head hash ab12cd34…',
    );
    expect(
      verificationText({ ok: false, seq: 57, problem: 'edited', message: 'hash mismatch.', event: null }),
    ).toBe('Chain broken at event #57: an event was changed after it was written (hash mismatch).');
    expect(
      verificationText({
        ok: false,
        seq: 0,
        problem: 'deleted',
        message: 'the chain head (audit_head) is missing.',
        event: null,
      }),
    ).toBe('Chain broken: an event is missing from the chain (the chain head (audit_head) is missing).');
  });
});
