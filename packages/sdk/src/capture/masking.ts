/**
 * Masking of secrets in recorded calls, applied before a call leaves the process. The rules are the
 * server's own (`PayloadMasker` in @synctrail/types), so what the SDK keeps and masks is what the
 * server would; the server masks again on arrival, with the organization's own rules as well.
 */
import { MASK, PayloadMasker, fieldSecrecy, type HeaderRecord } from '@synctrail/types';

export { MASK, type HeaderRecord };

const masker = PayloadMasker.baseline;

/**
 * True when a field of that name holds a secret (in JSON, XML and forms; `token` and the like count).
 *
 * @example
 * ```ts
 * isSecretField('clientSecret'); // true
 * isSecretField('token_endpoint'); // false
 * ```
 */
export function isSecretField(name: string): boolean {
  return fieldSecrecy(name) !== false;
}

/**
 * Headers with credential-bearing values masked: Authorization, Proxy-Authorization, Cookie,
 * Set-Cookie, X-Api-Key, X-Auth-Token and any other key-, token-, secret- or auth-named header;
 * secrets in other headers' values (a `Location` with a `code=`) masked as well.
 *
 * @example
 * ```ts
 * maskHeaders({ authorization: 'Bearer abc', accept: 'application/json' });
 * // { authorization: '***', accept: 'application/json' }
 * ```
 */
export function maskHeaders(headers: HeaderRecord): HeaderRecord {
  return masker.headers(headers);
}

/**
 * A URL with its password and secret query or fragment parameters (`token`, `api_key`, `key`, `sig`,
 * `code`, `code_verifier`, `id_token_hint`…) masked, and tokens in its path too.
 *
 * @example
 * ```ts
 * maskUrl('https://api.example.com/v1/items?api_key=abc&page=2');
 * // 'https://api.example.com/v1/items?api_key=***&page=2'
 * ```
 */
export function maskUrl(url: string): string {
  return masker.url(url);
}

/**
 * A copy of a JSON value with secret fields masked, judged by name and value: `client_secret` and
 * `refresh_token` go, `token_type: "Bearer"`, `*_supported` lists and `*_endpoint` URLs stay.
 *
 * @example
 * ```ts
 * maskJson({ user: 'ada', auth: { clientSecret: 's3cr3t' } }); // { user: 'ada', auth: { clientSecret: '***' } }
 * ```
 */
export function maskJson(value: unknown): unknown {
  return masker.json(value);
}

/**
 * Masks credentials in free text: Bearer/Basic credentials, JWTs, card numbers, and the values of
 * secret-named fields written as JSON, XML, header lines or `name=value`.
 *
 * @example
 * ```ts
 * maskText('retrying with Authorization: Bearer abcdefghijk1'); // 'retrying with Authorization: Bearer ***'
 * ```
 */
export function maskText(text: string): string {
  return masker.text(text);
}

/**
 * Masks a recorded body according to its type: JSON field by field, forms parameter by parameter
 * (`SAMLResponse=…`), XML element by element (a SAML assertion whole), anything else as text.
 *
 * @example
 * ```ts
 * maskBody('{"user":"ada","password":"hunter2"}', 'application/json'); // '{"user":"ada","password":"***"}'
 * ```
 */
export function maskBody(text: string, contentType: string | undefined): string {
  return masker.body(text, contentType ?? '');
}
