import {
  AUTH_CREDENTIAL,
  AUTH_SCHEME,
  CARD,
  ESCAPED_JSON_PAIR,
  HEADER_LINE,
  JSON_PAIR,
  JSON_STRING_TAIL,
  JWT,
  LINE_TAIL,
  MASK,
  PAIR,
  PAIR_TAILS,
  TOKEN_TAIL,
  URL_IN_TEXT,
  fieldSecrecy,
  headerSecrecy,
  isBearerCredential,
  isCardNumber,
  looksLikeCredential,
  paramSecrecy,
  valueSecrecy,
  type Secrecy,
} from './rules.js';
import { XmlScanner, type XmlSecrets } from './xml-scan.js';

/** Headers as recorded: repeated headers as arrays. */
export type HeaderRecord = Record<string, string | string[]>;

/** How a piece of text sits in a longer one, for the streaming transform. */
export interface TextContext {
  /** The text continues a line begun earlier (its start is not a line start). */
  continuesLine?: boolean;
  /** Called when a secret runs to the end of the text: what follows matching `tail` is the secret's rest. */
  open?: (tail: RegExp) => void;
}

const USER_INFO = /^([a-z][a-z0-9+.-]*:\/\/[^/?#@:]*):[^/?#@]*@/i;
const FORM_LIKE = /^[^\s=&]+=[^\s]*$/;
/** In `{ "name": "Authorization", "value": "…" }` (HAR headers, field diffs) the name says the value is secret. */
const NAME_KEY = /^(?:name|key|field|fieldname|attribute|property|header|param|parameter)$/i;
const VALUE_KEY = /^(?:value|values|old|new|oldvalue|newvalue|from|to|before|after|previous|current)$/i;
const AUTH_VALUE = /^(Bearer|Basic|Negotiate|NTLM|Digest|Token)([ \t]+)(\S)/i;

function maskable(value: unknown): boolean {
  if (value === null || value === '' || value === MASK || typeof value === 'boolean') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** Quick test for text that no baseline rule can touch (most values in a payload). */
const MAYBE_SECRET = /[:=<"]|\d{4}|eyJ|bearer|basic|negotiate|ntlm/i;

const endsAt = (offset: number, match: string, whole: string) => offset + match.length === whole.length;

/** A pattern of an organization's own, compiled by whoever owns the rules (the server uses RE2). */
export interface TextPattern {
  /** Replaces every match in `text` by `mask`. */
  replaceAll(text: string, mask: string): string;
}

/** What a masker adds to the baseline rules: more secret field names and patterns. */
export interface MaskerOptions {
  /** True for a field, header or parameter name that is a secret whatever the baseline says. */
  field?: (name: string) => boolean;
  /** Matches masked in any text. */
  patterns?: readonly TextPattern[];
}

/**
 * Masks secrets in payloads: the baseline rules (plus, through `options`, an organization's own). The
 * server masks with it before anything is stored, the SDK before a call leaves the process. Every
 * method returns its input unchanged (the same string, the same object) when there is nothing to mask.
 *
 * Secrets are judged by the field's name and by its value: `token_type: "Bearer"`, `*_supported`
 * lists, booleans and URLs under `*_endpoint`/`*_uri` names are kept; `code_verifier`, `client_assertion`,
 * `id_token_hint`, SAML assertions and anything that looks like a JWT or a bearer credential are masked.
 *
 * @example
 * ```ts
 * const masker = PayloadMasker.baseline;
 * masker.headers({ Authorization: 'Bearer abc123def456', Accept: 'text/plain' }); // Authorization: '***'
 * masker.url('https://idp/cb?code=abc&state=1'); // 'https://idp/cb?code=***&state=1'
 * ```
 */
export class PayloadMasker {
  /** The baseline rules alone. */
  static readonly baseline: PayloadMasker = new PayloadMasker();

  protected readonly patterns: readonly TextPattern[];
  private readonly customField: (name: string) => boolean;
  protected readonly xml: XmlSecrets = {
    element: (name) => this.fieldSecrecy(name) !== false,
    attribute: (name) => this.fieldSecrecy(name) !== false,
    keyName: (value) => value.length <= 100 && this.headerSecrecy(value) !== false,
  };

  constructor(options: MaskerOptions = {}) {
    this.customField = options.field ?? (() => false);
    this.patterns = options.patterns ?? [];
  }

  fieldSecrecy(name: string): Secrecy {
    return this.customField(name) ? 'strong' : fieldSecrecy(name);
  }

  headerSecrecy(name: string): Secrecy {
    return this.customField(name) ? 'strong' : headerSecrecy(name);
  }

  paramSecrecy(name: string): Secrecy {
    return this.customField(name) ? 'strong' : paramSecrecy(name);
  }

  /** Credential headers masked whole (`Authorization: ***`); other values masked as text. */
  headers(headers: HeaderRecord | undefined): HeaderRecord {
    // fromEntries: a header named `__proto__` stays a header.
    return Object.fromEntries(
      Object.entries(headers ?? {}).map(([name, value]) => {
        const secret = this.headerSecrecy(name) !== false;
        const one = (v: string) => (secret ? (v === '' ? v : MASK) : this.text(v));
        return [name, Array.isArray(value) ? value.map(one) : one(value)];
      }),
    );
  }

  /** A URL with the password of its user info, secret query and fragment parameters, and tokens in it masked. */
  url(url: string): string {
    return this.values(this.urlParams(url));
  }

  /** `a=1&password=x` → `a=1&password=***`: secret-named parameters masked, the rest kept byte for byte. */
  params(text: string): string {
    let changed = false;
    const pairs = text.split('&').map((pair) => {
      const eq = pair.indexOf('=');
      if (eq <= 0 || eq === pair.length - 1) return pair;
      const name = pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // a malformed escape: judge the name as written
      }
      const value = pair.slice(eq + 1);
      const secret =
        this.customField(decoded) || valueSecrecy(decoded, value, paramSecrecy(decoded)) !== false;
      const masked = secret ? MASK : this.values(value);
      if (masked === value) return pair;
      changed = true;
      return `${name}=${masked}`;
    });
    return changed ? pairs.join('&') : text;
  }

  /** A deep copy of a JSON value with secret-named fields and secrets in strings masked (the same value if none). */
  json<T>(value: T): T {
    return this.jsonValue(value) as T;
  }

  /**
   * A body masked according to its type: JSON field by field, form-encoded parameter by parameter
   * (`SAMLResponse=…`), XML element by element, anything else as text. A body with nothing to mask
   * comes back exactly as sent.
   */
  body(text: string, contentType = ''): string {
    const type = contentType.toLowerCase();
    const start = text.trimStart()[0];
    if (type.includes('json') || start === '{' || start === '[') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return this.text(text);
      }
      const masked = this.jsonValue(parsed);
      return masked === parsed ? text : JSON.stringify(masked, null, text.includes('\n') ? 2 : undefined);
    }
    if (type.includes('x-www-form-urlencoded') || (!type.includes('xml') && FORM_LIKE.test(text))) {
      return this.params(text);
    }
    return this.text(text);
  }

  /**
   * Free text (a log line, a message, an HTTP trace): XML elements and attributes, header lines,
   * `name=value` pairs, JSON pairs, URLs, Bearer/Basic credentials, JWTs, card numbers and the
   * organization's patterns.
   */
  text(text: string, context: TextContext = {}): string {
    if (this.patterns.length === 0 && !MAYBE_SECRET.test(text)) return text;
    return this.rules(XmlScanner.mask(text, this.xml), context, this.patterns);
  }

  private urlParams(url: string): string {
    const withoutPassword = url.replace(USER_INFO, `$1:${MASK}@`);
    return withoutPassword.replace(
      /([?#])([^#]*)/g,
      (_match, mark: string, rest: string) => mark + this.params(rest),
    );
  }

  /** Secrets recognizable by their look alone, wherever they are: credentials, JWTs, cards, custom patterns. */
  private values(
    text: string,
    patterns: readonly TextPattern[] = this.patterns,
    context: TextContext = {},
  ): string {
    let out = text;
    if (/bearer|basic|negotiate|ntlm/i.test(out)) {
      out = out.replace(
        AUTH_CREDENTIAL,
        (match, scheme: string, space: string, credential: string, offset: number, whole: string) => {
          if (!isBearerCredential(credential)) return match;
          if (endsAt(offset, match, whole)) context.open?.(TOKEN_TAIL);
          return `${scheme}${space}${MASK}`;
        },
      );
    }
    if (out.includes('eyJ')) {
      out = out.replace(JWT, (match, offset: number, whole: string) => {
        if (endsAt(offset, match, whole)) context.open?.(TOKEN_TAIL);
        return MASK;
      });
    }
    if (/\d{4}/.test(out)) out = out.replace(CARD, (match) => (isCardNumber(match) ? MASK : match));
    for (const pattern of patterns) out = pattern.replaceAll(out, MASK);
    return out;
  }

  /** Every text rule but XML, with `patterns` as the custom ones (the server streams with byte patterns). */
  protected rules(text: string, context: TextContext, patterns: readonly TextPattern[]): string {
    let out = text;
    const open = context.open;
    if (out.includes('://')) out = out.replace(URL_IN_TEXT, (url) => this.urlParams(url));
    if (out.includes(':')) {
      out = out.replace(
        HEADER_LINE,
        (match, lead: string, name: string, sep: string, value: string, offset: number, whole: string) =>
          this.headerLine(
            match,
            { lead, name, sep, value },
            offset === 0 && context.continuesLine === true,
            () => {
              if (endsAt(offset, match, whole)) open?.(LINE_TAIL);
            },
          ),
      );
    }
    if (out.includes('"')) {
      out = out.replace(
        JSON_PAIR,
        (match, name: string, sep: string, value: string, offset: number, whole: string) => {
          if (value.startsWith(`"${MASK}`) || value === `"${MASK}"` || this.fieldSecrecy(name) === false)
            return match;
          if (!value.startsWith('"')) return `"${name}"${sep}"${MASK}"`;
          const closed = value.length > 1 && value.endsWith('"');
          if (!closed && endsAt(offset, match, whole)) open?.(JSON_STRING_TAIL);
          return `"${name}"${sep}"${MASK}${closed ? '"' : ''}`;
        },
      );
      if (out.includes('\\"')) {
        out = out.replace(ESCAPED_JSON_PAIR, (match, name: string, sep: string, value: string) =>
          value === '' || value === MASK || this.fieldSecrecy(name) === false
            ? match
            : `\\"${name}\\"${sep}\\"${MASK}\\"`,
        );
      }
    }
    if (out.includes('=') || out.includes(':'))
      out = out.replace(PAIR, (...args: unknown[]) => this.pair(args, open));
    return this.values(out, patterns, context);
  }

  /** `Authorization: Bearer x` → `Authorization: Bearer ***`; `Cookie: a=1` → `Cookie: ***`. */
  private headerLine(
    match: string,
    line: { lead: string; name: string; sep: string; value: string },
    notALineStart: boolean,
    opened: () => void,
  ): string {
    const { lead, name, sep, value } = line;
    if (notALineStart || value.trim() === '' || value.startsWith(MASK)) return match;
    const secrecy = this.headerSecrecy(name);
    if (secrecy === false || (secrecy === 'weak' && !looksLikeCredential(value.trim()))) return match;
    const scheme = AUTH_VALUE.exec(value);
    if (scheme) {
      const rest = value.slice(scheme[1]!.length + scheme[2]!.length);
      if (rest.startsWith(MASK)) return match;
      opened();
      return `${lead}${name}${sep}${scheme[1]}${scheme[2]}${MASK}`;
    }
    opened();
    return `${lead}${name}${sep}${MASK}`;
  }

  /** One PAIR match: `name=value`, `name: value`, `name="value"`. */
  private pair(args: unknown[], open: ((tail: RegExp) => void) | undefined): string {
    const [match, name, sep, dq, dqEnd, sq, sqEnd, bare] = args as [
      string,
      string,
      string,
      ...(string | undefined)[],
    ];
    const offset = args[8] as number;
    const whole = args[9] as string;
    const value = dq ?? sq ?? bare ?? '';
    if (value === '' || value.startsWith(MASK)) return match;
    const colon = sep.includes(':');
    const inForm =
      whole[offset - 1] === '&' || whole[offset - 1] === '?' || whole[offset + match.length] === '&';
    const secrecy = colon
      ? name.includes('-')
        ? this.headerSecrecy(name)
        : this.fieldSecrecy(name)
      : inForm
        ? this.paramSecrecy(name)
        : this.fieldSecrecy(name);
    if (secrecy === false) return match;
    if (colon && (AUTH_SCHEME.test(value) || (secrecy === 'weak' && !looksLikeCredential(value))))
      return match;
    const atEnd = endsAt(offset, match, whole);
    if (dq !== undefined) {
      if (dqEnd === '' && atEnd) open?.(PAIR_TAILS['"']);
      return `${name}${sep}"${MASK}${dqEnd ?? ''}`;
    }
    if (sq !== undefined) {
      if (sqEnd === '' && atEnd) open?.(PAIR_TAILS["'"]);
      return `${name}${sep}'${MASK}${sqEnd ?? ''}`;
    }
    if (atEnd) open?.(PAIR_TAILS.bare);
    return `${name}${sep}${MASK}`;
  }

  private jsonValue(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value);
    // A card number sent as a number is still one (13+ digits: no count or amount is that long).
    if (typeof value === 'number')
      return value >= 1e12 && Number.isInteger(value) && isCardNumber(String(value)) ? MASK : value;
    if (value === null || typeof value !== 'object') return value;
    // Ingest walks every action's details: nothing is allocated unless something is masked.
    if (Array.isArray(value)) {
      let out: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        const masked = this.jsonValue(item);
        if (masked !== item) (out ??= value.slice())[i] = masked;
      }
      return out ?? value;
    }
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    let namedSecret = false;
    for (const k of keys) {
      const v = record[k];
      if (NAME_KEY.test(k) && typeof v === 'string' && v.length <= 100 && this.headerSecrecy(v) !== false) {
        namedSecret = true;
        break;
      }
    }
    let out: [string, unknown][] | undefined;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const v = record[k];
      const secret =
        this.customField(k) ||
        valueSecrecy(k, v, fieldSecrecy(k)) !== false ||
        (namedSecret && VALUE_KEY.test(k));
      const masked = secret && maskable(v) ? MASK : this.jsonValue(v);
      if (masked !== v && !out) out = keys.slice(0, i).map((key): [string, unknown] => [key, record[key]]);
      out?.push([k, masked]);
    }
    // fromEntries: a field named `__proto__` stays a field.
    return out ? Object.fromEntries(out) : value;
  }
}
