import { describe, expect, it } from 'vitest';
import { elapsedMs, formatBytes, formatCount, formatDuration, formatRelative } from './format';
import { codeLabel, integrationTypeLabel, requestTypeLabel } from './labels';

describe('formatting', () => {
  it('writes durations a person reads at a glance', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(4_230)).toBe('4.2 s');
    expect(formatDuration(42_000)).toBe('42 s');
    expect(formatDuration(185_000)).toBe('3 min 05 s');
    expect(formatDuration(2 * 3_600_000 + 7 * 60_000)).toBe('2 h 07 min');
    expect(formatDuration(3 * 86_400_000 + 4 * 3_600_000)).toBe('3 d 4 h');
  });

  it('counts a running run until now', () => {
    expect(elapsedMs('2026-01-01T00:00:00Z', null, Date.parse('2026-01-01T00:01:00Z'))).toBe(60_000);
    expect(elapsedMs('2026-01-01T00:00:00Z', '2026-01-01T00:00:05Z', 0)).toBe(5_000);
    expect(elapsedMs(null, null, 0)).toBeNull();
  });

  it('writes relative times both ways', () => {
    const now = Date.parse('2026-12-01T12:00:00Z');
    expect(formatRelative('2026-12-01T11:59:55Z', now)).toBe('just now');
    expect(formatRelative('2026-12-01T11:55:00Z', now)).toBe('5 minutes ago');
    expect(formatRelative('2026-12-01T14:00:00Z', now)).toBe('in 2 hours');
    expect(formatRelative('2026-11-28T12:00:00Z', now)).toBe('3 days ago');
  });

  it('writes counts and sizes', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 kB');
    expect(formatBytes(25 * 1024 * 1024)).toBe('25 MB');
  });

  it('labels codes as the product documents write them', () => {
    expect(codeLabel('SSO_FAILED')).toBe('SSO Failed');
    expect(codeLabel('SLO_SUCCESSFUL')).toBe('SLO Successful');
    expect(requestTypeLabel('AUTHENTICATION_APPLICATIONS')).toBe('Authentication-Applications');
    expect(codeLabel('MICROSOFT_EXCHANGE')).toBe('Microsoft Exchange');
    expect(codeLabel('LEANIX')).toBe('LeanIX');
    expect(codeLabel('CRM')).toBe('CRM');
    expect(integrationTypeLabel('servicenow')).toBe('ServiceNow');
    expect(integrationTypeLabel('oauth2-google')).toBe('Oauth2 Google');
  });
});
