import type { CallAction } from '../enums.js';
import type { SsoDiscovery } from './discovery.js';
import { recognizeOidc } from './oidc.js';
import { recognizeSaml } from './saml.js';
import { header, type SsoCall, type SsoLabels } from './sso-call.js';

/** Quick test for calls that cannot be SSO/SLO (most of a connector's calls): no decoding is tried. */
const MAYBE_SSO =
  /SAML|well-known|authori[sz]e|\/auth\b|token|userinfo|revo|introspect|logout|signout|sign-out|logoff|session|endsession|response_type|code=|error=|id_token/i;

/**
 * Recognises an SSO/SLO call (OpenID Connect / OAuth 2.0, SAML 2.0) and labels it: action, request type
 * and the user's login, read from the unmasked payloads. Calls to endpoints of a discovery document
 * seen earlier (`discovery`) are recognised whatever their path; a discovery document is learnt.
 * Returns undefined for anything else.
 *
 * @example
 * ```ts
 * const labels = recognizeSso({
 *   method: 'POST', url: 'https://idp.example.com/oauth2/token', statusCode: 400,
 *   request: { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=authorization_code&code=x' },
 * });
 * // { action: 'SSO_FAILED', requestType: 'AUTHENTICATION_APPLICATIONS', login: null }
 * ```
 */
export function recognizeSso(call: SsoCall, discovery?: SsoDiscovery): SsoLabels | undefined {
  const maybe =
    MAYBE_SSO.test(call.url) ||
    MAYBE_SSO.test(call.request?.body?.slice(0, 4096) ?? '') ||
    discovery?.endpointOf(call.url) !== undefined ||
    header(call.response?.headers, 'location')?.includes('SAML') === true ||
    call.response?.body?.includes('SAML') === true;
  if (!maybe) return undefined;
  return recognizeSaml(call) ?? recognizeOidc(call, discovery);
}

/** The labels a call may carry; absent, null or `NA` counts as not set. */
export interface Labelled {
  action?: CallAction | undefined;
  requestType?: string | null | undefined;
  login?: string | null | undefined;
}

/**
 * The call with the labels recognition found filled in where the caller set none: a label the caller
 * set wins, one by one (an explicit `login` is kept while the action is recognised). The same object
 * when nothing is added.
 *
 * @example
 * ```ts
 * const labelled = withSsoLabels(call, discovery); // action SSO_SUCCESSFUL, login from the ID token
 * ```
 */
export function withSsoLabels<T extends Labelled & SsoCall>(call: T, discovery?: SsoDiscovery): T {
  const wantsAction = call.action === undefined || call.action === 'NA';
  const wantsType = call.requestType === undefined || call.requestType === null;
  const wantsLogin = call.login === undefined || call.login === null;
  if (!wantsAction && !wantsType && !wantsLogin) return call;
  const labels = recognizeSso(call, discovery);
  if (!labels) return call;
  return {
    ...call,
    ...(wantsAction ? { action: labels.action } : {}),
    ...(wantsType ? { requestType: labels.requestType } : {}),
    ...(wantsLogin && labels.login !== null ? { login: labels.login } : {}),
  };
}
