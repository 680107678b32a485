import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BodyBuffer, bodyText } from './body.js';
import { ORDINARY, PLACEMENTS, type Placement } from '../../../types/test/masking-corpus.js';
import { MASK, maskBody, maskHeaders, maskJson, maskText, maskUrl } from './masking.js';

function apply(p: Placement): string {
  switch (p.kind) {
    case 'headers':
      return JSON.stringify(maskHeaders(p.input));
    case 'url':
      return maskUrl(p.input);
    case 'text':
      return maskText(p.input);
    case 'body':
      return maskBody(p.input, p.contentType);
    case 'json':
      return JSON.stringify(maskJson(p.input));
  }
}

// Organizations' own rules are the server's; every other case of the shared corpus holds here too.
const baselineCases = PLACEMENTS.filter((p) => p.rules === undefined);

describe('the shared masking corpus', () => {
  it.each(baselineCases.map((p) => [p.name, p] as const))('masks %s', (_name, p) => {
    const out = apply(p);
    for (const secret of p.secrets) expect(out).not.toContain(secret);
    expect(out).toContain(MASK);
    for (const kept of p.keep ?? []) expect(out).toContain(kept);
  });

  it('leaves ordinary JSON (discovery documents, token types, userinfo), URLs, headers and XML as they are', () => {
    for (const value of ORDINARY.json) {
      expect(maskJson(value)).toEqual(value);
      const compact = JSON.stringify(value);
      expect(maskBody(compact, 'application/json')).toBe(compact);
    }
    for (const text of ORDINARY.texts) expect(maskText(text)).toBe(text);
    for (const url of ORDINARY.urls) expect(maskUrl(url)).toBe(url);
    for (const headers of ORDINARY.headers) expect(maskHeaders(headers)).toEqual(headers);
    for (const xml of ORDINARY.xml) expect(maskBody(xml, 'application/xml')).toBe(xml);
  });
});

describe('maskHeaders', () => {
  it('masks credential headers and keeps the others', () => {
    expect(
      maskHeaders({
        authorization: 'Bearer abc',
        'proxy-authorization': 'Basic xyz',
        cookie: 'a=b',
        'set-cookie': ['a=b', 'c=d'],
        'x-api-key': 'k',
        'x-auth-token': 't',
        'ocp-apim-subscription-key': 's',
        accept: 'application/json',
        'keep-alive': 'timeout=5',
      }),
    ).toEqual({
      authorization: '***',
      'proxy-authorization': '***',
      cookie: '***',
      'set-cookie': ['***', '***'],
      'x-api-key': '***',
      'x-auth-token': '***',
      'ocp-apim-subscription-key': '***',
      accept: 'application/json',
      'keep-alive': 'timeout=5',
    });
  });
});

describe('maskUrl', () => {
  it('masks secret query parameters and the password, byte for byte elsewhere', () => {
    expect(
      maskUrl('https://u:pw@api.example.com/v1/items?api_key=abc&q=a+b%20c&access_token=x&sig=s#top'),
    ).toBe('https://u:***@api.example.com/v1/items?api_key=***&q=a+b%20c&access_token=***&sig=***#top');
  });

  it('masks a JWT in the path', () => {
    expect(maskUrl('https://x.example.com/t/eyJhbGciOi.eyJzdWIiOjF9.c2lnbmF0dXJl/next')).toBe(
      'https://x.example.com/t/***/next',
    );
  });
});

describe('maskBody', () => {
  it('masks JSON fields by name at any depth, keeping formatting style', () => {
    const body = JSON.stringify({
      user: 'ada',
      password: 'p',
      nested: [{ clientSecret: 's', refresh_token: 'r', n: 1 }],
    });
    expect(JSON.parse(maskBody(body, 'application/json'))).toEqual({
      user: 'ada',
      password: '***',
      nested: [{ clientSecret: '***', refresh_token: '***', n: 1 }],
    });
    expect(maskBody('{\n  "password": "p"\n}', 'application/json')).toBe('{\n  "password": "***"\n}');
  });

  it('masks JSON cut at the size limit', () => {
    // The quote stays open: what was cut is visibly cut.
    expect(maskText('{"name":"Ada","password":"hun')).toBe('{"name":"Ada","password":"***');
  });

  it('masks form fields, including OAuth codes', () => {
    expect(
      maskBody(
        'grant_type=authorization_code&code=c&client_secret=s&redirect_uri=x',
        'application/x-www-form-urlencoded',
      ),
    ).toBe('grant_type=authorization_code&code=***&client_secret=***&redirect_uri=x');
  });

  it('masks SOAP/XML elements and attributes', () => {
    expect(
      maskBody('<s:Body><ns:Password>p</ns:Password><Name>Ada</Name><u token="t"/></s:Body>', 'text/xml'),
    ).toBe('<s:Body><ns:Password>***</ns:Password><Name>Ada</Name><u token="***"/></s:Body>');
  });

  it('masks bearer credentials and JWTs in free text, leaving the scheme', () => {
    expect(maskText('retry with Authorization: Bearer abcdef123456, id eyJhbGciOi.eyJzdWIiOjF9.c2ln')).toBe(
      'retry with Authorization: Bearer ***, id ***',
    );
  });

  it('leaves ordinary words alone', () => {
    const text = 'The passenger took the compass; key facts: none';
    expect(maskText(text)).toBe(text);
  });
});

describe('bodyText', () => {
  const headers = (type: string, encoding?: string) => ({
    'content-type': type,
    ...(encoding ? { 'content-encoding': encoding } : {}),
  });

  it('cuts a long body and says how long it was', () => {
    const body = new BodyBuffer(10);
    body.add('0123456789abcdef');
    expect(bodyText(body, headers('text/plain'), 10)).toBe(
      '0123456789…[cut at 10 bytes; the body had 16 bytes]',
    );
  });

  it('decompresses gzip bodies and describes binary ones', () => {
    const zipped = new BodyBuffer(1000);
    zipped.add(gzipSync('{"a":1}'));
    expect(bodyText(zipped, headers('application/json', 'gzip'), 1000)).toBe('{"a":1}');
    const binary = new BodyBuffer(1000);
    binary.add(new Uint8Array([0, 1, 2, 255]));
    expect(bodyText(binary, headers('image/png'), 1000)).toBe('[binary body, 4 bytes, image/png]');
    expect(bodyText(new BodyBuffer(10), {}, 10)).toBeNull();
  });
});
