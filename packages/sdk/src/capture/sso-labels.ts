import { SsoDiscovery, recognizeSso, type CallInput } from '@synctrail/types';
import { bodyText } from './body.js';
import type { Observation } from './observation.js';

/**
 * The discovery documents this process fetched (issuer → endpoints), shared by every capture, so
 * that a call to a discovered token or userinfo endpoint is recognised whatever its path.
 */
const discovery = new SsoDiscovery();

/**
 * The labels of a captured call: `action`, `requestType` and `login` when it is an SSO/SLO call
 * (OpenID Connect, OAuth 2.0, SAML 2.0), read from the payloads before they are masked; `NA` otherwise.
 * A `redact` callback still sees and may change them: the caller's labels win.
 */
export function ssoLabels(
  o: Observation,
  maxBodyBytes: number,
): Pick<CallInput, 'action'> & Partial<Pick<CallInput, 'requestType' | 'login'>> {
  const labels = recognizeSso(
    {
      direction: o.direction ?? 'OUTGOING',
      method: o.method,
      url: o.url,
      statusCode: o.error ? null : o.statusCode,
      request: { headers: o.requestHeaders, body: bodyText(o.requestBody, o.requestHeaders, maxBodyBytes) },
      response: o.error
        ? undefined
        : { headers: o.responseHeaders, body: bodyText(o.responseBody, o.responseHeaders, maxBodyBytes) },
    },
    discovery,
  );
  if (!labels) return { action: 'NA' };
  return {
    action: labels.action,
    requestType: labels.requestType,
    ...(labels.login !== null ? { login: labels.login } : {}),
  };
}
