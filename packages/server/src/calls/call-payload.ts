import type { HttpMessage } from '@synctrail/types';
import { Masker, type HeaderRecord } from '../masking/masker.js';

/** A request or response as stored: headers and body with secrets masked. */
export interface StoredMessage {
  headers: HeaderRecord;
  body: string | null;
}

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
export function maskPairs(text: string, masker = Masker.baseline): string {
  return masker.params(text);
}

/** A URL with the password of its user info, secret-named query or fragment parameters and tokens masked. */
export function maskUrl(url: string, masker = Masker.baseline): string {
  return masker.url(url);
}

function contentType(headers: HeaderRecord | undefined): string {
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === 'content-type')
      return (Array.isArray(value) ? value.join(',') : value).toLowerCase();
  }
  return '';
}

/**
 * A body with secrets masked: JSON field by field, form-encoded bodies (SAMLResponse=…) parameter by
 * parameter, XML element by element, other text as text. A body with nothing to mask is kept exactly as sent.
 */
export function maskBody(body: string, type = '', masker = Masker.baseline): string {
  return masker.body(body, type);
}

/** What is stored of a request or response: storable text, secrets masked (by the organization's rules when given). */
export function toStoredMessage(message: HttpMessage | undefined, masker = Masker.baseline): StoredMessage {
  const headers: HeaderRecord = Object.fromEntries(
    Object.entries(masker.headers(message?.headers)).map(([name, value]) => [
      storable(name),
      Array.isArray(value) ? value.map(storable) : storable(value),
    ]),
  );
  const body = message?.body;
  return {
    headers,
    body:
      body === null || body === undefined ? null : storable(masker.body(body, contentType(message?.headers))),
  };
}
