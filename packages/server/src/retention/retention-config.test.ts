import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';

describe('retention configuration', () => {
  it('keeps everything when unset', () => {
    expect(loadConfig({}).retention).toEqual({ payloadDays: undefined, days: undefined });
  });

  it('reads whole days', () => {
    expect(
      loadConfig({ SYNCTRAIL_RETENTION_PAYLOAD_DAYS: '30', SYNCTRAIL_RETENTION_DAYS: '365' }).retention,
    ).toEqual({ payloadDays: 30, days: 365 });
  });

  it('refuses what is not a positive whole number of days, naming the variable', () => {
    for (const value of ['0', '-3', '1.5', 'forever']) {
      expect(() => loadConfig({ SYNCTRAIL_RETENTION_DAYS: value })).toThrow(/SYNCTRAIL_RETENTION_DAYS/);
    }
  });

  it('refuses payloads kept longer than their rows', () => {
    expect(() =>
      loadConfig({ SYNCTRAIL_RETENTION_PAYLOAD_DAYS: '400', SYNCTRAIL_RETENTION_DAYS: '365' }),
    ).toThrow(ConfigError);
    expect(() =>
      loadConfig({ SYNCTRAIL_RETENTION_PAYLOAD_DAYS: '400', SYNCTRAIL_RETENTION_DAYS: '365' }),
    ).toThrow(/exceeds SYNCTRAIL_RETENTION_DAYS/);
  });
});
