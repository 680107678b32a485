/**
 * The baseline masking rules: which names hold secrets, and what a secret looks like in free text.
 * Everything here is ASCII-only on purpose: artifacts are scanned as latin1 (one character per byte),
 * so that a masked file keeps every byte that was not a secret, whatever its encoding.
 */

/** What a masked value becomes (the SDK uses the same marker). */
export const MASK = '***';

/**
 * How sure a name is a secret's. `weak` names (a bare "token", "session", "secret") are ordinary words
 * too: in structured data they are masked, in prose only when a credential-looking value follows.
 */
export type Secrecy = 'strong' | 'weak' | false;

/** `ns:Password` → `Password`; `urn:…:User` → `User`. */
export function localName(name: string): string {
  const colon = name.lastIndexOf(':');
  return colon >= 0 ? name.slice(colon + 1) : name;
}

function normalize(name: string): string {
  return localName(name)
    .replace(/^amp;/, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

const SESSION =
  /^(?:session|sessionid|sessid|jsessionid|phpsessid|aspnetsessionid|sessiontoken|sessionkey|sessioncookie)$/;
/** Names that describe a secret rather than hold one (`token_type`, `passwordExpiresAt`, `apiKeyId`…). */
const DESCRIPTOR =
  /(?:type|types|typehint|supported|url|uri|endpoint|expiry|expires|expiresin|expiresat|expiration|ttl|lifetime|(?<!ac)count|length|policy|method|methods|algorithm|alg|format|version|enabled|required|status|consent|domain|path|id|ids|name|names|at|date|time|timestamp|lastset|changed|updated|created|rotated)$/;
/** Cursors and look-alikes: `nextPageToken`, `$skiptoken`, `secretary`. */
const ORDINARY =
  /secretar(?:y|ies)|(?:page|next|skip|delta|sync|continuation|resumption|cursor)token|tokeni[sz]/;
const WEAK = new Set([
  'token',
  'tokens',
  'session',
  'signature',
  'assertion',
  'credential',
  'credentials',
  'secret',
  'secrets',
  'pass',
]);
const STRONG =
  /passw(?:or)?d|passphrase|pwd$|secret|token|apikey|accesskey|privatekey|credential|authorization|cookie|samlresponse|samlassertion|assertion$|verifier$|signature|(?:api|access|secret|private|signing|encryption|decryption|master|subscription|account|shared|app|application|client|consumer|hmac|license|sas|ssh|webhook|service|auth)key$/;

/** Names repeat from payload to payload: each is judged once (the cache is bounded, names are short). */
function memo(judge: (name: string) => Secrecy): (name: string) => Secrecy {
  const cache = new Map<string, Secrecy>();
  return (name) => {
    if (name.length > 200) return judge(name);
    let secrecy = cache.get(name);
    if (secrecy === undefined) {
      secrecy = judge(name);
      if (cache.size >= 20_000) cache.clear();
      cache.set(name, secrecy);
    }
    return secrecy;
  };
}

/**
 * Whether a field of that name (JSON, form, XML element or attribute, query parameter) holds a secret.
 *
 * @example
 * ```ts
 * fieldSecrecy('client_secret'); // 'strong'
 * fieldSecrecy('token'); // 'weak'
 * fieldSecrecy('token_type'); // false
 * ```
 */
export const fieldSecrecy = memo((name: string): Secrecy => {
  const n = normalize(name);
  if (n.length === 0 || n.length > 100) return false;
  if (SESSION.test(n)) return n === 'session' ? 'weak' : 'strong';
  if (ORDINARY.test(n) || DESCRIPTOR.test(n)) return false;
  if (WEAK.has(n)) return 'weak';
  return STRONG.test(n) ? 'strong' : false;
});

/** Further header names: `…-Key` (`Ocp-Apim-Subscription-Key`), `X-Auth-…`, `…-Signature`, `…Cookie`. */
const SECRET_HEADER =
  /(?:^|-)(?:key|auth|token|secret|signature|sig|session|session-id|credentials?|assertion)$|^x-auth-|^proxy-authorization$|cookie$/i;

/**
 * Whether a header of that name carries a credential (Authorization, Cookie, Set-Cookie, X-Api-Key…).
 *
 * @example
 * ```ts
 * headerSecrecy('Ocp-Apim-Subscription-Key'); // 'strong'
 * headerSecrecy('WWW-Authenticate'); // false: a challenge, not a credential
 * ```
 */
export const headerSecrecy = memo((name: string): Secrecy =>
  SECRET_HEADER.test(name) ? 'strong' : fieldSecrecy(name),
);

/** Names that are secrets in URLs and forms only: `?key=` (API keys), `sig=` (signed URLs), OAuth `code=`. */
const URL_ONLY = /^(?:key|sig|code)$/i;

export const paramSecrecy = memo((name: string): Secrecy =>
  URL_ONLY.test(name.replace(/^amp;/, '')) ? 'strong' : fieldSecrecy(name),
);

/** Name endings that say the value is an address (`token_endpoint`, `jwks_uri`, `issuerUrl`). */
const ADDRESS = /(?:url|uri|endpoint|iframe|location|link|href)$/;
/** `https://…`, `urn:…`, `myapp:/cb`, `/path`: an address, not a credential. */
const ADDRESS_VALUE = /^(?:[a-z][a-z0-9+.-]*:|\/)[^\s]*$/i;
const LOOSE_CODE = /^(?:code|authcode)$/;
/** A long run of token characters: an authorization code rather than an error code (`AADSTS50126`). */
const LONG_TOKEN = /^[A-Za-z0-9+/_\-.~=]{16,}$/;

function decoded(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

/**
 * Refines what a field's name says (`secrecy`) with its value, for names that describe rather than
 * hold a secret, or hold one only sometimes:
 * - booleans and null are never secrets (`"password": null`, `require_pkce: true`);
 * - under an address name (`token_endpoint`, `*_uri`, `*_url`) a URL is kept, while any other value is
 *   judged by the rest of the name (`token_uri: "ya29…"` is a token);
 * - a JSON `code` (often an error code: `"code": "invalid_grant"`) is masked when it is a long run of
 *   token characters (an OAuth authorization code), kept otherwise.
 *
 * @example
 * ```ts
 * valueSecrecy('token_endpoint', 'https://idp.example.com/token', false); // false
 * valueSecrecy('token_endpoint', 'ya29.a0AfH6SMB', false); // 'weak': judged as "token"
 * valueSecrecy('code', 'SplxlOBeZQQYbYS6WxSbIA', false); // 'strong'
 * ```
 */
export function valueSecrecy(name: string, value: unknown, secrecy: Secrecy): Secrecy {
  if (typeof value === 'boolean' || value === null || value === undefined) return false;
  if (secrecy === false && typeof value === 'string' && value !== '') {
    const { addressAt, stem, looseCode } = nameFacts(name);
    if (addressAt > 0 && !ADDRESS_VALUE.test(decoded(value))) return fieldSecrecy(stem);
    if (looseCode && LONG_TOKEN.test(value) && /[a-z]/.test(value) && /[A-Z0-9]/.test(value)) return 'strong';
  }
  return secrecy;
}

interface NameFacts {
  /** Where an address ending (`url`, `endpoint`…) starts in the normalized name; -1 without one. */
  addressAt: number;
  /** The normalized name before that ending. */
  stem: string;
  looseCode: boolean;
}

const NO_ADDRESS: NameFacts = { addressAt: -1, stem: '', looseCode: false };
const nameFactsCache = new Map<string, NameFacts>();

/**
 * What `valueSecrecy` reads from a name, worked out once per name (ingest asks for every field of
 * every action's details: normalizing each time was a third of the masking's allocations).
 */
function nameFacts(name: string): NameFacts {
  let facts = nameFactsCache.get(name);
  if (facts) return facts;
  const n = normalize(name);
  const address = ADDRESS.exec(n);
  const looseCode = LOOSE_CODE.test(n);
  facts =
    address || looseCode
      ? { addressAt: address ? address.index : -1, stem: address ? n.slice(0, address.index) : '', looseCode }
      : NO_ADDRESS;
  if (name.length <= 200) {
    if (nameFactsCache.size >= 20_000) nameFactsCache.clear();
    nameFactsCache.set(name, facts);
  }
  return facts;
}

/** Left in place before a masked credential: `Authorization: Bearer ***` says which scheme was used. */
export const AUTH_SCHEME = /^(?:Bearer|Basic|Negotiate|NTLM)$/i;

/**
 * Whether a value next to a weak name looks like a credential rather than a word of prose:
 * six characters or more with a digit, or a long run of token characters.
 */
export function looksLikeCredential(value: string): boolean {
  if (value.length >= 6 && /\d/.test(value) && !/[ \t]/.test(value)) return true;
  return /^[A-Za-z0-9+/_\-.~=]{16,}$/.test(value) && /[a-z]/.test(value) && /[A-Z0-9]/.test(value);
}

/** An Authorization scheme followed by a credential (a word of prose after "Bearer" is left alone). */
export const AUTH_CREDENTIAL = /\b(Bearer|Basic|Negotiate|NTLM)([ \t]+)([A-Za-z0-9\-._~+/]+=*)/gi;
export const TOKEN_TAIL = /^[A-Za-z0-9\-._~+/=]*/;

export function isBearerCredential(value: string): boolean {
  if (value.length < 8) return false;
  return (
    /\d/.test(value) ||
    /[+/=]/.test(value) ||
    (value.length >= 16 && /[a-z]/.test(value) && /[A-Z]/.test(value))
  );
}

/** A JSON Web Token (signed, or encrypted with five parts). */
export const JWT =
  /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)?/g;

/** `scheme://…`, up to the first character that cannot be part of a URL in running text. */
export const URL_IN_TEXT = /\b[a-zA-Z][a-zA-Z0-9+.-]{1,20}:\/\/[^ \t\r\n"'<>`]+/g;

/** A header line of an HTTP trace (`> Cookie: …`, `    Authorization: …`), or a `name: value` line. */
export const HEADER_LINE =
  /^([ \t]*(?:[<>*][ \t]*)?)([A-Za-z][A-Za-z0-9_-]{0,99})([ \t]*:[ \t]*)([^\r\n]*)/gm;
export const LINE_TAIL = /^[^\r\n]*/;

/** `"name": "value"` or `"name": 123` in JSON that is not parsed (embedded in a log line, cut short). */
export const JSON_PAIR = /"([^"\\\r\n]{1,100})"([ \t]*:[ \t]*)("(?:[^"\\]|\\.)*(?:"|$)|-?\d[\d.eE+-]*)/g;
export const JSON_STRING_TAIL = /^(?:[^"\\]|\\.)*/;
/** The same, escaped inside a JSON string: `{\"password\":\"x\"}`. */
export const ESCAPED_JSON_PAIR = /\\"([^"\\\r\n]{1,100})\\"([ \t]*:[ \t]*)\\"((?:[^"\\]|\\[^"])*)\\"/g;

/** `name=value`, `name: value`, `name="value with spaces"` in free text, forms and traces. */
export const PAIR =
  /(?<![\w.\-"'\\])([A-Za-z_][\w.-]{0,99})([ \t]*[=:][ \t]*)(?:"([^"\r\n]*)("|$)|'([^'\r\n]*)('|$)|([^ \t\r\n"'&;,<>()]+))/g;
export const PAIR_TAILS = {
  '"': /^[^"\r\n]*/,
  "'": /^[^'\r\n]*/,
  bare: /^[^ \t\r\n"'&;,<>()]*/,
} as const;

/**
 * 13 to 19 digits, optionally grouped by spaces or dashes, standing alone (not part of a longer number,
 * a UUID, a decimal or a phone number with its `+`).
 */
export const CARD = /(?<![\w.+-])(?<!\d[ -])\d(?:[ -]?\d){12,18}(?![\w+]|[ -]\d|\.\d)/g;

/** Issuer prefixes of payment cards: Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay, Maestro, Mir. */
const CARD_ISSUER = /^(?:4|5[0-9]|2[2-7]|3[0-9]|6|81)/;

export function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = digits.length - 1, double = false; i >= 0; i--, double = !double) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Whether a CARD match is a payment card number: one kind of separator, an issuer prefix, a Luhn check digit. */
export function isCardNumber(candidate: string): boolean {
  const separators = new Set(candidate.replace(/\d/g, ''));
  if (separators.size > 1) return false;
  const digits = candidate.replace(/\D/g, '');
  return digits.length >= 13 && digits.length <= 19 && CARD_ISSUER.test(digits) && luhn(digits);
}
