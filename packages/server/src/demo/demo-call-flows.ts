import type { CallInput } from '@synctrail/types';
import { iso, plusMs } from './demo-clock.js';
import type { Random } from './demo-random.js';

/**
 * The flows of a workplace portal's connector log: signing in through an identity provider (OAuth
 * 2.0 Google Apps, Office 365), single sign-on into NetSuite as SAML identity provider, single logout.
 * Requests carry the credentials a real flow carries; the server masks them before storing.
 */

export const PORTAL = 'Globex Workplace';
const GOOGLE = 'OAuth 2.0 Google Apps';
const OFFICE = 'OAuth 2.0 Office 365';
export const NETSUITE = 'NetSuite';
const PORTAL_URL = 'https://workplace.globex.example';
export const NETSUITE_ACCOUNT = '5123456';
export const NETSUITE_REST = `https://${NETSUITE_ACCOUNT}.suitetalk.api.netsuite.com/services/rest/record/v1`;
const AZURE_TENANT = '8d2f1c7e-3b4a-4f6e-9a1d-5c0e2b7f9a31';
const BROWSER =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36';

export type Call = Omit<CallInput, 'organizationId'>;

/** Calls in the order they happen; each `add` returns when the next step can start. */
export class CallLog {
  readonly calls: Call[] = [];
  constructor(private readonly rnd: Random) {}

  add(at: Date, call: Omit<Call, 'at' | 'durationMs'>, durationMs = this.rnd.int(40, 600)): Date {
    this.calls.push({ ...call, at: iso(at), durationMs });
    return plusMs(at, durationMs + this.rnd.int(20, 900));
  }
}

export const json = { 'content-type': 'application/json' };
const form = { 'content-type': 'application/x-www-form-urlencoded' };

/** Signing in to the portal with Google or Office 365 as identity provider. */
export function signIn(log: CallLog, rnd: Random, at: Date, email: string): void {
  const google = rnd.chance(0.6);
  const app = google ? GOOGLE : OFFICE;
  const authorize = google
    ? 'https://accounts.google.com/o/oauth2/v2/auth'
    : `https://login.microsoftonline.com/${AZURE_TENANT}/oauth2/v2.0/authorize`;
  const token = google
    ? 'https://oauth2.googleapis.com/token'
    : `https://login.microsoftonline.com/${AZURE_TENANT}/oauth2/v2.0/token`;
  const clientId = google
    ? '781635420913-4n2kq8ud0d1v.apps.googleusercontent.com'
    : '0f3e6c1a-9b2d-4e7f-8a5c-2d1b0e9f7c64';
  const state = rnd.alnum(22);
  const redirect = `${PORTAL_URL}/auth/callback/${google ? 'google' : 'office365'}`;
  const base = { requestType: 'AUTHENTICATION_CONNECTIONS', login: email };
  at = log.add(at, {
    ...base,
    direction: 'OUTGOING',
    appFrom: PORTAL,
    appTo: app,
    action: 'SSO_INITIATED',
    method: 'GET',
    url: `${authorize}?response_type=code&client_id=${clientId}&redirect_uri=${encodeURIComponent(redirect)}&scope=openid%20email%20profile&state=${state}&login_hint=${encodeURIComponent(email)}`,
    statusCode: 302,
    request: { headers: { 'user-agent': BROWSER } },
    response: { headers: { location: `${PORTAL_URL}/login/${google ? 'google' : 'office365'}` } },
  });
  const outcome = rnd.weighted([
    ['ok', 88],
    ['denied', 7],
    ['grant', 5],
  ] as const);
  if (outcome === 'denied') {
    const description = google
      ? 'access_denied'
      : 'AADSTS50105: The signed in user is not assigned to a role for the application.';
    log.add(at, {
      ...base,
      direction: 'INCOMING',
      appFrom: app,
      appTo: PORTAL,
      action: 'SSO_FAILED',
      method: 'GET',
      url: `${redirect}?error=access_denied&error_description=${encodeURIComponent(description)}&state=${state}`,
      statusCode: 401,
      request: { headers: { 'user-agent': BROWSER, cookie: `wp_session=${rnd.alnum(32)}` } },
      response: {
        headers: json,
        body: JSON.stringify({
          error: 'sso_failed',
          message: `Sign-in through ${app} was refused: ${description}`,
        }),
      },
    });
    return;
  }
  const code = `${google ? '4/0A' : '0.AX'}${rnd.alnum(40)}`;
  at = log.add(at, {
    ...base,
    direction: 'INCOMING',
    appFrom: app,
    appTo: PORTAL,
    action: 'SSO_INITIATED',
    method: 'GET',
    url: `${redirect}?code=${code}&state=${state}`,
    statusCode: 302,
    request: { headers: { 'user-agent': BROWSER, cookie: `wp_session=${rnd.alnum(32)}` } },
    response: {
      headers: {
        location: `${PORTAL_URL}/home`,
        'set-cookie': `wp_session=${rnd.alnum(32)}; Secure; HttpOnly`,
      },
    },
  });
  const failed = outcome === 'grant';
  log.add(at, {
    ...base,
    direction: 'OUTGOING',
    appFrom: PORTAL,
    appTo: app,
    action: failed ? 'SSO_FAILED' : 'SSO_SUCCESSFUL',
    method: 'POST',
    url: token,
    statusCode: failed ? 400 : 200,
    request: {
      headers: { ...form, accept: 'application/json' },
      body: `grant_type=authorization_code&code=${code}&redirect_uri=${encodeURIComponent(redirect)}&client_id=${clientId}&client_secret=${google ? 'GOCSPX-' : 'Q~8'}${rnd.alnum(28)}`,
    },
    response: {
      headers: { ...json, 'cache-control': 'no-store' },
      body: failed
        ? JSON.stringify({
            error: 'invalid_grant',
            error_description: 'The authorization code has expired or was already used.',
          })
        : JSON.stringify({
            access_token: `ya29.${rnd.alnum(60)}`,
            expires_in: 3599,
            id_token: `eyJhbGciOiJSUzI1NiJ9.${rnd.alnum(80)}.${rnd.alnum(40)}`,
            scope: 'openid email profile',
            token_type: 'Bearer',
          }),
    },
  });
}

/** Single sign-on into NetSuite, the portal acting as SAML identity provider. */
export function netSuiteSso(log: CallLog, rnd: Random, at: Date, email: string): void {
  const relay = `/app/center/card.nl?sc=-29&whence=${rnd.alnum(6)}`;
  const base = { requestType: 'AUTHENTICATION_APPLICATIONS', login: email };
  at = log.add(at, {
    ...base,
    direction: 'INCOMING',
    appFrom: NETSUITE,
    appTo: PORTAL,
    action: 'SSO_INITIATED',
    method: 'GET',
    url: `${PORTAL_URL}/saml/idp/sso?SAMLRequest=fZJNT8MwDIb%2F${rnd.alnum(60)}&RelayState=${encodeURIComponent(relay)}`,
    statusCode: 200,
    request: { headers: { 'user-agent': BROWSER } },
    response: { headers: { 'content-type': 'text/html' } },
  });
  const refused = rnd.chance(0.08);
  log.add(at, {
    ...base,
    direction: 'OUTGOING',
    appFrom: PORTAL,
    appTo: NETSUITE,
    action: refused ? 'SSO_FAILED' : 'SSO_SUCCESSFUL',
    method: 'POST',
    url: 'https://system.netsuite.com/saml2/acs',
    statusCode: refused ? 403 : 302,
    request: {
      headers: form,
      body: `SAMLResponse=PHNhbWxwOlJlc3BvbnNlIHhtbG5zOnNhbWxwPSJ1cm46b2FzaXM6${rnd.alnum(120)}&RelayState=${encodeURIComponent(relay)}`,
    },
    response: refused
      ? {
          headers: { 'content-type': 'text/html' },
          body: 'SAML assertion rejected: the user has no NetSuite role that allows single sign-on.',
        }
      : { headers: { location: relay, 'set-cookie': `JSESSIONID=${rnd.alnum(40)}; Path=/; Secure` } },
  });
}

/** Single logout, from Office 365 (a connection) or NetSuite (an application). */
export function logout(log: CallLog, rnd: Random, at: Date, email: string): void {
  const fromNetSuite = rnd.chance(0.4);
  const failed = rnd.chance(0.07);
  if (fromNetSuite) {
    const base = { requestType: 'LOGOUT_APPLICATIONS', login: email };
    at = log.add(at, {
      ...base,
      direction: 'OUTGOING',
      appFrom: PORTAL,
      appTo: NETSUITE,
      action: 'SLO_INITIATED',
      method: 'POST',
      url: 'https://system.netsuite.com/saml2/slo',
      statusCode: 200,
      request: { headers: form, body: `SAMLRequest=PHNhbWxwOkxvZ291dFJlcXVlc3Q${rnd.alnum(60)}` },
      response: { headers: { 'content-type': 'text/html' } },
    });
    log.add(at, {
      ...base,
      direction: 'INCOMING',
      appFrom: NETSUITE,
      appTo: PORTAL,
      action: failed ? 'SLO_FAILED' : 'SLO_SUCCESSFUL',
      method: 'POST',
      url: `${PORTAL_URL}/saml/idp/slo`,
      statusCode: failed ? 400 : 200,
      request: { headers: form, body: `SAMLResponse=PHNhbWxwOkxvZ291dFJlc3BvbnNl${rnd.alnum(60)}` },
      response: failed
        ? {
            headers: json,
            body: JSON.stringify({
              error: 'slo_failed',
              status: 'urn:oasis:names:tc:SAML:2.0:status:Responder',
            }),
          }
        : { headers: { 'content-type': 'text/html' } },
    });
    return;
  }
  const base = { requestType: 'LOGOUT_CONNECTIONS', login: email };
  const back = `${PORTAL_URL}/auth/logout/callback`;
  at = log.add(at, {
    ...base,
    direction: 'OUTGOING',
    appFrom: PORTAL,
    appTo: OFFICE,
    action: 'SLO_INITIATED',
    method: 'GET',
    url: `https://login.microsoftonline.com/${AZURE_TENANT}/oauth2/v2.0/logout?post_logout_redirect_uri=${encodeURIComponent(back)}`,
    statusCode: 302,
    request: { headers: { 'user-agent': BROWSER, cookie: `wp_session=${rnd.alnum(32)}` } },
    response: { headers: { location: back } },
  });
  log.add(at, {
    ...base,
    direction: 'INCOMING',
    appFrom: OFFICE,
    appTo: PORTAL,
    action: failed ? 'SLO_FAILED' : 'SLO_SUCCESSFUL',
    method: 'GET',
    url: failed ? `${back}?error=invalid_request&error_description=session_not_found` : back,
    statusCode: failed ? 400 : 200,
    request: { headers: { 'user-agent': BROWSER } },
    response: { headers: { 'content-type': 'text/html' } },
  });
}

export function oauth1Header(rnd: Random): string {
  return `OAuth realm="${NETSUITE_ACCOUNT}", oauth_consumer_key="${rnd.hex(64)}", oauth_token="${rnd.hex(64)}", oauth_signature_method="HMAC-SHA256", oauth_timestamp="1767225600", oauth_nonce="${rnd.alnum(20)}", oauth_version="1.0", oauth_signature="${rnd.alnum(43)}%3D"`;
}
