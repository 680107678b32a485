import { describe, expect, it } from 'vitest';
import { RecordEnds } from './csv-record-ends.js';

const convert = (chunks: string[]) => {
  const ends = new RecordEnds();
  const out = chunks.map((c) => ends.convert(Buffer.from(c)).toString()).join('');
  return { out, rows: ends.rows };
};

describe('RecordEnds', () => {
  it('ends records with CRLF and counts them', () => {
    expect(convert(['a,b\nc,d\n'])).toEqual({ out: 'a,b\r\nc,d\r\n', rows: 2 });
  });

  it('leaves line breaks inside quoted fields, doubled quotes included, alone', () => {
    const csv = 'x,"line 1\nline 2"\n"say ""hi""\n",y\n"",z\n';
    expect(convert([csv])).toEqual({
      out: 'x,"line 1\nline 2"\r\n"say ""hi""\n",y\r\n"",z\r\n',
      rows: 3,
    });
  });

  it('keeps the quoting state across chunks, however the bytes are cut', () => {
    const csv = 'x,"a\n""b"""\n1,"\n"\n"q",2\n';
    const whole = convert([csv]);
    expect(whole.rows).toBe(3);
    for (let cut = 0; cut <= csv.length; cut++) {
      expect(convert([csv.slice(0, cut), csv.slice(cut)])).toEqual(whole);
    }
    expect(convert(csv.split(''))).toEqual(whole);
  });
});
