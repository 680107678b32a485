import type { CallAction, CallDirection } from '../enums.js';

/** Headers as recorded: repeated headers as arrays, names in any case. */
export type SsoHeaders = Record<string, string | string[]>;

/**
 * What recognition reads of a call, before it is masked: the same fields as a `CallInput`.
 *
 * @example
 * ```ts
 * const call: SsoCall = { direction: 'OUTGOING', method: 'GET', url: 'https://idp.example.com/userinfo',
 *   statusCode: 200, response: { body: '{"sub":"u1","email":"ada@example.com"}' } };
 * ```
 */
export interface SsoCall {
  /** Whose call it is: OUTGOING (the default) when the recording side made it, INCOMING when it received it. */
  direction?: CallDirection | undefined;
  method: string;
  url: string;
  statusCode?: number | null | undefined;
  request?: { headers?: SsoHeaders | undefined; body?: string | null | undefined } | undefined;
  response?: { headers?: SsoHeaders | undefined; body?: string | null | undefined } | undefined;
}

/**
 * The labels of an SSO/SLO call. `requestType` says who the recording side is:
 * `*_APPLICATIONS` when it is the application signing its user in or out (an OpenID Connect relying
 * party, a SAML service provider), `*_CONNECTIONS` when it is the identity provider serving a
 * connected application.
 */
export interface SsoLabels {
  action: Exclude<CallAction, 'NA'>;
  requestType:
    | 'AUTHENTICATION_APPLICATIONS'
    | 'AUTHENTICATION_CONNECTIONS'
    | 'LOGOUT_APPLICATIONS'
    | 'LOGOUT_CONNECTIONS';
  /** The user's email or login id, when the call names one. */
  login: string | null;
}

/** A header's value, whatever the case of its name (the first of repeated ones). */
export function header(headers: SsoHeaders | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/** The login a set of claims names: email, then preferred_username / upn, then sub as a last resort. */
export function loginOf(claims: Record<string, unknown> | undefined): string | null {
  if (!claims) return null;
  for (const key of ['email', 'preferred_username', 'upn', 'unique_name', 'sub']) {
    const value = claims[key];
    if (typeof value === 'string' && value.trim() !== '') return value.trim().slice(0, 320);
  }
  return null;
}
