import type { HttpMessage } from '@synctrail/types';
import { MASK, isSecretName, maskHeaders, maskJson } from '../shared/masking.js';

/** A request or response as stored: headers and body with secrets masked. */
export interface StoredMessage {
  headers: Record<string, string | string[]>;
  body: string | null;
}

type Headers = Record<string, string | string[]>;

// PostgreSQL refuses NUL characters in text and jsonb, and unpaired surrogates in jsonb; a log
// must still keep the call, so both become U+FFFD on every engine alike.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function storable(text: string): string {
  return text.replaceAll('\u0000', '\uFFFD').replace(LONE_SURROGATE, '\uFFFD');
}

export function storableOrNull(text: string | null | undefined): string | null {
  return text === null || text === undefined ? null : storable(text);
}

/** `a=1&password=x` → `a=1&password=***`; everything but secret-named values is kept byte for byte. */
export function maskPairs(text: string): string {
  return text
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq <= 0 || eq === pair.length - 1) return pair;
      const name = pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // a malformed escape: judge the name as written
      }
      return isSecretName(decoded) ? `${name}=${MASK}` : pair;
    })
    .join('&');
}

/** A URL with the password of its user info and secret-named query or fragment parameters masked. */
export function maskUrl(url: string): string {
  const withoutPassword = url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#@:]*):[^/?#@]*@/i, `$1:${MASK}@`);
  return withoutPassword.replace(
    /([?#])([^#]*)/g,
    (_match, mark: string, rest: string) => mark + maskPairs(rest),
  );
}

function contentType(headers: Headers | undefined): string {
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === 'content-type')
      return (Array.isArray(value) ? value.join(',') : value).toLowerCase();
  }
  return '';
}

/**
 * A body with secrets masked: JSON field by field, form-encoded bodies (SAMLResponse=…) parameter by
 * parameter, other text as sent. A body with nothing to mask is kept exactly as sent.
 */
export function maskBody(body: string, type = ''): string {
  const start = body.trimStart()[0];
  if (start === '{' || start === '[') {
    try {
      const parsed: unknown = JSON.parse(body);
      const masked = maskJson(parsed);
      return JSON.stringify(masked) === JSON.stringify(parsed) ? body : JSON.stringify(masked);
    } catch {
      // not JSON after all: fall through
    }
  }
  if (type.includes('application/x-www-form-urlencoded') || /^[^\s=&]+=[^\s]*$/.test(body))
    return maskPairs(body);
  return body;
}

/** What is stored of a request or response: storable text, secrets masked. */
export function toStoredMessage(message: HttpMessage | undefined): StoredMessage {
  const headers: Headers = {};
  for (const [name, value] of Object.entries(maskHeaders(message?.headers))) {
    headers[storable(name)] = Array.isArray(value) ? value.map(storable) : storable(value);
  }
  const body = message?.body;
  return {
    headers,
    body:
      body === null || body === undefined ? null : storable(maskBody(body, contentType(message?.headers))),
  };
}
