/**
 * Masking of secrets in recorded calls, applied before a call leaves the process. The server masks
 * again on arrival; this copy exists so that secrets never travel to it in the first place.
 */

/**
 * What a masked value becomes (the server uses the same marker).
 *
 * @example
 * ```ts
 * if (call.request?.headers?.authorization === MASK) console.log('masked');
 * ```
 */
export const MASK = '***';

/** Field names (JSON, forms, query strings, XML elements) whose values are secrets. */
const SECRET_FIELD =
  /passw(?:or)?d|passphrase|^pass$|^pwd$|secret|token|api[-_]?key|private[-_]?key|access[-_]?key|credential|authorization|cookie|^session(?:[-_]?id)?$|signature|saml(?:response|assertion)|client[-_]?assertion/i;
/** Further names that are secrets in URLs and forms only: `?key=` (API keys), `sig=` (signed URLs), OAuth `code=`. */
const SECRET_URL_FIELD = /^(?:key|sig|code)$/i;
/** Further header names: `…-Key` (`Ocp-Apim-Subscription-Key`), `X-Auth-…`, `Proxy-Authorization`, `X-Session-Id`. */
const SECRET_HEADER = /(?:^|-)key$|auth|session/i;

/**
 * True when a field of that name holds a secret.
 *
 * @example
 * ```ts
 * isSecretField('clientSecret'); // true
 * isSecretField('name'); // false
 * ```
 */
export function isSecretField(name: string): boolean {
  return SECRET_FIELD.test(name);
}

function isSecretUrlField(name: string): boolean {
  return SECRET_FIELD.test(name) || SECRET_URL_FIELD.test(name);
}

/**
 * Headers as recorded: names in lower case, repeated headers as arrays.
 *
 * @example
 * ```ts
 * const headers: HeaderRecord = { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'] };
 * ```
 */
export type HeaderRecord = Record<string, string | string[]>;

/**
 * Headers with credential-bearing values masked: Authorization, Proxy-Authorization, Cookie,
 * Set-Cookie, X-Api-Key, X-Auth-Token and any other key-, token-, secret- or auth-named header.
 *
 * @example
 * ```ts
 * maskHeaders({ authorization: 'Bearer abc', accept: 'application/json' });
 * // { authorization: '***', accept: 'application/json' }
 * ```
 */
export function maskHeaders(headers: HeaderRecord): HeaderRecord {
  const out: HeaderRecord = {};
  for (const [name, value] of Object.entries(headers)) {
    const secret = SECRET_FIELD.test(name) || SECRET_HEADER.test(name);
    out[name] = secret
      ? Array.isArray(value)
        ? value.map(() => MASK)
        : MASK
      : Array.isArray(value)
        ? value.map(maskText)
        : maskText(value);
  }
  return out;
}

/** Masks secret-named parameters of `a=1&b=2`, keeping everything else byte for byte. */
function maskParams(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      let name: string;
      try {
        name = decodeURIComponent(pair.slice(0, eq).replace(/\+/g, ' '));
      } catch {
        name = pair.slice(0, eq);
      }
      return isSecretUrlField(name) ? `${pair.slice(0, eq)}=${MASK}` : pair;
    })
    .join('&');
}

/**
 * A URL with its password and secret query parameters (`token`, `api_key`, `key`, `sig`,
 * `password`…) masked, and tokens in its path too.
 *
 * @example
 * ```ts
 * maskUrl('https://api.example.com/v1/items?api_key=abc&page=2');
 * // 'https://api.example.com/v1/items?api_key=***&page=2'
 * ```
 */
export function maskUrl(url: string): string {
  let out = url;
  const auth = /^([a-z][a-z0-9+.-]*:\/\/[^/?#@:]*):[^/?#@]*@/i;
  out = out.replace(auth, `$1:${MASK}@`);
  const q = out.indexOf('?');
  if (q >= 0) {
    const hash = out.indexOf('#', q);
    const end = hash < 0 ? out.length : hash;
    out = `${out.slice(0, q + 1)}${maskParams(out.slice(q + 1, end))}${out.slice(end)}`;
  }
  return maskText(out);
}

/**
 * A deep copy of a JSON value with every secret-named field's value masked (and credentials in its strings).
 *
 * @example
 * ```ts
 * maskJson({ user: 'ada', auth: { clientSecret: 's3cr3t' } }); // { user: 'ada', auth: { clientSecret: '***' } }
 * ```
 */
export function maskJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskJson);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        isSecretField(k) && v !== null && v !== '' ? MASK : maskJson(v),
      ]),
    );
  }
  return typeof value === 'string' ? maskText(value) : value;
}

/** Left in place before a masked credential: `Authorization: Bearer ***` says which scheme was used. */
const AUTH_SCHEME = /^(?:Bearer|Basic|Negotiate|NTLM)$/i;

const TEXT_PATTERNS: [RegExp, string | ((...groups: string[]) => string)][] = [
  // Authorization schemes followed by a credential.
  [/\b(Bearer|Basic|Negotiate|NTLM)\s+[A-Za-z0-9\-._~+/]{8,}=*/g, `$1 ${MASK}`],
  // JSON Web Tokens anywhere.
  [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, MASK],
  // "password": "…" in JSON that could not be parsed (e.g. cut at the size limit), the last value maybe unterminated.
  [
    /"([^"\\]{1,100})"(\s*:\s*)"(?:[^"\\]|\\.)*(?:"|$)/g,
    (match, name = '', sep = '') => (isSecretField(name) ? `"${name}"${sep}"${MASK}"` : match),
  ],
  // <password>…</password>, <ns:Token>…</ns:Token> in XML and SOAP.
  [
    /<((?:[\w-]+:)?([\w-]+))(\s[^>]*)?>([^<]*)<\/\1>/g,
    (match, tag = '', local = '', attrs = '') =>
      isSecretField(local) ? `<${tag}${attrs}>${MASK}</${tag}>` : match,
  ],
  // password=…, api_key: …, password="…" in free text, forms and XML attributes.
  [
    /([\w.-]{1,100})(\s*[=:]\s*)(["']?)([^\s"'&,;<>]+)/g,
    (match, name = '', sep = '', quote = '', value = '') =>
      isSecretField(name) && value !== MASK && !AUTH_SCHEME.test(value)
        ? `${name}${sep}${quote}${MASK}`
        : match,
  ],
];

/**
 * Masks credentials in free text: Bearer/Basic credentials, JWTs, and the values of secret-named
 * fields written as JSON, XML or `name=value`.
 *
 * @example
 * ```ts
 * maskText('retrying with Authorization: Bearer abcdefghijk'); // 'retrying with Authorization: ***'
 * ```
 */
export function maskText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of TEXT_PATTERNS) {
    out = out.replace(pattern, replacement as (substring: string, ...args: string[]) => string);
  }
  return out;
}

/**
 * Masks a recorded body according to its type: JSON fields by name, form fields by name, and
 * credentials in any text.
 *
 * @example
 * ```ts
 * maskBody('{"user":"ada","password":"hunter2"}', 'application/json'); // '{"user":"ada","password":"***"}'
 * ```
 */
export function maskBody(text: string, contentType: string | undefined): string {
  const type = contentType?.toLowerCase() ?? '';
  const trimmed = text.trimStart();
  if (type.includes('json') || trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text);
      return JSON.stringify(maskJson(parsed), null, text.includes('\n') ? 2 : undefined);
    } catch {
      return maskText(text);
    }
  }
  if (type.includes('x-www-form-urlencoded')) return maskText(maskParams(text));
  return maskText(text);
}
