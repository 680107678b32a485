import { Transform } from 'node:stream';
import { PayloadMasker, XmlScanner, type TextPattern } from '@synctrail/types';
import { compilePattern, globToRegExp, type CustomRule } from './custom-rules.js';
import { TextMaskStream } from './text-stream.js';

export { MASK, type HeaderRecord, type TextContext } from '@synctrail/types';
export type { CustomRule } from './custom-rules.js';

/** A field glob matcher with a bounded cache: names repeat from payload to payload. */
function fieldMatcher(globs: readonly RegExp[]): (name: string) => boolean {
  if (globs.length === 0) return () => false;
  const cache = new Map<string, boolean>();
  return (name) => {
    let matched = cache.get(name);
    if (matched === undefined) {
      const colon = name.lastIndexOf(':');
      const local = colon >= 0 ? name.slice(colon + 1) : name;
      matched = globs.some((re) => re.test(name) || (local !== name && re.test(local)));
      if (cache.size >= 10_000) cache.clear();
      cache.set(name, matched);
    }
    return matched;
  };
}

/**
 * Masks secrets before anything is stored: the baseline rules shared with the SDK (`PayloadMasker` in
 * @synctrail/types) plus an organization's own, and a streaming form for artifacts.
 *
 * @example
 * ```ts
 * const masker = new Masker([{ kind: 'field', match: 'x-acme-*' }]);
 * masker.headers({ Authorization: 'Bearer abc', 'X-Acme-Tenant': 't1' }); // both '***'
 * masker.url('https://idp/cb?code=abc&state=1'); // 'https://idp/cb?code=***&state=1'
 * ```
 */
export class Masker extends PayloadMasker {
  /** The baseline rules alone, for data of no particular organization. */
  static override readonly baseline: Masker = new Masker();

  private readonly bytePatterns: TextPattern[];

  /** Rules must have passed `ruleProblem` (custom-rules.ts): they are compiled as they are. */
  constructor(custom: readonly CustomRule[] = []) {
    const patterns = custom.filter((r) => r.kind === 'pattern');
    super({
      field: fieldMatcher(custom.filter((r) => r.kind === 'field').map((r) => globToRegExp(r.match))),
      patterns: patterns.map((r) => compilePattern(r.match)),
    });
    this.bytePatterns = patterns.map((r) => compilePattern(r.match, true));
  }

  /**
   * A streaming transform for text files of any size: masks as `text()` does, holding back at most a
   * line (or 1 MiB of one), so a secret cut between two chunks is still masked. Bytes are read as
   * latin1 and written back the same way, so whatever is not a secret stays byte for byte.
   */
  textTransform(): Transform {
    const stream = this.textStream();
    return new Transform({
      transform(chunk: Buffer, _encoding, done) {
        done(null, Buffer.from(stream.push(chunk.toString('latin1')), 'latin1'));
      },
      flush(done) {
        done(null, Buffer.from(stream.end(), 'latin1'));
      },
    });
  }

  /** The push/end form of `textTransform`, on latin1 strings (one character per byte). */
  textStream(maxLine?: number): TextMaskStream {
    return new TextMaskStream(
      new XmlScanner(this.xml),
      (text, context) => this.rules(text, context, this.bytePatterns),
      maxLine,
    );
  }
}
