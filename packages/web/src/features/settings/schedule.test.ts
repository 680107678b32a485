import { describe, expect, it } from 'vitest';
import { checkSchedule, normalizeSchedule } from './schedule';

describe('checkSchedule', () => {
  it('reads a valid expression back in words, in UTC', () => {
    expect(checkSchedule('0 3 * * *')).toEqual({ ok: true, words: 'At 03:00 (UTC)' });
    expect(checkSchedule(' */15  * * * * ')).toEqual({ ok: true, words: 'Every 15 minutes (UTC)' });
    expect(checkSchedule('30 6 * * MON-FRI')).toEqual({
      ok: true,
      words: 'At 06:30, Monday through Friday (UTC)',
    });
  });

  it('says why an expression is refused', () => {
    expect(checkSchedule('')).toMatchObject({ ok: false, message: expect.stringContaining('Enter a cron') });
    expect(checkSchedule('daily')).toMatchObject({ ok: false, message: expect.stringContaining('has 1') });
    expect(checkSchedule('61 * * * *')).toEqual({
      ok: false,
      message: 'Not a valid cron expression: minutes part must be >= 0 and <= 59',
    });
    expect(checkSchedule('0 25 * * *')).toMatchObject({
      ok: false,
      message: expect.stringContaining('hours'),
    });
    expect(checkSchedule('*/0 * * * *')).toMatchObject({ ok: false });
  });

  it('normalizes spaces before saving', () => {
    expect(normalizeSchedule('  0  3 * *   * ')).toBe('0 3 * * *');
  });
});
