/**
 * A compiled `SYNCTRAIL_CAPTURE_INCLUDE`/`EXCLUDE` pattern: tells whether a call's URL matches it.
 *
 * @example
 * ```ts
 * const pattern: UrlPattern = parseUrlPattern('*.salesforce.com');
 * pattern.matches(new URL('https://eu1.salesforce.com/services')); // true
 * ```
 */
export interface UrlPattern {
  /** The pattern as written. */
  readonly source: string;
  matches(url: URL): boolean;
}

/** `*` matches any run of characters (dots and slashes included); everything else is literal. */
function glob(pattern: string, flags: string): RegExp {
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, flags);
}

/**
 * Compiles one pattern. Three forms, each with `*` as a wildcard:
 * - a host: `api.example.com`, `*.example.com`, `localhost:8080` (with a port, `host:port` is matched);
 * - a path, starting with `/`: `/health`, `/internal/*` (the URL's path, whatever its host);
 * - a URL, with `://`: `https://api.example.com/v2/*` (origin and path; the query is ignored).
 *
 * @example
 * ```ts
 * parseUrlPattern('/health').matches(new URL('http://localhost:3000/health')); // true
 * ```
 */
export function parseUrlPattern(source: string): UrlPattern {
  const text = source.trim();
  if (text.startsWith('/')) {
    const re = glob(text, '');
    return { source, matches: (url) => re.test(url.pathname) };
  }
  if (text.includes('://')) {
    const re = glob(text, 'i');
    return { source, matches: (url) => re.test(`${url.origin}${url.pathname}`) };
  }
  const re = glob(text, 'i');
  const withPort = text.includes(':');
  return { source, matches: (url) => re.test(withPort ? url.host : url.hostname) };
}

/**
 * A comma-separated list of patterns (empty entries ignored).
 *
 * @example
 * ```ts
 * parseUrlPatterns('*.example.com, /health'); // two patterns
 * ```
 */
export function parseUrlPatterns(list: string | undefined): UrlPattern[] {
  return (list ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map(parseUrlPattern);
}

/**
 * The capture filter for include and exclude lists: with includes, a URL must match one of them; a
 * URL matching an exclude is left out either way.
 *
 * @example
 * ```ts
 * const keep = urlFilter(parseUrlPatterns('*.crm.example.com'), parseUrlPatterns('/health'));
 * keep(new URL('https://eu.crm.example.com/health')); // false
 * ```
 */
export function urlFilter(include: UrlPattern[], exclude: UrlPattern[]): (url: URL) => boolean {
  return (url) =>
    (include.length === 0 || include.some((p) => p.matches(url))) && !exclude.some((p) => p.matches(url));
}
