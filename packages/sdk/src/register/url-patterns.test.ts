import { describe, expect, it } from 'vitest';
import { parseUrlPatterns, urlFilter } from './url-patterns.js';

const keep = (include: string, exclude: string, url: string) =>
  urlFilter(parseUrlPatterns(include), parseUrlPatterns(exclude))(new URL(url));

describe('SYNCTRAIL_CAPTURE_INCLUDE / EXCLUDE patterns', () => {
  it('keeps everything when neither is set', () => {
    expect(keep('', '', 'https://api.example.com/x')).toBe(true);
  });

  it('matches hosts, with * across labels, case-insensitively, not their parent domain', () => {
    expect(keep('*.Example.com', '', 'https://eu.api.example.com/x')).toBe(true);
    expect(keep('*.example.com', '', 'https://example.com/x')).toBe(false);
    expect(keep('api.example.com', '', 'https://api.example.com.evil.test/x')).toBe(false);
  });

  it('matches host:port only when the pattern names a port', () => {
    expect(keep('localhost:8080', '', 'http://localhost:8080/a')).toBe(true);
    expect(keep('localhost:8080', '', 'http://localhost:9090/a')).toBe(false);
    expect(keep('localhost', '', 'http://localhost:9090/a')).toBe(true);
  });

  it('matches paths whatever the host, exactly or with *', () => {
    expect(keep('', '/health', 'http://localhost:3000/health')).toBe(false);
    expect(keep('', '/health', 'http://localhost:3000/healthz')).toBe(true);
    expect(keep('', '/internal/*', 'http://localhost:3000/internal/metrics?x=1')).toBe(false);
  });

  it('matches full URLs by origin and path, ignoring the query', () => {
    expect(keep('https://crm.example.com/v2/*', '', 'https://crm.example.com/v2/contacts?page=2')).toBe(true);
    expect(keep('https://crm.example.com/v2/*', '', 'https://crm.example.com/v1/contacts')).toBe(false);
    expect(keep('https://crm.example.com/v2/*', '', 'http://crm.example.com/v2/contacts')).toBe(false);
  });

  it('leaves out what an exclude matches even when an include matches too', () => {
    expect(keep('*.example.com, localhost', '/health', 'https://a.example.com/health')).toBe(false);
    expect(keep('*.example.com, localhost', '/health', 'http://localhost/callback')).toBe(true);
    expect(keep('*.example.com', '', 'http://localhost/callback')).toBe(false);
  });
});
