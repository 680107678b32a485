import { formParams, samlXml } from './decode.js';
import { header, type SsoCall, type SsoLabels } from './sso-call.js';

type SamlKind = 'AuthnRequest' | 'Response' | 'LogoutRequest' | 'LogoutResponse';

/** The first element of the document (after the declaration, comments and doctype). */
const ROOT = /<(?![?!])(?:[\w.-]+:)?([\w.-]+)[\s/>]/;
const STATUS_CODE = /<(?:[\w.-]+:)?StatusCode\b[^>]*?\bValue\s*=\s*["']([^"']*)["']/;
const NAME_ID = /<(?:[\w.-]+:)?NameID\b[^>]*>([^<]{1,320})<\//;
const FORM_FIELD = /<input\b[^>]*\bname\s*=\s*["'](SAMLRequest|SAMLResponse)["'][^>]*>/i;
const VALUE_ATTRIBUTE = /\bvalue\s*=\s*["']([^"']*)["']/i;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescapeXml(text: string): string {
  return text.replace(
    /&(?:#x([0-9a-f]+)|#(\d+)|(\w+));/gi,
    (match, hex?: string, dec?: string, name?: string) => {
      if (hex) return String.fromCodePoint(parseInt(hex, 16));
      if (dec) return String.fromCodePoint(parseInt(dec, 10));
      return (name && ENTITIES[name]) ?? match;
    },
  );
}

interface Found {
  xml: string;
  /** True when the recording side sent the message, false when it received it. */
  sent: boolean;
}

/** The SAML message of `SAMLRequest=`/`SAMLResponse=` parameters in a query or a form. */
function fromParams(params: Map<string, string> | URLSearchParams): string | undefined {
  const encoded = params.get('SAMLRequest') ?? params.get('SAMLResponse');
  return encoded ? samlXml(encoded) : undefined;
}

function queryOf(url: string, base?: string): URLSearchParams | undefined {
  try {
    return new URL(url, base).searchParams;
  } catch {
    return undefined;
  }
}

/**
 * Where a SAML message is in a call: the request's query or form (redirect or POST binding), or the
 * response's redirect (Location) or auto-posting HTML form. The request's own message comes first.
 */
function findMessage(call: SsoCall): Found | undefined {
  const outgoing = call.direction !== 'INCOMING';
  const body = call.request?.body;
  const inRequest =
    (call.url.includes('SAML') ? fromParams(queryOf(call.url) ?? new URLSearchParams()) : undefined) ??
    (body?.includes('SAML') ? fromParams(formParams(body)) : undefined);
  if (inRequest) return { xml: inRequest, sent: outgoing };
  const location = header(call.response?.headers, 'location');
  const redirected = location?.includes('SAML') ? queryOf(location, call.url) : undefined;
  const inRedirect = redirected ? fromParams(redirected) : undefined;
  if (inRedirect) return { xml: inRedirect, sent: !outgoing };
  const page = call.response?.body;
  const field = page?.includes('SAML') ? FORM_FIELD.exec(page) : null;
  const value = field ? VALUE_ATTRIBUTE.exec(field[0])?.[1] : undefined;
  const inPage = value ? samlXml(unescapeXml(value)) : undefined;
  return inPage ? { xml: inPage, sent: !outgoing } : undefined;
}

const SSO_KINDS = new Set<string>(['AuthnRequest', 'Response', 'LogoutRequest', 'LogoutResponse']);

/**
 * Labels a SAML 2.0 call from its AuthnRequest, Response, LogoutRequest or LogoutResponse: the action
 * from the message (and its top-level StatusCode), the login from its NameID.
 */
export function recognizeSaml(call: SsoCall): SsoLabels | undefined {
  const found = findMessage(call);
  if (!found) return undefined;
  const root = ROOT.exec(found.xml)?.[1];
  if (!root || !SSO_KINDS.has(root)) return undefined;
  const kind = root as SamlKind;
  // The identity provider sends Responses and receives AuthnRequests; a service provider the reverse.
  // Logout requests are taken as the service provider's (SP-initiated logout is the usual case).
  const identityProvider = (kind === 'Response' || kind === 'LogoutResponse') === found.sent;
  const side = identityProvider ? 'CONNECTIONS' : 'APPLICATIONS';
  const nameId = NAME_ID.exec(found.xml)?.[1];
  const login = nameId ? unescapeXml(nameId).trim() || null : null;
  const status = STATUS_CODE.exec(found.xml)?.[1];
  const success =
    status !== undefined &&
    /:status:Success$/.test(status) &&
    !(typeof call.statusCode === 'number' && call.statusCode >= 400);
  switch (kind) {
    case 'AuthnRequest':
      return { action: 'SSO_INITIATED', requestType: `AUTHENTICATION_${side}`, login };
    case 'Response':
      return {
        action: success ? 'SSO_SUCCESSFUL' : 'SSO_FAILED',
        requestType: `AUTHENTICATION_${side}`,
        login,
      };
    case 'LogoutRequest':
      return { action: 'SLO_INITIATED', requestType: `LOGOUT_${side}`, login };
    case 'LogoutResponse':
      return { action: success ? 'SLO_SUCCESSFUL' : 'SLO_FAILED', requestType: `LOGOUT_${side}`, login };
  }
}
