/** The endpoints recognition tells apart. */
export type OidcEndpoint =
  'authorization' | 'token' | 'userinfo' | 'revocation' | 'end_session' | 'introspection';

const FIELDS: readonly [string, OidcEndpoint][] = [
  ['authorization_endpoint', 'authorization'],
  ['token_endpoint', 'token'],
  ['userinfo_endpoint', 'userinfo'],
  ['revocation_endpoint', 'revocation'],
  ['end_session_endpoint', 'end_session'],
  ['introspection_endpoint', 'introspection'],
];

/** `https://idp.example.com:443/token/` → `https://idp.example.com/token`: how endpoints are compared. */
export function endpointKey(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * The endpoints of the OpenID Connect / OAuth 2.0 discovery documents seen so far (issuer → endpoints),
 * so that a call to a discovered endpoint is recognised whatever its path. Bounded: past `maxIssuers`
 * the issuer seen least recently is forgotten. Keep one per process (SDK) or per organization (server).
 *
 * @example
 * ```ts
 * const discovery = new SsoDiscovery();
 * discovery.remember({ issuer: 'https://idp.example.com', token_endpoint: 'https://idp.example.com/oauth/x1' });
 * discovery.endpointOf('https://idp.example.com/oauth/x1'); // 'token'
 * ```
 */
export class SsoDiscovery {
  private readonly issuers = new Map<string, Map<string, OidcEndpoint>>();
  private readonly endpoints = new Map<string, OidcEndpoint>();

  constructor(private readonly maxIssuers = 200) {}

  /** Learns the endpoints of a discovery document; returns false when it is not one. */
  remember(document: Record<string, unknown>): boolean {
    const issuer = document.issuer;
    if (typeof issuer !== 'string' || issuer === '') return false;
    const found = new Map<string, OidcEndpoint>();
    for (const [field, kind] of FIELDS) {
      const value = document[field];
      const key = typeof value === 'string' ? endpointKey(value) : undefined;
      if (key) found.set(key, kind);
    }
    if (found.size === 0) return false;
    this.forget(issuer);
    this.issuers.set(issuer, found);
    while (this.issuers.size > this.maxIssuers) this.forget(this.issuers.keys().next().value as string);
    this.reindex();
    return true;
  }

  /** Which discovered endpoint a URL calls, if any. */
  endpointOf(url: string): OidcEndpoint | undefined {
    if (this.endpoints.size === 0) return undefined;
    const key = endpointKey(url);
    return key === undefined ? undefined : this.endpoints.get(key);
  }

  private forget(issuer: string): void {
    this.issuers.delete(issuer);
  }

  private reindex(): void {
    this.endpoints.clear();
    for (const found of this.issuers.values()) for (const [key, kind] of found) this.endpoints.set(key, kind);
  }
}
