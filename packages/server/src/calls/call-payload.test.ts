import { describe, expect, it } from 'vitest';
import { maskBody, maskPairs, maskUrl, storable, toStoredMessage } from './call-payload.js';

describe('call payload masking', () => {
  it('masks secret-named JSON fields at any depth and keeps the rest', () => {
    const body = JSON.stringify({
      user: 'ada',
      credentials: { password: 'hunter2' },
      items: [{ client_secret: 's' }],
    });
    expect(JSON.parse(maskBody(body))).toEqual({
      user: 'ada',
      credentials: '***',
      items: [{ client_secret: '***' }],
    });
  });

  it('keeps a body with nothing to mask exactly as sent, formatting included', () => {
    const body = '{\n  "user": "ada",\n  "count": 3\n}';
    expect(maskBody(body)).toBe(body);
    expect(maskBody('<samlp:LogoutRequest ID="x"/>')).toBe('<samlp:LogoutRequest ID="x"/>');
    expect(maskBody('{not json')).toBe('{not json');
  });

  it('masks form-encoded secrets such as a SAMLResponse, parameter by parameter', () => {
    expect(maskBody('SAMLResponse=PHNhbWw%2B&RelayState=%2Fhome', 'application/x-www-form-urlencoded')).toBe(
      'SAMLResponse=***&RelayState=%2Fhome',
    );
    expect(maskBody('grant_type=password&password=p%40ss&username=ada')).toBe(
      'grant_type=password&password=***&username=ada',
    );
    expect(maskPairs('a=1&&b&client%5Fsecret=x')).toBe('a=1&&b&client%5Fsecret=***');
  });

  it('masks secrets in URL parameters, fragments and user info', () => {
    expect(maskUrl('https://idp.example.com/cb?state=abc&access_token=t0k#id_token=x&scope=openid')).toBe(
      'https://idp.example.com/cb?state=abc&access_token=***#id_token=***&scope=openid',
    );
    expect(maskUrl('https://svc:p4ss@api.example.com/v1?q=1')).toBe('https://svc:***@api.example.com/v1?q=1');
    expect(maskUrl('https://api.example.com/v1/users/42')).toBe('https://api.example.com/v1/users/42');
  });

  it('masks credential headers and stores an absent message as empty', () => {
    const stored = toStoredMessage({
      headers: {
        Authorization: 'Bearer abc',
        'Content-Type': 'application/json',
        'Set-Cookie': ['a=1', 'b=2'],
      },
      body: '{"token":"abc","ok":true}',
    });
    expect(stored.headers).toEqual({
      Authorization: '***',
      'Content-Type': 'application/json',
      'Set-Cookie': ['***', '***'],
    });
    expect(JSON.parse(stored.body ?? '')).toEqual({ token: '***', ok: true });
    expect(toStoredMessage(undefined)).toEqual({ headers: {}, body: null });
  });

  it('replaces characters PostgreSQL cannot store, and only those', () => {
    expect(storable('a\u0000b')).toBe('a\uFFFDb');
    expect(storable('x\uD800y')).toBe('x\uFFFDy');
    expect(storable('emoji 😀 ok')).toBe('emoji 😀 ok');
  });
});
