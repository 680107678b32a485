import { describe, expect, it } from 'vitest';
import { parseRegisterEnv } from './config.js';

const BASE = { SYNCTRAIL_URL: 'https://synctrail.example.com', SYNCTRAIL_TOKEN: 'st_key' };

describe('parseRegisterEnv (the environment of @synctrail/sdk/register)', () => {
  it('applies the defaults, naming the app after the npm package, else the script', () => {
    const parsed = parseRegisterEnv({ ...BASE, npm_package_name: 'portal' }, ['node', '/srv/app/server.js']);
    expect(parsed).toMatchObject({
      ok: true,
      config: {
        app: 'portal',
        incoming: true,
        flushTimeoutMs: 2_000,
        maxBuffered: 10_000,
        maxBodyBytes: 65_536,
      },
    });
    expect(parseRegisterEnv(BASE, ['node', '/srv/app/server.js'])).toMatchObject({
      config: { app: 'server' },
    });
  });

  it('reads every setting', () => {
    const parsed = parseRegisterEnv(
      {
        ...BASE,
        SYNCTRAIL_APP: 'crm-sync',
        SYNCTRAIL_ORGANIZATION_ID: 'org-1',
        SYNCTRAIL_CAPTURE_INCOMING: 'off',
        SYNCTRAIL_CAPTURE_INCLUDE: '*.crm.example.com',
        SYNCTRAIL_CAPTURE_EXCLUDE: '/health, /metrics',
        SYNCTRAIL_FLUSH_TIMEOUT_MS: '500',
        SYNCTRAIL_FLUSH_INTERVAL_MS: '250',
        SYNCTRAIL_CAPTURE_BUFFER: '100',
        SYNCTRAIL_CAPTURE_MAX_BODY_BYTES: '0',
      },
      [],
    );
    if (!parsed.ok) throw new Error(parsed.problems.join('; '));
    const { include, exclude, ...rest } = parsed.config;
    expect(rest).toEqual({
      ...{ url: BASE.SYNCTRAIL_URL, token: BASE.SYNCTRAIL_TOKEN },
      app: 'crm-sync',
      organizationId: 'org-1',
      incoming: false,
      flushTimeoutMs: 500,
      flushIntervalMs: 250,
      maxBuffered: 100,
      maxBodyBytes: 0,
    });
    expect(include.map((p) => p.source)).toEqual(['*.crm.example.com']);
    expect(exclude.map((p) => p.source)).toEqual(['/health', '/metrics']);
  });

  it('lists every problem at once, with what to set', () => {
    const parsed = parseRegisterEnv(
      { SYNCTRAIL_URL: 'ftp://x', SYNCTRAIL_CAPTURE_INCOMING: 'maybe', SYNCTRAIL_CAPTURE_BUFFER: '0' },
      [],
    );
    expect(parsed).toEqual({
      ok: false,
      problems: [
        'SYNCTRAIL_URL must be an http(s) URL (got "ftp://x")',
        'SYNCTRAIL_TOKEN is not set (an organization API key with the ingest scope)',
        'SYNCTRAIL_CAPTURE_INCOMING must be true or false (got "maybe")',
        'SYNCTRAIL_CAPTURE_BUFFER must be a whole number from 1 to 1000000 (got "0")',
      ],
    });
  });
});
