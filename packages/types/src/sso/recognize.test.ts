import { describe, expect, it } from 'vitest';
import {
  AUTHN_REQUEST,
  LOGOUT_REQUEST,
  LOGOUT_RESPONSE_FAILED,
  LOGOUT_RESPONSE_SUCCESS,
  RESPONSE_FAILED,
  RESPONSE_SUCCESS,
  SAML_LOGIN,
  postEncoded,
  redirectEncoded,
} from '../../test/sso-fixtures.js';
import { SsoDiscovery } from './discovery.js';
import { recognizeSso, withSsoLabels } from './recognize.js';
import type { SsoCall } from './sso-call.js';

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (claims: Record<string, unknown>) =>
  `${b64url({ alg: 'RS256', typ: 'JWT' })}.${b64url(claims)}.c2lnbmF0dXJlLXZhbHVl`;
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const JSON_TYPE = { 'content-type': 'application/json' };

const tokenCall = (status: number, body: string): SsoCall => ({
  method: 'POST',
  url: 'https://login.example.com/oauth2/token',
  statusCode: status,
  request: { headers: FORM, body: 'grant_type=authorization_code&code=abc123&code_verifier=v1' },
  response: { headers: JSON_TYPE, body },
});

describe('recognizeSso: OpenID Connect by path', () => {
  it('labels an authorization request SSO_INITIATED with the login hint', () => {
    expect(
      recognizeSso({
        method: 'GET',
        url: 'https://login.example.com/oauth2/v2.0/authorize?client_id=portal&response_type=code&scope=openid&login_hint=ada%40example.com&state=s1',
        statusCode: 302,
        response: { headers: { location: 'https://login.example.com/u/login?state=s1' } },
      }),
    ).toEqual({
      action: 'SSO_INITIATED',
      requestType: 'AUTHENTICATION_APPLICATIONS',
      login: 'ada@example.com',
    });
  });

  it('labels an authorization answered with error= SSO_FAILED', () => {
    expect(
      recognizeSso({
        method: 'GET',
        url: 'https://login.example.com/authorize?client_id=portal&response_type=code',
        statusCode: 302,
        response: { headers: { Location: 'https://rp.example.com/cb?error=access_denied&state=s1' } },
      })?.action,
    ).toBe('SSO_FAILED');
  });

  it('labels a token response SSO_SUCCESSFUL with the ID token email, or the username, or sub', () => {
    const id = jwt({ sub: 'u-1', email: 'ada@example.com', preferred_username: 'ada' });
    expect(
      recognizeSso(tokenCall(200, JSON.stringify({ access_token: 'a', id_token: id, token_type: 'Bearer' }))),
    ).toEqual({
      action: 'SSO_SUCCESSFUL',
      requestType: 'AUTHENTICATION_APPLICATIONS',
      login: 'ada@example.com',
    });
    const named = jwt({ sub: 'u-2', preferred_username: 'alan' });
    expect(recognizeSso(tokenCall(200, JSON.stringify({ id_token: named })))?.login).toBe('alan');
    expect(recognizeSso(tokenCall(200, JSON.stringify({ id_token: jwt({ sub: 'u-3' }) })))?.login).toBe(
      'u-3',
    );
  });

  it('labels a token endpoint 4xx SSO_FAILED', () => {
    expect(recognizeSso(tokenCall(401, '{"error":"invalid_client"}'))).toEqual({
      action: 'SSO_FAILED',
      requestType: 'AUTHENTICATION_APPLICATIONS',
      login: null,
    });
  });

  it('labels userinfo SSO_SUCCESSFUL with its email, and a 401 SSO_FAILED', () => {
    const call: SsoCall = {
      method: 'GET',
      url: 'https://login.example.com/userinfo',
      statusCode: 200,
      response: { headers: JSON_TYPE, body: '{"sub":"u-1","email":"ada@example.com"}' },
    };
    expect(recognizeSso(call)).toMatchObject({ action: 'SSO_SUCCESSFUL', login: 'ada@example.com' });
    expect(recognizeSso({ ...call, statusCode: 401, response: { body: '' } })?.action).toBe('SSO_FAILED');
  });

  it('labels a callback with error= SSO_FAILED and one with a code answered SSO_SUCCESSFUL', () => {
    expect(
      recognizeSso({
        direction: 'INCOMING',
        method: 'GET',
        url: 'https://rp.example.com/cb?error=login_required&state=s1',
        statusCode: 400,
      }),
    ).toEqual({ action: 'SSO_FAILED', requestType: 'AUTHENTICATION_APPLICATIONS', login: null });
    expect(
      recognizeSso({
        direction: 'INCOMING',
        method: 'GET',
        url: 'https://rp.example.com/cb?code=c1&state=s1',
        statusCode: 302,
      })?.action,
    ).toBe('SSO_SUCCESSFUL');
  });

  it('labels RP-initiated logout with the id_token_hint login, and its redirect back SLO_SUCCESSFUL', () => {
    const hint = jwt({ sub: 'u-1', email: 'ada@example.com' });
    const url = `https://login.example.com/oidc/logout?id_token_hint=${hint}&post_logout_redirect_uri=https%3A%2F%2Frp.example.com%2Fbye`;
    expect(
      recognizeSso({ method: 'GET', url, statusCode: 200, response: { body: '<form>…</form>' } }),
    ).toEqual({
      action: 'SLO_INITIATED',
      requestType: 'LOGOUT_APPLICATIONS',
      login: 'ada@example.com',
    });
    expect(
      recognizeSso({
        method: 'GET',
        url,
        statusCode: 302,
        response: { headers: { location: 'https://rp.example.com/bye' } },
      })?.action,
    ).toBe('SLO_SUCCESSFUL');
    expect(recognizeSso({ method: 'GET', url, statusCode: 400 })?.action).toBe('SLO_FAILED');
  });

  it('labels token revocation as logout', () => {
    expect(
      recognizeSso({
        method: 'POST',
        url: 'https://login.example.com/oauth2/revoke',
        statusCode: 200,
        request: { headers: FORM, body: 'token=t1&token_type_hint=refresh_token' },
      }),
    ).toEqual({ action: 'SLO_SUCCESSFUL', requestType: 'LOGOUT_APPLICATIONS', login: null });
  });

  it('labels calls received by an identity provider as connections', () => {
    expect(
      recognizeSso({ ...tokenCall(200, '{"access_token":"a"}'), direction: 'INCOMING' })?.requestType,
    ).toBe('AUTHENTICATION_CONNECTIONS');
  });

  it('leaves ordinary API calls alone', () => {
    for (const url of [
      'https://graph.example.com/v1.0/me/messages?$top=10',
      'https://crm.example.com/api/contacts?pageToken=abc',
      'https://app.example.com/logout',
      'https://api.example.com/v1/sessions/42',
    ]) {
      expect(
        recognizeSso({ method: 'GET', url, statusCode: 200, response: { body: '{"id":1}' } }),
        url,
      ).toBeUndefined();
    }
  });
});

describe('recognizeSso: OpenID Connect by discovery', () => {
  const discoveryCall: SsoCall = {
    method: 'GET',
    url: 'https://idp.example.com/tenant-7/.well-known/openid-configuration',
    statusCode: 200,
    response: {
      headers: JSON_TYPE,
      body: JSON.stringify({
        issuer: 'https://idp.example.com/tenant-7',
        authorization_endpoint: 'https://idp.example.com/tenant-7/x/begin',
        token_endpoint: 'https://idp.example.com/tenant-7/x/redeem',
        userinfo_endpoint: 'https://idp.example.com/tenant-7/x/whoami',
        end_session_endpoint: 'https://idp.example.com/tenant-7/x/bye',
      }),
    },
  };

  it('recognises discovered endpoints off the usual paths, and only after the discovery document', () => {
    const discovery = new SsoDiscovery();
    const redeem: SsoCall = {
      method: 'POST',
      url: 'https://idp.example.com/tenant-7/x/redeem',
      statusCode: 400,
      request: { headers: { 'content-type': 'application/json' }, body: '{"c":"1"}' },
      response: { headers: JSON_TYPE, body: '{"error":"invalid_grant"}' },
    };
    const whoami: SsoCall = {
      method: 'GET',
      url: 'https://idp.example.com/tenant-7/x/whoami',
      statusCode: 200,
      response: { headers: JSON_TYPE, body: '{"sub":"u9","email":"lin@example.com"}' },
    };
    expect(recognizeSso(redeem, discovery)).toBeUndefined();
    expect(recognizeSso(discoveryCall, discovery)).toBeUndefined();
    expect(recognizeSso(redeem, discovery)?.action).toBe('SSO_FAILED');
    expect(recognizeSso(whoami, discovery)).toEqual({
      action: 'SSO_SUCCESSFUL',
      requestType: 'AUTHENTICATION_APPLICATIONS',
      login: 'lin@example.com',
    });
    expect(
      recognizeSso({ method: 'GET', url: 'https://idp.example.com/tenant-7/x/bye?state=1' }, discovery)
        ?.action,
    ).toBe('SLO_INITIATED');
  });

  it('forgets the issuer seen least recently past its bound', () => {
    const discovery = new SsoDiscovery(1);
    discovery.remember({ issuer: 'https://a.example.com', token_endpoint: 'https://a.example.com/t1' });
    discovery.remember({ issuer: 'https://b.example.com', token_endpoint: 'https://b.example.com/t2' });
    expect(discovery.endpointOf('https://a.example.com/t1')).toBeUndefined();
    expect(discovery.endpointOf('https://b.example.com/t2/')).toBe('token');
  });
});

describe('recognizeSso: SAML 2.0', () => {
  it('labels an AuthnRequest in the redirect binding SSO_INITIATED', () => {
    expect(
      recognizeSso({
        method: 'GET',
        url: `https://idp.example.com/saml/sso?SAMLRequest=${redirectEncoded(AUTHN_REQUEST)}&RelayState=%2Fhome`,
        statusCode: 200,
      }),
    ).toEqual({ action: 'SSO_INITIATED', requestType: 'AUTHENTICATION_APPLICATIONS', login: null });
  });

  it('labels the service provider redirecting its user with an AuthnRequest (in its Location)', () => {
    expect(
      recognizeSso({
        direction: 'INCOMING',
        method: 'GET',
        url: 'https://sp.example.com/login',
        statusCode: 302,
        response: {
          headers: {
            location: `https://idp.example.com/saml/sso?SAMLRequest=${redirectEncoded(AUTHN_REQUEST)}`,
          },
        },
      }),
    ).toEqual({ action: 'SSO_INITIATED', requestType: 'AUTHENTICATION_APPLICATIONS', login: null });
  });

  it('labels a posted Response by its StatusCode, with the NameID as login', () => {
    const acs = (xml: string, status = 302): SsoCall => ({
      direction: 'INCOMING',
      method: 'POST',
      url: 'https://sp.example.com/acs',
      statusCode: status,
      request: { headers: FORM, body: `SAMLResponse=${postEncoded(xml)}&RelayState=%2Fhome` },
    });
    expect(recognizeSso(acs(RESPONSE_SUCCESS))).toEqual({
      action: 'SSO_SUCCESSFUL',
      requestType: 'AUTHENTICATION_APPLICATIONS',
      login: SAML_LOGIN,
    });
    expect(recognizeSso(acs(RESPONSE_FAILED))?.action).toBe('SSO_FAILED');
    // The service provider refused a Success (a bad signature): failed all the same.
    expect(recognizeSso(acs(RESPONSE_SUCCESS, 403))?.action).toBe('SSO_FAILED');
  });

  it('labels the identity provider sending a Response in an auto-posting form as connections', () => {
    const page = `<html><body onload="document.forms[0].submit()"><form method="post" action="https://sp.example.com/acs"><input type="hidden" name="SAMLResponse" value="${decodeURIComponent(postEncoded(RESPONSE_SUCCESS))}"/></form></body></html>`;
    expect(
      recognizeSso({
        direction: 'INCOMING',
        method: 'POST',
        url: 'https://idp.example.com/saml/login',
        statusCode: 200,
        response: { headers: { 'content-type': 'text/html' }, body: page },
      }),
    ).toEqual({ action: 'SSO_SUCCESSFUL', requestType: 'AUTHENTICATION_CONNECTIONS', login: SAML_LOGIN });
  });

  it('labels LogoutRequest and LogoutResponse', () => {
    expect(
      recognizeSso({
        method: 'GET',
        url: `https://idp.example.com/saml/slo?SAMLRequest=${redirectEncoded(LOGOUT_REQUEST)}`,
        statusCode: 302,
      }),
    ).toEqual({ action: 'SLO_INITIATED', requestType: 'LOGOUT_APPLICATIONS', login: SAML_LOGIN });
    const back = (xml: string): SsoCall => ({
      direction: 'INCOMING',
      method: 'GET',
      url: `https://sp.example.com/slo?SAMLResponse=${redirectEncoded(xml)}`,
      statusCode: 302,
    });
    expect(recognizeSso(back(LOGOUT_RESPONSE_SUCCESS))).toEqual({
      action: 'SLO_SUCCESSFUL',
      requestType: 'LOGOUT_APPLICATIONS',
      login: null,
    });
    expect(recognizeSso(back(LOGOUT_RESPONSE_FAILED))?.action).toBe('SLO_FAILED');
  });

  it('ignores a SAMLRequest that is not SAML, and one that would inflate without bound', () => {
    expect(
      recognizeSso({ method: 'GET', url: 'https://idp.example.com/sso?SAMLRequest=bm90LXNhbWw%3D' }),
    ).toBeUndefined();
    const bomb = redirectEncoded(`<samlp:AuthnRequest>${' '.repeat(3_000_000)}</samlp:AuthnRequest>`);
    expect(bomb.length).toBeLessThan(8000);
    expect(
      recognizeSso({ method: 'GET', url: `https://idp.example.com/sso?SAMLRequest=${bomb}` }),
    ).toBeUndefined();
  });
});

describe('withSsoLabels', () => {
  const call = {
    direction: 'OUTGOING' as const,
    method: 'GET',
    url: 'https://login.example.com/userinfo',
    statusCode: 200,
    response: { body: '{"sub":"u-1","email":"ada@example.com"}' },
  };

  it('fills in the labels a call has none of', () => {
    expect(withSsoLabels({ ...call, action: 'NA' as const })).toMatchObject({
      action: 'SSO_SUCCESSFUL',
      requestType: 'AUTHENTICATION_APPLICATIONS',
      login: 'ada@example.com',
    });
  });

  it('keeps every label the caller set, one by one', () => {
    expect(
      withSsoLabels({
        ...call,
        action: 'SSO_FAILED' as const,
        requestType: 'CUSTOM_CHECK',
        login: 'someone',
      }),
    ).toMatchObject({ action: 'SSO_FAILED', requestType: 'CUSTOM_CHECK', login: 'someone' });
    expect(withSsoLabels({ ...call, login: 'someone' })).toMatchObject({
      action: 'SSO_SUCCESSFUL',
      login: 'someone',
    });
  });

  it('returns the same object for a call that is no SSO', () => {
    const plain = { ...call, url: 'https://crm.example.com/api/contacts' };
    expect(withSsoLabels(plain)).toBe(plain);
  });
});
