import type { TextContext, XmlScanner } from '@synctrail/types';

/** Lines longer than this are cut (at a separator when there is one) rather than held whole. */
export const MAX_LINE = 1024 * 1024;

const SEPARATORS = /[ \t,;&>}]/g;

/**
 * Masks a text fed piece by piece: XML first (which holds back an unfinished element), then the text
 * rules line by line (holding back the last, unfinished line). A line longer than `maxLine` is cut;
 * when a secret runs to the cut, the rest of it is dropped from what follows, so a long SAMLResponse
 * or token cut in two is masked whole.
 */
export class TextMaskStream {
  private pending = '';
  private atLineStart = true;
  /** Set while dropping the rest of a secret cut at the end of the previous segment. */
  private tail: RegExp | undefined;

  constructor(
    private readonly xml: XmlScanner,
    private readonly rules: (text: string, context: TextContext) => string,
    private readonly maxLine = MAX_LINE,
  ) {}

  /** Masked text that is final so far. */
  push(text: string): string {
    return this.lines(this.xml.push(text), false);
  }

  /** The masked rest, once the input has ended. */
  end(): string {
    return this.lines(this.xml.end(), true);
  }

  private lines(text: string, final: boolean): string {
    let buf = this.pending + text;
    let out = '';
    while (buf.length > 0) {
      if (this.tail) {
        const rest = this.tail.exec(buf)?.[0] ?? '';
        buf = buf.slice(rest.length);
        if (buf.length === 0 && !final) break;
        this.tail = undefined;
        continue;
      }
      const newline = buf.lastIndexOf('\n');
      let cut: number;
      if (final) cut = buf.length;
      else if (newline >= 0) cut = newline + 1;
      else if (buf.length >= this.maxLine) cut = safeCut(buf, this.maxLine);
      else break;
      const segment = buf.slice(0, cut);
      buf = buf.slice(cut);
      const whole = segment.endsWith('\n') || final;
      out += this.rules(segment, {
        continuesLine: !this.atLineStart,
        ...(whole ? {} : { open: (tail: RegExp) => (this.tail = tail) }),
      });
      this.atLineStart = segment.endsWith('\n');
    }
    this.pending = buf;
    return out;
  }
}

/** Just after the last separator in the second half of the first `max` characters, or `max`. */
function safeCut(text: string, max: number): number {
  const window = text.slice(max >> 1, max);
  let last = -1;
  for (const m of window.matchAll(SEPARATORS)) last = m.index;
  return last < 0 ? max : (max >> 1) + last + 1;
}
