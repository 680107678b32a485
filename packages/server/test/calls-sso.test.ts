import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ASSERTION_SECRET,
  AUTHN_REQUEST,
  LOGOUT_REQUEST,
  LOGOUT_RESPONSE_FAILED,
  LOGOUT_RESPONSE_SUCCESS,
  RESPONSE_FAILED,
  RESPONSE_SUCCESS,
  SAML_LOGIN,
  postEncoded,
  redirectEncoded,
} from '../../types/test/sso-fixtures.js';
import { ENGINES, seedBasics, startTestApp, type TestContext } from './harness.js';
import { storedText } from './stored-text.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const ID_TOKEN = `${b64url({ alg: 'RS256', typ: 'JWT' })}.${b64url({ sub: 'u-77', email: 'lin@example.com' })}.U2lnbmVkQnlUaGVJZFA3Nzc`;

interface Labels {
  action: string;
  requestType: string | null;
  login: string | null;
}

const base = (over: Record<string, unknown>) => ({
  direction: 'INCOMING',
  appFrom: 'idp.example.com',
  appTo: 'Synctrail Portal',
  method: 'GET',
  ...over,
});

for (const kind of ENGINES) {
  describe(`SSO/SLO labels of calls posted without them [${kind}]`, () => {
    let t: TestContext;
    beforeAll(async () => {
      t = await startTestApp(kind);
    });
    afterAll(() => t?.close());

    const post = async (org: string, calls: Record<string, unknown>[]) => {
      const res = await t.api(
        'POST',
        '/api/v1/calls',
        calls.map((c) => ({ organizationId: org, ...c })),
      );
      expect(res.statusCode, res.body).toBe(201);
      return res.json().ids as string[];
    };
    const labelsOf = async (ids: string[]) =>
      Promise.all(
        ids.map(async (id) => {
          const call = (await t.api('GET', `/api/v1/calls/${id}`)).json();
          return { action: call.action, requestType: call.requestType, login: call.login } as Labels;
        }),
      );

    it('labels a SAML round trip from its messages, and stores no assertion', async () => {
      const org = (await seedBasics(t.api)).org.id as string;
      const successBody = `SAMLResponse=${postEncoded(RESPONSE_SUCCESS)}&RelayState=%2Fhome`;
      const ids = await post(org, [
        // The service provider sends its user to the IdP with an AuthnRequest (redirect binding).
        base({
          url: 'https://sp.example.com/login',
          statusCode: 302,
          response: {
            headers: {
              location: `https://idp.example.com/saml/sso?SAMLRequest=${redirectEncoded(AUTHN_REQUEST)}&RelayState=%2Fhome`,
            },
          },
        }),
        // The IdP posts the Response to the assertion consumer service: signed in, then refused.
        base({
          method: 'POST',
          url: 'https://sp.example.com/acs',
          statusCode: 302,
          request: { headers: FORM, body: successBody },
        }),
        base({
          method: 'POST',
          url: 'https://sp.example.com/acs',
          statusCode: 401,
          request: { headers: FORM, body: `SAMLResponse=${postEncoded(RESPONSE_FAILED)}` },
        }),
        // SP-initiated logout and the IdP's answers.
        base({
          direction: 'OUTGOING',
          url: `https://idp.example.com/saml/slo?SAMLRequest=${redirectEncoded(LOGOUT_REQUEST)}`,
          statusCode: 302,
        }),
        base({
          url: `https://sp.example.com/slo?SAMLResponse=${redirectEncoded(LOGOUT_RESPONSE_SUCCESS)}`,
          statusCode: 302,
        }),
        base({
          url: `https://sp.example.com/slo?SAMLResponse=${redirectEncoded(LOGOUT_RESPONSE_FAILED)}`,
          statusCode: 302,
        }),
      ]);
      expect(await labelsOf(ids)).toEqual([
        { action: 'SSO_INITIATED', requestType: 'AUTHENTICATION_APPLICATIONS', login: null },
        { action: 'SSO_SUCCESSFUL', requestType: 'AUTHENTICATION_APPLICATIONS', login: SAML_LOGIN },
        { action: 'SSO_FAILED', requestType: 'AUTHENTICATION_APPLICATIONS', login: null },
        { action: 'SLO_INITIATED', requestType: 'LOGOUT_APPLICATIONS', login: SAML_LOGIN },
        { action: 'SLO_SUCCESSFUL', requestType: 'LOGOUT_APPLICATIONS', login: null },
        { action: 'SLO_FAILED', requestType: 'LOGOUT_APPLICATIONS', login: null },
      ]);
      // The filters a console user picks find them.
      const found = (
        await t.api('GET', `/api/v1/calls?organizationId=${org}&action=SSO Successful&login=grace`)
      ).json();
      expect(found.items.map((c: { id: string }) => c.id)).toEqual([ids[1]]);
      const acs = (await t.api('GET', `/api/v1/calls/${ids[1]}`)).json();
      expect(acs.request.body).toBe('SAMLResponse=***&RelayState=%2Fhome');
      const stored = await storedText(t.config);
      expect(stored).toContain('RelayState=%2Fhome');
      expect(stored).not.toContain(ASSERTION_SECRET);
      expect(stored).not.toContain(postEncoded(RESPONSE_SUCCESS).slice(0, 60));
      expect(stored).not.toContain(Buffer.from(RESPONSE_SUCCESS).toString('base64').slice(0, 60));
    });

    it('recognises endpoints of a discovery document the organization posted, and no other organization does', async () => {
      const org = (await seedBasics(t.api)).org.id as string;
      const other = (await seedBasics(t.api)).org.id as string;
      const redeem = base({
        direction: 'OUTGOING',
        method: 'POST',
        url: 'https://idp.example.com/t7/x/redeem',
        statusCode: 200,
        request: { headers: { 'content-type': 'application/json' }, body: '{"grant":"authorization_code"}' },
        response: {
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            access_token: 'atk-Qm9vbXMh7Lx2',
            id_token: ID_TOKEN,
            token_type: 'Bearer',
          }),
        },
      });
      const discovery = base({
        direction: 'OUTGOING',
        url: 'https://idp.example.com/t7/.well-known/openid-configuration',
        statusCode: 200,
        response: {
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            issuer: 'https://idp.example.com/t7',
            authorization_endpoint: 'https://idp.example.com/t7/x/begin',
            token_endpoint: 'https://idp.example.com/t7/x/redeem',
            token_endpoint_auth_methods_supported: ['client_secret_basic'],
          }),
        },
      });
      const [discoveryId, redeemId] = await post(org, [discovery, redeem]);
      const [otherId] = await post(other, [redeem]);
      expect(await labelsOf([discoveryId!, redeemId!, otherId!])).toEqual([
        { action: 'NA', requestType: null, login: null },
        { action: 'SSO_SUCCESSFUL', requestType: 'AUTHENTICATION_APPLICATIONS', login: 'lin@example.com' },
        { action: 'NA', requestType: null, login: null },
      ]);
      // The discovery document is stored readable; the tokens are not.
      const doc = JSON.parse((await t.api('GET', `/api/v1/calls/${discoveryId}`)).json().response.body);
      expect(doc.token_endpoint).toBe('https://idp.example.com/t7/x/redeem');
      expect(doc.token_endpoint_auth_methods_supported).toEqual(['client_secret_basic']);
      const stored = await storedText(t.config);
      expect(stored).not.toContain('atk-Qm9vbXMh7Lx2');
      expect(stored).not.toContain(ID_TOKEN);
    });

    it('keeps the labels a caller set, and fills only those left out', async () => {
      const org = (await seedBasics(t.api)).org.id as string;
      const userinfo = base({
        direction: 'OUTGOING',
        url: 'https://login.example.com/userinfo',
        statusCode: 200,
        response: {
          headers: { 'content-type': 'application/json' },
          body: '{"sub":"u-1","email":"ada@example.com"}',
        },
      });
      const ids = await post(org, [
        { ...userinfo, action: 'SSO_FAILED', requestType: 'PROFILE_CHECK', login: 'someone@example.com' },
        { ...userinfo, login: 'someone@example.com' },
        userinfo,
      ]);
      expect(await labelsOf(ids)).toEqual([
        { action: 'SSO_FAILED', requestType: 'PROFILE_CHECK', login: 'someone@example.com' },
        {
          action: 'SSO_SUCCESSFUL',
          requestType: 'AUTHENTICATION_APPLICATIONS',
          login: 'someone@example.com',
        },
        { action: 'SSO_SUCCESSFUL', requestType: 'AUTHENTICATION_APPLICATIONS', login: 'ada@example.com' },
      ]);
    });
  });
}
