const CR = Buffer.from('\r');

/**
 * PostgreSQL's CSV ends records with LF, RFC 4180 with CRLF: this adds the CR before each LF that
 * ends a record, and counts them. A line break inside a quoted field is data and is left alone
 * (a doubled quote inside a field closes and reopens the quoting, which leaves it open).
 */
export class RecordEnds {
  rows = 0;
  #quoted = false;

  convert(chunk: Buffer): Buffer {
    const parts: Buffer[] = [];
    let start = 0;
    let quote = chunk.indexOf(0x22);
    let newline = chunk.indexOf(0x0a);
    // Past a quote at `at`: the next quote, and the next line break if the one known is behind it.
    const passQuote = (at: number) => {
      quote = chunk.indexOf(0x22, at + 1);
      if (newline >= 0 && newline < at) newline = chunk.indexOf(0x0a, at + 1);
    };
    for (;;) {
      if (this.#quoted) {
        if (quote < 0) break; // the rest of the chunk is inside a quoted field
        this.#quoted = false;
        passQuote(quote);
      } else if (newline >= 0 && (quote < 0 || newline < quote)) {
        parts.push(chunk.subarray(start, newline), CR);
        start = newline;
        this.rows++;
        newline = chunk.indexOf(0x0a, newline + 1);
      } else if (quote >= 0) {
        this.#quoted = true;
        passQuote(quote);
      } else break;
    }
    if (parts.length === 0) return chunk;
    parts.push(chunk.subarray(start));
    return Buffer.concat(parts);
  }
}
