import { formParams, jsonObject, jwtClaims } from './decode.js';
import type { OidcEndpoint, SsoDiscovery } from './discovery.js';
import { header, loginOf, type SsoCall, type SsoLabels } from './sso-call.js';

const DISCOVERY = /\/\.well-known\/(?:openid-configuration|oauth-authorization-server)$/;
const END_SESSION =
  /\/session\/end(?:\/confirm)?$|\/connect\/endsession$|\/protocol\/openid-connect\/logout$|\/oauth2\/(?:v\d(?:\.\d)?\/)?logout$|\/oidc\/logout$/;
/** Paths that name their endpoint whatever the parameters (Keycloak, Entra ID, Okta, Auth0, oidc-provider…). */
const PATHS: readonly [RegExp, OidcEndpoint][] = [
  [/\/protocol\/openid-connect\/auth$|\/authori[sz]e$|\/o\/oauth2(?:\/v2)?\/auth$/, 'authorization'],
  [/\/token\/revocation$|\/revoke$|\/revocation$/, 'revocation'],
  [/\/token\/introspection$|\/introspect$/, 'introspection'],
  [/\/token$/, 'token'],
  [/\/userinfo$/, 'userinfo'],
  [END_SESSION, 'end_session'],
];
/** A plain `/logout` is an OpenID Connect end-session only with its parameters. */
const GENERIC_LOGOUT = /\/(?:logout|signout|sign-out|logoff)$/;

type Kind = OidcEndpoint | 'callback';

function pathOf(url: URL): string {
  return url.pathname.toLowerCase().replace(/\/+$/, '');
}

function kindOf(
  call: SsoCall,
  url: URL,
  query: Map<string, string>,
  form: Map<string, string>,
  discovery?: SsoDiscovery,
): Kind | undefined {
  const known = discovery?.endpointOf(call.url);
  if (known) return known;
  const path = pathOf(url);
  if (query.has('response_type') && query.has('client_id')) return 'authorization';
  if (form.has('grant_type')) return 'token';
  for (const [pattern, kind] of PATHS) if (pattern.test(path)) return kind;
  if (GENERIC_LOGOUT.test(path) && (query.has('id_token_hint') || query.has('post_logout_redirect_uri')))
    return 'end_session';
  const back =
    query.has('state') || form.has('state')
      ? query.has('code') || form.has('code') || query.has('error') || form.has('error')
      : false;
  return back ? 'callback' : undefined;
}

/** The `error=` of a redirect's Location, if it carries one. */
function redirectError(call: SsoCall): boolean {
  const location = header(call.response?.headers, 'location');
  if (!location) return false;
  try {
    const target = new URL(location, call.url);
    return target.searchParams.has('error') || new URLSearchParams(target.hash.slice(1)).has('error');
  } catch {
    return false;
  }
}

const failed = (status: number | null | undefined) => typeof status === 'number' && status >= 400;
const answered = (status: number | null | undefined) => typeof status === 'number' && status > 0;

/** What a token or userinfo answer says of the user: the ID token's claims, or the userinfo claims. */
function responseLogin(body: string | null | undefined): string | null {
  const json = jsonObject(body);
  if (json) {
    if (typeof json.id_token === 'string') return loginOf(jwtClaims(json.id_token));
    if ('sub' in json || 'email' in json) return loginOf(json);
    return null;
  }
  // A userinfo answer may be a signed JWT (application/jwt).
  return body && body.startsWith('eyJ') ? loginOf(jwtClaims(body.trim())) : null;
}

/**
 * Labels an OpenID Connect / OAuth 2.0 call: authorization request, callback, token, userinfo,
 * revocation and end-session; a discovery document is learnt (when `discovery` is given) and not labelled.
 */
export function recognizeOidc(call: SsoCall, discovery?: SsoDiscovery): SsoLabels | undefined {
  let url: URL;
  try {
    url = new URL(call.url);
  } catch {
    return undefined;
  }
  if (DISCOVERY.test(pathOf(url))) {
    const document = jsonObject(call.response?.body);
    if (document && discovery) discovery.remember(document);
    return undefined;
  }
  const query = new Map<string, string>(url.searchParams);
  const type = header(call.request?.headers, 'content-type') ?? '';
  const body = call.request?.body;
  const form =
    body && (type.includes('x-www-form-urlencoded') || (!type && /^[\w.-]+=/.test(body)))
      ? formParams(body)
      : new Map<string, string>();
  const kind = kindOf(call, url, query, form, discovery);
  if (!kind || kind === 'introspection') return undefined;
  const status = call.statusCode;
  const incoming = call.direction === 'INCOMING';
  const side = incoming ? 'CONNECTIONS' : 'APPLICATIONS';
  const param = (name: string) => query.get(name) ?? form.get(name);
  switch (kind) {
    case 'authorization':
      return {
        action: failed(status) || redirectError(call) ? 'SSO_FAILED' : 'SSO_INITIATED',
        requestType: `AUTHENTICATION_${side}`,
        login: param('login_hint')?.slice(0, 320) ?? null,
      };
    case 'callback':
      // Whoever receives the callback is the application (the relying party), whichever side recorded it.
      return {
        action:
          param('error') !== undefined || failed(status)
            ? 'SSO_FAILED'
            : answered(status)
              ? 'SSO_SUCCESSFUL'
              : 'SSO_INITIATED',
        requestType: 'AUTHENTICATION_APPLICATIONS',
        login: typeof param('id_token') === 'string' ? loginOf(jwtClaims(param('id_token')!)) : null,
      };
    case 'token':
    case 'userinfo': {
      const error = jsonObject(call.response?.body)?.error !== undefined;
      const bad = failed(status) || error;
      return {
        action: bad ? 'SSO_FAILED' : answered(status) ? 'SSO_SUCCESSFUL' : 'SSO_INITIATED',
        requestType: `AUTHENTICATION_${side}`,
        login:
          (bad ? null : responseLogin(call.response?.body)) ?? form.get('username')?.slice(0, 320) ?? null,
      };
    }
    case 'revocation':
      return {
        action: failed(status) ? 'SLO_FAILED' : answered(status) ? 'SLO_SUCCESSFUL' : 'SLO_INITIATED',
        requestType: `LOGOUT_${side}`,
        login: null,
      };
    case 'end_session': {
      const hint = param('id_token_hint');
      return {
        action:
          failed(status) || redirectError(call)
            ? 'SLO_FAILED'
            : endedSession(call, url, discovery)
              ? 'SLO_SUCCESSFUL'
              : 'SLO_INITIATED',
        requestType: `LOGOUT_${side}`,
        login: (hint ? loginOf(jwtClaims(hint)) : null) ?? param('logout_hint')?.slice(0, 320) ?? null,
      };
    }
  }
}

/**
 * An end-session call that redirects somewhere other than an end-session step (its confirmation page):
 * to the application's post_logout_redirect_uri. The session is ended.
 */
function endedSession(call: SsoCall, url: URL, discovery?: SsoDiscovery): boolean {
  const status = call.statusCode;
  if (typeof status !== 'number' || status < 300 || status >= 400) return false;
  const location = header(call.response?.headers, 'location');
  if (!location) return false;
  try {
    const target = new URL(location, url);
    if (discovery?.endpointOf(target.toString()) === 'end_session') return false;
    return !END_SESSION.test(pathOf(target));
  } catch {
    return false;
  }
}
