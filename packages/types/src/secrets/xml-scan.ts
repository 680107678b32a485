import { MASK, localName } from './rules.js';

/**
 * Which XML names hold secrets. `element` and `attribute` judge a name; `keyName` judges the value of
 * a `key`/`name` attribute, for `<add key="ClientSecret" value="…"/>` as .NET configurations write it.
 */
export interface XmlSecrets {
  element(name: string): boolean;
  attribute(name: string): boolean;
  keyName(value: string): boolean;
}

/** How far ahead the scanner looks for the end of a tag, a comment or a secret element. */
export const XML_WINDOW = 256 * 1024;

interface Construct {
  /** Index just past the construct. */
  end: number;
  /** Its masked text, when it differs from the input. */
  text?: string;
}

const MORE = 'more' as const;
type Scan = Construct | typeof MORE | undefined;

const NAME_START = /[A-Za-z_]/;
const NAME_END = /[\s/>]/;
const ATTRIBUTE = /(\s)([^\s=/>"']+)(\s*=\s*)(?:"([^"]*)"|'([^']*)')/g;
const KEY_ATTRIBUTE = /^(?:key|name)$/i;
const VALUE_ATTRIBUTE = /^value$/i;

/**
 * Masks the content of secret-named XML elements (`<wsse:Password>`, `<saml:Assertion>`…) and the values
 * of secret-named attributes, keeping every other character as it was. It is a scanner, not a parser:
 * it accepts fragments and XML embedded in other text (HTTP traces), and when something is not XML
 * after all (`a < b`, `usage: login <password>`), it leaves it as text. Fed piece by piece it holds
 * back at most `window` characters (an unfinished tag, or a secret element whose end has not come).
 *
 * We scan by hand rather than with an XML library: the parsers we looked at either reject fragments
 * and mixed text, report positions only as line/column, or buffer an unterminated comment or tag
 * without limit, and masking must not rewrite anything else or hold a 100 MB artifact in memory.
 */
export class XmlScanner {
  private carry = '';

  constructor(
    private readonly secrets: XmlSecrets,
    private readonly window = XML_WINDOW,
  ) {}

  /** The masked text that is final so far; the rest is held back until more arrives. */
  push(text: string): string {
    return this.scan(this.carry + text, false);
  }

  /** The masked remainder, once the input has ended. */
  end(): string {
    return this.scan(this.carry, true);
  }

  /** Masks a whole text at once. */
  static mask(text: string, secrets: XmlSecrets): string {
    return text.includes('<') ? new XmlScanner(secrets).scan(text, true) : text;
  }

  private scan(buf: string, final: boolean): string {
    const finder = new Finder(buf);
    let out = '';
    let from = 0;
    let i = 0;
    for (;;) {
      const lt = buf.indexOf('<', i);
      if (lt < 0) break;
      const found = this.construct(buf, lt, final, finder);
      if (found === MORE) {
        this.carry = buf.slice(lt);
        return out + buf.slice(from, lt);
      }
      if (found === undefined) {
        i = lt + 1;
        continue;
      }
      if (found.text !== undefined) {
        out += buf.slice(from, lt) + found.text;
        from = found.end;
      }
      i = found.end;
    }
    this.carry = '';
    return from === 0 ? buf : out + buf.slice(from);
  }

  /** What starts at `at` (a `<`): a construct, MORE (wait for input), or undefined (just text). */
  private construct(buf: string, at: number, final: boolean, finder: Finder): Scan {
    const unsure = !final && buf.length - at < this.window ? MORE : undefined;
    if (buf.length - at < 2) return unsure;
    if (buf.startsWith('<!--', at)) return this.until(finder, at + 4, '-->', unsure);
    if (buf.startsWith('<![CDATA[', at)) return this.until(finder, at + 9, ']]>', unsure);
    if (buf.startsWith('<?', at)) return this.until(finder, at + 2, '?>', unsure);
    if (buf.startsWith('<!', at) || buf.startsWith('</', at)) return this.until(finder, at + 2, '>', unsure);
    if (!NAME_START.test(buf[at + 1] ?? '')) return undefined;
    return this.element(buf, at, unsure, finder);
  }

  private until(finder: Finder, from: number, terminator: string, unsure: Scan): Scan {
    const end = finder.next(terminator, from);
    if (end < 0 || end - from > this.window) return end < 0 ? unsure : undefined;
    return { end: end + terminator.length };
  }

  /** A start tag: its secret attributes masked and, for a secret element, its content too. */
  private element(buf: string, at: number, unsure: Scan, finder: Finder): Scan {
    const gt = tagEnd(buf, at + 1, Math.min(buf.length, at + this.window));
    if (gt === 'not-a-tag') return undefined;
    if (gt < 0) return buf.length - at >= this.window ? undefined : unsure;
    let nameEnd = at + 1;
    while (nameEnd < gt && !NAME_END.test(buf[nameEnd] ?? '')) nameEnd++;
    const name = buf.slice(at + 1, nameEnd);
    const tag = buf.slice(at, gt + 1);
    const masked = this.attributes(tag);
    const plain: Construct = masked === tag ? { end: gt + 1 } : { end: gt + 1, text: masked };
    if (buf[gt - 1] === '/' || !this.secrets.element(localName(name))) return plain;
    const close = finder.closingTag(name, gt + 1, Math.min(buf.length, at + this.window));
    if (!close) return buf.length - at >= this.window ? plain : (unsure ?? plain);
    const content = buf.slice(gt + 1, close.start);
    if (content.trim() === '' || content === MASK) return plain;
    return { end: close.end, text: masked + MASK + buf.slice(close.start, close.end) };
  }

  private attributes(tag: string): string {
    if (!tag.includes('=')) return tag;
    let keyed = false;
    for (const m of tag.matchAll(ATTRIBUTE)) {
      const value = m[4] ?? m[5] ?? '';
      if (KEY_ATTRIBUTE.test(m[2] ?? '') && this.secrets.keyName(value)) keyed = true;
    }
    return tag.replace(
      ATTRIBUTE,
      (match, space: string, name: string, eq: string, dq: string | undefined, sq: string | undefined) => {
        const value = dq ?? sq ?? '';
        if (value === '' || value === MASK || name.startsWith('xmlns')) return match;
        const secret = this.secrets.attribute(localName(name)) || (keyed && VALUE_ATTRIBUTE.test(name));
        if (!secret) return match;
        const quote = dq === undefined ? "'" : '"';
        return `${space}${name}${eq}${quote}${MASK}${quote}`;
      },
    );
  }
}

/** Index of the `>` closing the tag opened before `from` (quotes respected), -1 if not yet seen. */
function tagEnd(buf: string, from: number, limit: number): number | 'not-a-tag' {
  let quote = '';
  for (let i = from; i < limit; i++) {
    const c = buf[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '>') {
      return i;
    } else if (c === '<') {
      return 'not-a-tag';
    }
  }
  return -1;
}

/**
 * `indexOf` with a memory, for one scan: constructs are met in order, so the search for a terminator
 * (`-->`, `</token`) resumes where the last one stopped. A log with a stray `<token>` on every line and
 * no `</token>` anywhere then costs one pass, not one pass per line.
 */
class Finder {
  private readonly seen = new Map<string, { from: number; at: number }>();

  constructor(private readonly buf: string) {}

  /** The first index of `needle` at or after `from`, or -1. */
  next(needle: string, from: number): number {
    const memo = this.seen.get(needle);
    if (memo && memo.from <= from && (memo.at < 0 || memo.at >= from)) return memo.at;
    const at = this.buf.indexOf(needle, from);
    this.seen.set(needle, { from, at });
    return at;
  }

  /** The `</name>` first at or after `from` and ending before `limit` (nested elements of the same name are not counted). */
  closingTag(name: string, from: number, limit: number): { start: number; end: number } | undefined {
    const needle = `</${name}`;
    for (let i = from; ;) {
      const at = this.next(needle, i);
      if (at < 0 || at >= limit) return undefined;
      if (NAME_END.test(this.buf[at + needle.length] ?? '') && this.buf[at + needle.length] !== '/') {
        const gt = this.next('>', at);
        return gt < 0 || gt >= limit ? undefined : { start: at, end: gt + 1 };
      }
      i = at + 1;
    }
  }
}
