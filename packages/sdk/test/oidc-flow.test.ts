import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Configuration } from 'oidc-provider';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallSummary } from '@synctrail/types';
import { ENGINES, OPERATOR_TOKEN, createTestDatabase, type TestDatabase } from '../../server/test/harness.js';
import {
  must,
  startServerProcess,
  storageEnv,
  type ServerProcess,
} from '../../server/test/server-process.js';
import { storedText } from '../../server/test/stored-text.js';
import { Synctrail } from '../src/index.js';

const CLIENT_ID = 'portal';
const CLIENT_SECRET = 'Cl1ent-S3cret-Zq8Wx7Vb6Nm5';
const WRONG_SECRET = 'Wr0ng-S3cret-Lk4Jh3Gf2Ds1';
const ACCOUNT = 'ada.lovelace';
const EMAIL = 'ada.lovelace@example.com';

/** A real OpenID Connect provider on 127.0.0.1, with its development login screens and no consent prompt. */
async function startIdentityProvider() {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const redirectUri = `${issuer}/app/callback`;
  const postLogoutUri = `${issuer}/app/signed-out`;
  const configuration: Configuration = {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [redirectUri],
        post_logout_redirect_uris: [postLogoutUri],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    // The ID token carries the email the scope asks for, as most providers' do.
    conformIdTokenClaims: false,
    features: { revocation: { enabled: true } },
    cookies: { keys: ['synctrail-test-cookie-signing-key'] },
    findAccount: (_ctx, id) => ({
      accountId: id,
      claims: () => ({ sub: id, email: id === ACCOUNT ? EMAIL : `${id}@example.com`, email_verified: true }),
    }),
    // A first-party client: the grant is implied, no consent screen.
    loadExistingGrant: async (ctx) => {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client!.clientId,
        accountId: ctx.oidc.session!.accountId!,
      });
      grant.addOIDCScope('openid email');
      await grant.save();
      return grant;
    },
  };
  const provider = new Provider(issuer, configuration);
  const callback = provider.callback();
  // The relying party's own pages (callback and signed-out) answer plainly.
  server.on('request', (req, res) => {
    if (req.url?.startsWith('/app/')) res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    else void callback(req, res);
  });
  return {
    issuer,
    redirectUri,
    postLogoutUri,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The user's browser: follows redirects by hand and keeps the provider's cookies. */
class Browser {
  private readonly cookies = new Map<string, string>();

  async go(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const body = init.form ? new URLSearchParams(init.form).toString() : undefined;
    if (body) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      headers,
      redirect: 'manual',
      ...(body ? { body } : {}),
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
    return res;
  }

  /** Follows redirects from `url` until one leads to `stop` (not fetched) or a page answers. */
  async follow(url: string, stop: string): Promise<{ url: string; res?: Response }> {
    let next = url;
    for (let hop = 0; hop < 10; hop++) {
      if (next.startsWith(stop)) return { url: next };
      const res = await this.go(next);
      const location = res.headers.get('location');
      if (!location) return { url: next, res };
      await res.arrayBuffer();
      next = new URL(location, next).toString();
    }
    throw new Error(`too many redirects from ${url}`);
  }
}

const hidden = (html: string, name: string) =>
  new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';

for (const kind of ENGINES) {
  describe(`OpenID Connect sign-in and sign-out through captureCalls [${kind}]`, () => {
    let database: TestDatabase;
    let synctrail: ServerProcess;
    let idp: Awaited<ReturnType<typeof startIdentityProvider>>;
    let org: string;

    beforeAll(async () => {
      database = await createTestDatabase(kind);
      synctrail = await startServerProcess({ ...storageEnv(database), PORT: '0' });
      org = (await must(synctrail, 'POST', '/api/v1/organizations', { name: `Portal ${kind}` })).id;
      idp = await startIdentityProvider();
    });
    afterAll(async () => {
      await idp?.close();
      await synctrail?.stop();
      await database?.drop();
    });

    it('labels every step, names the user, and stores none of the secrets', async () => {
      const client = new Synctrail({ url: synctrail.url, token: OPERATOR_TOKEN });
      const capture = client.captureCalls({ app: 'Synctrail Portal', organizationId: org });
      const secrets: string[] = [CLIENT_SECRET, WRONG_SECRET];
      const browser = new Browser();
      const insecure = { execute: [oidc.allowInsecureRequests] };

      // Sign-in: authorization code with PKCE and a client secret.
      const config = await oidc.discovery(new URL(idp.issuer), CLIENT_ID, CLIENT_SECRET, undefined, insecure);
      const verifier = oidc.randomPKCECodeVerifier();
      secrets.push(verifier);
      const signIn = async () => {
        const state = oidc.randomState();
        const url = oidc.buildAuthorizationUrl(config, {
          redirect_uri: idp.redirectUri,
          scope: 'openid email',
          code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
          state,
        });
        return { state, url: url.toString() };
      };
      const first = await signIn();
      const login = await browser.follow(first.url, idp.redirectUri);
      const form = await login.res!.text();
      const action = /action="([^"]+)"/.exec(form)?.[1];
      expect(action, form).toBeDefined();
      const back = await browser.go(new URL(action!, login.url).toString(), {
        method: 'POST',
        form: { prompt: 'login', login: ACCOUNT, password: 'any' },
      });
      const callback = await browser.follow(
        new URL(back.headers.get('location')!, login.url).toString(),
        idp.redirectUri,
      );
      // The browser lands on the application's callback page.
      await (await browser.go(callback.url)).text();
      const code = new URL(callback.url).searchParams.get('code')!;
      secrets.push(code);
      const tokens = await oidc.authorizationCodeGrant(config, new URL(callback.url), {
        pkceCodeVerifier: verifier,
        expectedState: first.state,
      });
      secrets.push(tokens.access_token, tokens.id_token!);
      expect(tokens.claims()?.email).toBe(EMAIL);

      const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
      expect(userinfo.email).toBe(EMAIL);

      // A second sign-in (the session is there: straight back with a code) with a wrong client secret.
      const wrong = await oidc.discovery(new URL(idp.issuer), CLIENT_ID, WRONG_SECRET, undefined, insecure);
      const second = await signIn();
      const again = await browser.follow(second.url, idp.redirectUri);
      secrets.push(new URL(again.url).searchParams.get('code')!);
      await expect(
        oidc.authorizationCodeGrant(wrong, new URL(again.url), {
          pkceCodeVerifier: verifier,
          expectedState: second.state,
        }),
      ).rejects.toMatchObject({ error: 'invalid_client' });

      // Sign-out: the access token revoked, then RP-initiated logout confirmed in the browser.
      await oidc.tokenRevocation(config, tokens.access_token);
      const endSession = oidc.buildEndSessionUrl(config, {
        id_token_hint: tokens.id_token!,
        post_logout_redirect_uri: idp.postLogoutUri,
      });
      const confirm = await browser.go(endSession.toString());
      const page = await confirm.text();
      const confirmAction = /action="([^"]+)"/.exec(page)?.[1];
      expect(confirmAction, page).toBeDefined();
      const done = await browser.go(new URL(confirmAction!, endSession).toString(), {
        method: 'POST',
        form: { xsrf: hidden(page, 'xsrf'), logout: 'yes' },
      });
      expect(done.headers.get('location')).toContain(idp.postLogoutUri);
      await capture.stop();

      const calls = (await must(synctrail, 'GET', `/api/v1/calls?organizationId=${org}&sort=asc&limit=100`))
        .items as CallSummary[];
      const label = (c: CallSummary) => {
        const u = new URL(c.url);
        return `${c.method} ${u.pathname} ${c.statusCode} ${c.action} ${c.requestType ?? '-'} ${c.login ?? '-'}`;
      };
      const labels = calls.map(label);
      expect(labels).toEqual(
        expect.arrayContaining([
          'GET /.well-known/openid-configuration 200 NA - -',
          `GET /auth 303 SSO_INITIATED AUTHENTICATION_APPLICATIONS -`,
          `GET /app/callback 200 SSO_SUCCESSFUL AUTHENTICATION_APPLICATIONS -`,
          `POST /token 200 SSO_SUCCESSFUL AUTHENTICATION_APPLICATIONS ${EMAIL}`,
          `GET /me 200 SSO_SUCCESSFUL AUTHENTICATION_APPLICATIONS ${EMAIL}`,
          `POST /token 401 SSO_FAILED AUTHENTICATION_APPLICATIONS -`,
          `POST /token/revocation 200 SLO_SUCCESSFUL LOGOUT_APPLICATIONS -`,
          `GET /session/end 200 SLO_INITIATED LOGOUT_APPLICATIONS ${EMAIL}`,
          `POST /session/end/confirm 303 SLO_SUCCESSFUL LOGOUT_APPLICATIONS -`,
        ]),
      );
      // The discovery document is readable as the provider sent it.
      const discoveryCall = calls.find((c) => c.url.endsWith('/.well-known/openid-configuration'))!;
      const documentBody = (await must(synctrail, 'GET', `/api/v1/calls/${discoveryCall.id}`)).response.body;
      const document = JSON.parse(documentBody);
      expect(document.token_endpoint).toBe(`${idp.issuer}/token`);
      expect(document.token_endpoint_auth_methods_supported).toContain('client_secret_post');

      const stored = await storedText(database.config);
      expect(stored).toContain(`${idp.issuer}/token`);
      for (const secret of secrets)
        expect(stored, `a secret of ${secret.length} characters`).not.toContain(secret);
    });
  });
}
