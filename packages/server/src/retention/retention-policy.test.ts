import { describe, expect, it } from 'vitest';
import { BatchSizer, cutoff, effectiveRetention } from './retention-policy.js';

describe('effectiveRetention', () => {
  it('keeps everything when nothing is set', () => {
    expect(effectiveRetention({ payloadDays: null, days: null }, undefined)).toEqual({
      payloadDays: null,
      payloadDaysSource: 'deployment',
      days: null,
      daysSource: 'deployment',
    });
  });

  it("takes the organization's values over the deployment's, value by value", () => {
    expect(effectiveRetention({ payloadDays: 30, days: 365 }, { payloadDays: 7, days: null })).toEqual({
      payloadDays: 7,
      payloadDaysSource: 'organization',
      days: 365,
      daysSource: 'deployment',
    });
  });

  it('never keeps payloads longer than their rows', () => {
    expect(effectiveRetention({ payloadDays: null, days: 90 }, undefined)).toMatchObject({
      payloadDays: 90,
      days: 90,
    });
    expect(effectiveRetention({ payloadDays: 60, days: 365 }, { payloadDays: null, days: 30 })).toEqual({
      payloadDays: 30,
      payloadDaysSource: 'organization',
      days: 30,
      daysSource: 'organization',
    });
  });
});

describe('cutoff', () => {
  it('is `days` whole days before now, or none', () => {
    const now = new Date('2026-12-02T12:00:00Z');
    expect(cutoff(now, 30)?.toISOString()).toBe('2026-11-02T12:00:00.000Z');
    expect(cutoff(now, null)).toBeUndefined();
  });
});

describe('BatchSizer', () => {
  it('halves after a slow batch and grows back after quick ones, within bounds', () => {
    const sizer = new BatchSizer(50, 1000, 40);
    sizer.took(100);
    expect(sizer.size).toBe(500);
    for (let i = 0; i < 10; i++) sizer.took(100);
    expect(sizer.size).toBe(50);
    sizer.took(20);
    expect(sizer.size).toBe(50);
    for (let i = 0; i < 10; i++) sizer.took(1);
    expect(sizer.size).toBe(1000);
  });
});
