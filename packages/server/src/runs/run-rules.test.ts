import { describe, expect, it } from 'vitest';
import { canMove, isFinal, tally, worst } from './run-rules.js';

describe('run status', () => {
  it('is ERROR if any action errored, else WARNING, else INFO, else OK', () => {
    expect(tally([]).status).toBe('OK');
    expect(tally([{ action: 'NONE', status: 'OK' }]).status).toBe('OK');
    expect(
      tally([
        { action: 'NONE', status: 'OK' },
        { action: 'NONE', status: 'INFO' },
      ]).status,
    ).toBe('INFO');
    expect(
      tally([
        { action: 'NONE', status: 'INFO' },
        { action: 'UPDATE', status: 'WARNING' },
        { action: 'NONE', status: 'OK' },
      ]).status,
    ).toBe('WARNING');
    expect(
      tally([
        { action: 'DELETE', status: 'ERROR' },
        { action: 'UPDATE', status: 'WARNING' },
      ]).status,
    ).toBe('ERROR');
    expect(worst('INFO', 'WARNING')).toBe('WARNING');
    expect(worst('ERROR', 'OK')).toBe('ERROR');
  });

  it('counts actions by kind and status', () => {
    const t = tally([
      { action: 'CREATE', status: 'OK' },
      { action: 'CREATE', status: 'ERROR' },
      { action: 'UPDATE', status: 'WARNING' },
      { action: 'DELETE', status: 'OK' },
      { action: 'NONE', status: 'INFO' },
    ]);
    expect(t).toEqual({
      processed: 5,
      creates: 2,
      updates: 1,
      deletes: 1,
      warnings: 1,
      errors: 1,
      status: 'ERROR',
    });
  });
});

describe('run progress', () => {
  it('treats FINISHED and ABORTED as final', () => {
    expect(isFinal('FINISHED')).toBe(true);
    expect(isFinal('ABORTED')).toBe(true);
    expect(isFinal('RUNNING')).toBe(false);
    expect(canMove('FINISHED', 'RUNNING')).toBe(false);
    expect(canMove('ABORTED', 'FINISHED')).toBe(false);
  });

  it('allows the moves of a run lifecycle', () => {
    expect(canMove('PENDING', 'RUNNING')).toBe(true);
    expect(canMove('RUNNING', 'ABORTION_PENDING')).toBe(true);
    expect(canMove('ABORTION_PENDING', 'ABORTED')).toBe(true);
    expect(canMove('RUNNING', 'FINISHED')).toBe(true);
    expect(canMove('PENDING', 'FINISHED')).toBe(false);
    expect(canMove('RUNNING', 'PENDING')).toBe(false);
  });
});
