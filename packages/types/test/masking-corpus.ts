/**
 * Where secrets turn up in what connectors report, and ordinary data that must come through untouched:
 * one corpus for both maskers' tests (the server's, packages/server/src/masking/masker.test.ts, and the
 * SDK's, packages/sdk/src/capture/masking.test.ts). The secrets are distinctive strings so that "not in
 * the output" means "masked", not "never there". Not exported by the package: test data only.
 */

/** An organization's own rule (`MaskingRuleCreate` without its name): only the server applies them. */
export interface CustomRule {
  kind: 'field' | 'pattern';
  match: string;
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A signed JWT as an IdP issues it. */
export const JWT = [
  b64url({ alg: 'RS256', kid: 'k1', typ: 'JWT' }),
  b64url({ sub: 'ada@example.com', aud: 'portal', exp: 1769932800, iss: 'https://idp.example.com' }),
  'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
].join('.');

const SAML_XML =
  '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_r1"><saml:Assertion ID="_a1">' +
  '<saml:NameID>ada@example.com</saml:NameID></saml:Assertion></samlp:Response>';
/** A SAMLResponse as the browser posts it: base64, then form-encoded. */
export const SAML_RESPONSE = encodeURIComponent(Buffer.from(SAML_XML).toString('base64'));

export type Placement =
  | {
      name: string;
      kind: 'headers';
      input: Record<string, string | string[]>;
      secrets: string[];
      keep?: string[];
      rules?: CustomRule[];
    }
  | {
      name: string;
      kind: 'url' | 'text';
      input: string;
      secrets: string[];
      keep?: string[];
      rules?: CustomRule[];
    }
  | {
      name: string;
      kind: 'body';
      input: string;
      contentType: string;
      secrets: string[];
      keep?: string[];
      rules?: CustomRule[];
    }
  | { name: string; kind: 'json'; input: unknown; secrets: string[]; keep?: string[]; rules?: CustomRule[] };

export const PLACEMENTS: Placement[] = [
  // --- headers
  {
    name: 'Authorization: Bearer opaque token',
    kind: 'headers',
    input: { Authorization: 'Bearer 8a7sd6f8a7sdf6a8sd7f6', Accept: 'application/json' },
    secrets: ['8a7sd6f8a7sdf6a8sd7f6'],
    keep: ['application/json'],
  },
  {
    name: 'Authorization: Basic',
    kind: 'headers',
    input: { authorization: 'Basic c3ZjLXN5bmM6aHVudGVyMg==' },
    secrets: ['c3ZjLXN5bmM6aHVudGVyMg=='],
  },
  {
    name: 'Cookie',
    kind: 'headers',
    input: { Cookie: 'JSESSIONID=A1B2C3D4E5F6; theme=dark' },
    secrets: ['A1B2C3D4E5F6'],
  },
  {
    name: 'Set-Cookie, repeated',
    kind: 'headers',
    input: { 'set-cookie': ['sid=s%3Aq8w7e6r5t4; Path=/; HttpOnly', 'XSRF-TOKEN=x9y8z7; Path=/'] },
    secrets: ['q8w7e6r5t4', 'x9y8z7'],
  },
  {
    name: 'X-Api-Key',
    kind: 'headers',
    input: { 'X-Api-Key': 'sk_live_51HxQ2eKz8', 'X-Request-Id': '6f1c2a9e-7b3d-4e5f-9a0b-1c2d3e4f5a6b' },
    secrets: ['sk_live_51HxQ2eKz8'],
    keep: ['6f1c2a9e-7b3d-4e5f-9a0b-1c2d3e4f5a6b'],
  },
  {
    name: 'Ocp-Apim-Subscription-Key',
    kind: 'headers',
    input: { 'Ocp-Apim-Subscription-Key': '0f9e8d7c6b5a49382716' },
    secrets: ['0f9e8d7c6b5a49382716'],
  },
  {
    name: 'X-Auth-Token',
    kind: 'headers',
    input: { 'X-Auth-Token': 'gAAAAABk3xYz-token-value' },
    secrets: ['gAAAAABk3xYz-token-value'],
  },
  {
    name: 'Proxy-Authorization',
    kind: 'headers',
    input: { 'Proxy-Authorization': 'Basic cHJveHk6cGFzcw==' },
    secrets: ['cHJveHk6cGFzcw=='],
  },
  {
    name: 'X-CSRF-Token and X-Amz-Security-Token',
    kind: 'headers',
    input: { 'X-CSRF-Token': 'csrf-7Hk29Ls', 'X-Amz-Security-Token': 'IQoJb3JpZ2luX2VjEJr' },
    secrets: ['csrf-7Hk29Ls', 'IQoJb3JpZ2luX2VjEJr'],
  },
  {
    name: 'Location with an OAuth code and an id_token',
    kind: 'headers',
    input: {
      Location: `https://portal.example.com/cb?code=SplxlOBeZQQYbYS6WxSbIA&state=af0ifjsldkj#id_token=${JWT}`,
    },
    secrets: ['SplxlOBeZQQYbYS6WxSbIA', JWT],
    keep: ['state=af0ifjsldkj'],
  },

  // --- URLs
  {
    name: 'access_token in a query string',
    kind: 'url',
    input: 'https://graph.example.com/v1.0/me?access_token=EwBwA8l6BAAU7p9QDpi&$select=mail',
    secrets: ['EwBwA8l6BAAU7p9QDpi'],
    keep: ['$select=mail'],
  },
  {
    name: 'client_secret beside client_id',
    kind: 'url',
    input:
      'https://idp.example.com/oauth2/token?client_id=portal&client_secret=Qm9vbXMh7&grant_type=client_credentials',
    secrets: ['Qm9vbXMh7'],
    keep: ['client_id=portal', 'grant_type=client_credentials'],
  },
  {
    name: 'Google-style ?key=',
    kind: 'url',
    input: 'https://maps.example.com/api/geocode/json?address=Berlin&key=AIzaSyD-9tSrke72PouQMnMX',
    secrets: ['AIzaSyD-9tSrke72PouQMnMX'],
    keep: ['address=Berlin'],
  },
  {
    name: 'OAuth callback code',
    kind: 'url',
    input: 'https://portal.example.com/oauth/callback?code=4/0AX4XfWh8Jk&state=xyz123&scope=email',
    secrets: ['4/0AX4XfWh8Jk'],
    keep: ['state=xyz123', 'scope=email'],
  },
  {
    name: 'implicit flow fragment',
    kind: 'url',
    input: `https://app.example.com/#access_token=ya29.a0AfH6SMB&token_type=Bearer&id_token=${JWT}`,
    secrets: ['ya29.a0AfH6SMB', JWT],
    keep: ['token_type=Bearer'],
  },
  {
    name: 'password in user info',
    kind: 'url',
    input: 'https://svc-sync:Winter2026!@dav.example.com/calendars/ada',
    secrets: ['Winter2026!'],
    keep: ['svc-sync', '/calendars/ada'],
  },
  {
    name: 'SAS signature',
    kind: 'url',
    input:
      'https://acct.blob.example.net/logs/run.zip?sv=2021-08-06&se=2026-02-02T00%3A00%3A00Z&sig=Xk3%2Bq9Zr%2F8Lm',
    secrets: ['Xk3%2Bq9Zr%2F8Lm'],
    keep: ['sv=2021-08-06'],
  },
  {
    name: 'JWT in a path segment',
    kind: 'url',
    input: `https://portal.example.com/magic-link/${JWT}/confirm`,
    secrets: [JWT],
    keep: ['/confirm'],
  },
  {
    name: 'SAML redirect binding: Signature masked, SAMLRequest kept',
    kind: 'url',
    input:
      'https://idp.example.com/sso?SAMLRequest=fZJNT8Mw&RelayState=%2Fhome&SigAlg=rsa-sha256&Signature=Yq9Lm2Np8',
    secrets: ['Yq9Lm2Np8'],
    keep: ['SAMLRequest=fZJNT8Mw', 'SigAlg=rsa-sha256'],
  },
  {
    name: 'SAMLResponse in a query string',
    kind: 'url',
    input: `https://sp.example.com/acs?SAMLResponse=${SAML_RESPONSE}&RelayState=%2Fdashboard`,
    secrets: [SAML_RESPONSE.slice(0, 40)],
    keep: ['RelayState=%2Fdashboard'],
  },

  // --- JSON
  {
    name: 'login body',
    kind: 'body',
    contentType: 'application/json',
    input: '{"username":"ada@example.com","password":"correct horse battery staple","remember":true}',
    secrets: ['correct horse battery staple'],
    keep: ['ada@example.com'],
  },
  {
    name: 'OAuth token response',
    kind: 'body',
    contentType: 'application/json; charset=utf-8',
    input: `{"access_token":"ya29.c.b0AXv0zTOa","token_type":"Bearer","expires_in":3599,"refresh_token":"1//0gLrT9xQ","id_token":"${JWT}","scope":"openid email"}`,
    secrets: ['ya29.c.b0AXv0zTOa', '1//0gLrT9xQ', JWT],
    keep: ['"token_type":"Bearer"', '"expires_in":3599', 'openid email'],
  },
  {
    name: 'nested credentials object',
    kind: 'json',
    input: {
      instance: 'acme.service-now.com',
      auth: { type: 'oauth2', credentials: { clientId: 'sync', clientSecret: 'Zx8-Qw7-Er6' } },
    },
    secrets: ['Zx8-Qw7-Er6'],
    keep: ['acme.service-now.com', 'oauth2'],
  },
  {
    name: 'array of connections',
    kind: 'json',
    input: {
      connections: [
        { name: 'crm', apiKey: 'crm-key-5521' },
        { name: 'erp', api_key: 'erp-key-9931' },
      ],
    },
    secrets: ['crm-key-5521', 'erp-key-9931'],
    keep: ['crm', 'erp'],
  },
  {
    name: 'HAR-style header list',
    kind: 'json',
    input: {
      request: {
        headers: [
          { name: 'Authorization', value: 'NTLM TlRMTVNTUAADAAAAGAAYAEAAAA' },
          { name: 'Accept', value: '*/*' },
        ],
      },
    },
    secrets: ['TlRMTVNTUAADAAAAGAAYAEAAAA'],
    keep: ['*/*'],
  },
  {
    name: 'field-level diff of a password',
    kind: 'json',
    input: {
      changes: [
        { field: 'Password', old: 'Spring2025!', new: 'Summer2026!' },
        { field: 'Title', old: 'Dr.', new: 'Prof.' },
      ],
    },
    secrets: ['Spring2025!', 'Summer2026!'],
    keep: ['Prof.'],
  },
  {
    name: 'card number sent as a JSON number',
    kind: 'body',
    contentType: 'application/json',
    input: '{"order":"SO-1043","pan":5555555555554444,"amount":129.9}',
    secrets: ['5555555555554444'],
    keep: ['"amount":129.9'],
  },
  {
    name: 'card number in a JSON string',
    kind: 'json',
    input: {
      order: 'SO-1042',
      payment: { holder: 'Ada Lovelace', number: '4111 1111 1111 1111', expiry: '12/28' },
    },
    secrets: ['4111 1111 1111 1111'],
    keep: ['Ada Lovelace', '12/28'],
  },
  {
    name: 'bearer token inside a string value',
    kind: 'json',
    input: {
      step: 'retry',
      command: 'curl -H "Authorization: Bearer 9f8e7d6c5b4a3f2e1d" https://api.example.com/v1/items',
    },
    secrets: ['9f8e7d6c5b4a3f2e1d'],
    keep: ['https://api.example.com/v1/items'],
  },
  {
    name: 'SCIM user with a namespaced schema',
    kind: 'json',
    input: { 'urn:ietf:params:scim:schemas:core:2.0:User': { userName: 'ada', password: 'Tr0ub4dor&3' } },
    secrets: ['Tr0ub4dor&3'],
    keep: ['ada'],
  },
  {
    name: 'deeply nested key',
    kind: 'json',
    input: { a: { b: { c: [{ d: { e: { privateKey: '-----BEGIN PRIVATE KEY-----MIIEvQ' } } }] } } },
    secrets: ['MIIEvQ'],
  },
  {
    name: 'JSON body cut off (not parseable)',
    kind: 'body',
    contentType: 'application/json',
    input: '{"user":"ada","client_secret":"cut-off-s3cret',
    secrets: ['cut-off-s3cret'],
    keep: ['"user":"ada"'],
  },

  // --- forms
  {
    name: 'SAML POST binding',
    kind: 'body',
    contentType: 'application/x-www-form-urlencoded',
    input: `SAMLResponse=${SAML_RESPONSE}&RelayState=%2Fapps%2Fcrm`,
    secrets: [SAML_RESPONSE.slice(0, 40)],
    keep: ['RelayState=%2Fapps%2Fcrm'],
  },
  {
    name: 'OAuth authorization-code exchange',
    kind: 'body',
    contentType: 'application/x-www-form-urlencoded',
    input:
      'grant_type=authorization_code&code=SplxlOBeZQQYbYS6WxSbIA&redirect_uri=https%3A%2F%2Fportal%2Fcb&client_id=portal&client_secret=7Fjfp0ZBr1KtDRbnfVdmIw',
    secrets: ['SplxlOBeZQQYbYS6WxSbIA', '7Fjfp0ZBr1KtDRbnfVdmIw'],
    keep: ['grant_type=authorization_code', 'client_id=portal'],
  },
  {
    name: 'password grant',
    kind: 'body',
    contentType: 'application/x-www-form-urlencoded',
    input: 'grant_type=password&username=ada%40example.com&password=p%40ssw0rd%21',
    secrets: ['p%40ssw0rd%21'],
    keep: ['grant_type=password', 'username=ada%40example.com'],
  },
  {
    name: 'client assertion',
    kind: 'body',
    contentType: 'application/x-www-form-urlencoded',
    input: `client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=${JWT}&scope=openid`,
    secrets: [JWT],
    keep: ['client_assertion_type=urn%3Aietf', 'scope=openid'],
  },

  // --- XML
  {
    name: 'SOAP WS-Security UsernameToken',
    kind: 'body',
    contentType: 'text/xml; charset=utf-8',
    input:
      '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">\n' +
      '  <soap:Header><wsse:Security><wsse:UsernameToken><wsse:Username>svc-sync</wsse:Username><wsse:Password Type="#PasswordText">Xy!9kLm#2</wsse:Password></wsse:UsernameToken></wsse:Security></soap:Header>\n' +
      '  <soap:Body><m:GetItem xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"><m:ItemId Id="AAMkAD" ChangeKey="CQAAAB"/></m:GetItem></soap:Body>\n</soap:Envelope>',
    secrets: ['Xy!9kLm#2'],
    keep: ['<m:ItemId Id="AAMkAD" ChangeKey="CQAAAB"/>'],
  },
  {
    name: 'decoded SAML response: the assertion is masked, the envelope kept',
    kind: 'body',
    contentType: 'application/samlassertion+xml',
    input:
      '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_8e8dc5f69a98cc4c" Destination="https://sp.example.com/acs">\n' +
      '  <saml:Issuer>https://idp.example.com</saml:Issuer>\n  <samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>\n' +
      '  <saml:Assertion ID="_d71a3a8e9fcc45c9" IssueInstant="2026-02-01T08:00:00Z">\n    <saml:Subject><saml:NameID>ada@example.com</saml:NameID></saml:Subject>\n' +
      '    <saml:AttributeStatement><saml:Attribute Name="role"><saml:AttributeValue>admin-7731</saml:AttributeValue></saml:Attribute></saml:AttributeStatement>\n  </saml:Assertion>\n</samlp:Response>',
    secrets: ['admin-7731', '<saml:NameID>ada@example.com'],
    keep: ['<saml:Issuer>https://idp.example.com</saml:Issuer>', 'status:Success'],
  },
  {
    name: 'configuration attributes',
    kind: 'body',
    contentType: 'application/xml',
    input:
      '<Exchange url="https://outlook.office365.com/EWS/Exchange.asmx" authentication="OAuth2" serviceAccount="svc@acme.test" password="Hunter2-Acme" clientSecret=\'vL8~q2\' />',
    secrets: ['Hunter2-Acme', 'vL8~q2'],
    keep: ['authentication="OAuth2"', 'serviceAccount="svc@acme.test"'],
  },
  {
    name: '.NET appSettings key/value',
    kind: 'body',
    contentType: 'application/xml',
    input:
      '<appSettings>\n  <add key="Crm.ClientSecret" value="r4nd0m-v4lue" />\n  <add key="Crm.Timeout" value="30" />\n</appSettings>',
    secrets: ['r4nd0m-v4lue'],
    keep: ['<add key="Crm.Timeout" value="30" />'],
  },
  {
    name: 'default namespace and a credentials element',
    kind: 'body',
    contentType: 'application/xml',
    input:
      '<Connector xmlns="urn:acme:connector:v2"><Name>CRM</Name><Credentials><User>svc</User><ApiKey>k-88c1f2</ApiKey></Credentials></Connector>',
    secrets: ['k-88c1f2'],
    keep: ['<Name>CRM</Name>'],
  },
  {
    name: 'CDATA secret',
    kind: 'body',
    contentType: 'application/xml',
    input:
      '<oauth><client_id>portal</client_id><client_secret><![CDATA[s3cr3t<&>value]]></client_secret></oauth>',
    secrets: ['s3cr3t<&>value'],
    keep: ['<client_id>portal</client_id>'],
  },
  {
    name: 'binary security token',
    kind: 'body',
    contentType: 'application/soap+xml',
    input:
      '<wsse:BinarySecurityToken EncodingType="Base64Binary" ValueType="X509v3">MIIDdzCCAl+gAwIBAgIE</wsse:BinarySecurityToken>',
    secrets: ['MIIDdzCCAl+gAwIBAgIE'],
  },

  // --- free text and traces
  {
    name: 'curl -v trace',
    kind: 'text',
    input:
      '* Connected to api.example.com (203.0.113.7) port 443\n> GET /v1/contacts?modifiedSince=2026-02-01 HTTP/1.1\n> Host: api.example.com\n> Authorization: Bearer 00Dxx0000001gPL!AQ4AQFo\n> Cookie: BrowserId=Hq9kLw2; sid=00Dxx!AQ8\n>\n< HTTP/1.1 200 OK\n< Set-Cookie: sid=00Dxx!AQ9new; Path=/; Secure\n< Content-Type: application/json\n',
    secrets: ['00Dxx0000001gPL!AQ4AQFo', 'Hq9kLw2', '00Dxx!AQ9new'],
    keep: [
      '> Host: api.example.com',
      '< Content-Type: application/json',
      'modifiedSince=2026-02-01',
      'Authorization: Bearer ***',
    ],
  },
  {
    name: 'connector trace with a form and a JSON reply',
    kind: 'text',
    input:
      '2026-02-01T08:00:00.137Z --> POST https://crm.example.com/oauth2/token\n    Content-Type: application/x-www-form-urlencoded\n    grant_type=refresh_token&client_id=exchange-connector&refresh_token=5Aep861TSESvWeHt\n2026-02-01T08:00:00.274Z <-- 200 OK (184 ms) {"token_type":"Bearer","expires_in":3600,"access_token":"00D5g000004Ce!ARwAQ"}\n',
    secrets: ['5Aep861TSESvWeHt', '00D5g000004Ce!ARwAQ'],
    keep: ['grant_type=refresh_token&client_id=exchange-connector', '"token_type":"Bearer"'],
  },
  {
    name: 'JWT standing alone in a log line',
    kind: 'text',
    input: `2026-02-01 08:00:01 WARN token rejected by gateway: ${JWT} (expired)`,
    secrets: [JWT],
    keep: ['token rejected by gateway', '(expired)'],
  },
  {
    name: 'name=value pairs in a log line',
    kind: 'text',
    input: 'connect host=ldap.acme.test user=svc-ldap password=Ld@p-2026 timeout=30',
    secrets: ['Ld@p-2026'],
    keep: ['user=svc-ldap', 'timeout=30'],
  },
  {
    name: 'exception quoting a URL',
    kind: 'text',
    input:
      'System.Net.WebException: The remote server returned an error: (401) Unauthorized.\n   at Connector.Get(https://api.example.com/v2/items?apikey=b1946ac92492d2347c62&page=3)',
    secrets: ['b1946ac92492d2347c62'],
    keep: ['(401) Unauthorized', 'page=3'],
  },
  {
    name: 'YAML configuration',
    kind: 'text',
    input:
      'crm:\n  url: https://crm.example.com\n  client_id: sync\n  client_secret: 2f9c81e0aa\n  password: "correct horse"\n',
    secrets: ['2f9c81e0aa', 'correct horse'],
    keep: ['client_id: sync', 'url: https://crm.example.com'],
  },
  {
    name: 'escaped JSON inside a log line',
    kind: 'text',
    input: 'payload="{\\"user\\":\\"ada\\",\\"password\\":\\"Pa55 word\\"}"',
    secrets: ['Pa55 word'],
    keep: ['\\"user\\":\\"ada\\"'],
  },
  {
    name: 'card numbers grouped and plain',
    kind: 'text',
    input: 'charged 5555-5555-5555-4444 and 378282246310005, refund to 4012 8888 8888 1881',
    secrets: ['5555-5555-5555-4444', '378282246310005', '4012 8888 8888 1881'],
    keep: ['charged', 'refund to'],
  },
  {
    name: 'a weak name with a credential-looking value',
    kind: 'text',
    input: 'retrying with token: a1b2c3d4e5f6 after 401',
    secrets: ['a1b2c3d4e5f6'],
    keep: ['after 401'],
  },
  {
    name: 'raw HTTP request with Basic auth and a SAML form body',
    kind: 'text',
    input: `POST /acs HTTP/1.1\r\nHost: sp.example.com\r\nAuthorization: Basic YWRhOmh1bnRlcjI=\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\nSAMLResponse=${SAML_RESPONSE}&RelayState=%2Fhome`,
    secrets: ['YWRhOmh1bnRlcjI=', SAML_RESPONSE.slice(0, 40)],
    keep: ['Host: sp.example.com', 'RelayState=%2Fhome'],
  },
  {
    name: 'XML body inside a trace',
    kind: 'text',
    input:
      '--> POST https://ews.example.com/EWS/Exchange.asmx\n<t:ExchangeImpersonation><t:ConnectingSID><t:PrimarySmtpAddress>ada@example.com</t:PrimarySmtpAddress></t:ConnectingSID></t:ExchangeImpersonation><Password>N0t-in-logs</Password>\n',
    secrets: ['N0t-in-logs'],
    keep: ['ada@example.com'],
  },

  // --- OpenID Connect and SAML flows
  {
    name: 'PKCE code exchange with a client secret in the form',
    kind: 'body',
    contentType: 'application/x-www-form-urlencoded',
    input:
      'grant_type=authorization_code&code=Qx7Lr2KpVb9Wd3Hn5Tm8Zs1Yc&redirect_uri=https%3A%2F%2Frp.example.com%2Fcb&code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk&client_id=portal&client_secret=Zr9Kq2Lx7Vw4Np1',
    secrets: ['Qx7Lr2KpVb9Wd3Hn5Tm8Zs1Yc', 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk', 'Zr9Kq2Lx7Vw4Np1'],
    keep: [
      'grant_type=authorization_code',
      'redirect_uri=https%3A%2F%2Frp.example.com%2Fcb',
      'client_id=portal',
      'code_verifier=***',
    ],
  },
  {
    name: 'refresh-token grant',
    kind: 'body',
    contentType: 'application/x-www-form-urlencoded',
    input: 'grant_type=refresh_token&refresh_token=rT-9f8e7d6c5b4a39281&scope=openid%20email',
    secrets: ['rT-9f8e7d6c5b4a39281'],
    keep: ['grant_type=refresh_token', 'scope=openid%20email'],
  },
  {
    name: 'token revocation: the token masked, its type hint kept',
    kind: 'body',
    contentType: 'application/x-www-form-urlencoded',
    input: 'token=aT-55c1d2e3f4a5b6c7d8&token_type_hint=refresh_token&client_id=portal',
    secrets: ['aT-55c1d2e3f4a5b6c7d8'],
    keep: ['token_type_hint=refresh_token', 'client_id=portal'],
  },
  {
    name: 'JWT-bearer grant: assertion and client_assertion',
    kind: 'body',
    contentType: 'application/x-www-form-urlencoded',
    input: `grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=opaque-Assert-8812xq&client_assertion=${JWT}`,
    secrets: ['opaque-Assert-8812xq', JWT],
    keep: ['grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer'],
  },
  {
    name: 'RP-initiated logout: id_token_hint masked, redirect and state kept',
    kind: 'url',
    input: `https://idp.example.com/session/end?id_token_hint=${JWT}&post_logout_redirect_uri=https%3A%2F%2Frp.example.com%2Fbye&state=st-771`,
    secrets: [JWT],
    keep: ['post_logout_redirect_uri=https%3A%2F%2Frp.example.com%2Fbye', 'state=st-771'],
  },
  {
    name: 'opaque id_token_hint and code_verifier in a query string',
    kind: 'url',
    input:
      'https://idp.example.com/logout?id_token_hint=opaqueHint7Yq2&code_verifier=Vf9-2Lq8Zx7Wc6Rt5Yu4Io3Pa2Sd1',
    secrets: ['opaqueHint7Yq2', 'Vf9-2Lq8Zx7Wc6Rt5Yu4Io3Pa2Sd1'],
  },
  {
    name: 'OIDC token response: tokens masked, token_type, expires_in and scope kept',
    kind: 'body',
    contentType: 'application/json',
    input: `{"access_token":"atk_Hq8Lz2Xw9Vn4Rb7","expires_in":3600,"id_token":"${JWT}","refresh_token":"rtk_Pq3Ms8Kd1Jf6","scope":"openid email offline_access","token_type":"Bearer"}`,
    secrets: ['atk_Hq8Lz2Xw9Vn4Rb7', JWT, 'rtk_Pq3Ms8Kd1Jf6'],
    keep: ['"token_type":"Bearer"', '"expires_in":3600', '"scope":"openid email offline_access"'],
  },
  {
    name: 'authorization code and code_verifier in a JSON body',
    kind: 'json',
    input: {
      code: 'SplxlOBeZQQYbYS6WxSbIA',
      code_verifier: 'Jq7-Xk2Lm9Np4Rs6Tv8Wy1Za3Bc5De7Fg9',
      redirect_uri: 'https://rp.example.com/cb',
    },
    secrets: ['SplxlOBeZQQYbYS6WxSbIA', 'Jq7-Xk2Lm9Np4Rs6Tv8Wy1Za3Bc5De7Fg9'],
    keep: ['https://rp.example.com/cb'],
  },
  {
    name: 'an address-named field holding a token, not an address',
    kind: 'json',
    input: { token_uri: 'ya29.a0AfH6SMBqTokenUri', auth_url: 'https://idp.example.com/authorize' },
    secrets: ['ya29.a0AfH6SMBqTokenUri'],
    keep: ['https://idp.example.com/authorize'],
  },
  {
    name: 'DPoP proof header',
    kind: 'headers',
    input: { DPoP: JWT, 'Content-Type': 'application/x-www-form-urlencoded' },
    secrets: [JWT],
    keep: ['application/x-www-form-urlencoded'],
  },
  {
    name: 'redirect to the callback with a code, issuer kept',
    kind: 'headers',
    input: {
      location:
        'https://rp.example.com/cb?code=Ab3Cd5Ef7Gh9Ij1Kl3Mn5&state=s-8812&iss=https%3A%2F%2Fidp.example.com',
    },
    secrets: ['Ab3Cd5Ef7Gh9Ij1Kl3Mn5'],
    keep: ['state=s-8812', 'iss=https%3A%2F%2Fidp.example.com'],
  },
  {
    name: 'SAML response with an encrypted assertion',
    kind: 'body',
    contentType: 'application/xml',
    input:
      '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_e1"><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>' +
      '<saml:EncryptedAssertion><xenc:EncryptedData><xenc:CipherData><xenc:CipherValue>Q2lwaGVyVmFsdWU5OTEx</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData></saml:EncryptedAssertion></samlp:Response>',
    secrets: ['Q2lwaGVyVmFsdWU5OTEx'],
    keep: ['status:Success'],
  },

  // --- organizations' own rules
  {
    name: 'custom pattern in text',
    kind: 'text',
    rules: [{ kind: 'pattern', match: 'ACME-[0-9]{6}' }],
    input: 'provisioned tenant ACME-204518 for ada@example.com',
    secrets: ['ACME-204518'],
    keep: ['ada@example.com'],
  },
  {
    name: 'custom field glob on a header',
    kind: 'headers',
    rules: [{ kind: 'field', match: 'x-acme-*' }],
    input: { 'X-Acme-Tenant': 'tenant-771', Accept: 'text/plain' },
    secrets: ['tenant-771'],
    keep: ['text/plain'],
  },
  {
    name: 'custom exact field in JSON',
    kind: 'json',
    rules: [{ kind: 'field', match: 'employeeSsn' }],
    input: { employee: { name: 'Ada', EmployeeSSN: '078-05-1120' } },
    secrets: ['078-05-1120'],
    keep: ['Ada'],
  },
  {
    name: 'custom pattern in a URL path',
    kind: 'url',
    rules: [{ kind: 'pattern', match: 'cust_[a-z0-9]{10}' }],
    input: 'https://billing.example.com/v1/customers/cust_q8w7e6r5t4/invoices',
    secrets: ['cust_q8w7e6r5t4'],
    keep: ['/invoices'],
  },
  {
    name: 'custom field on an XML element',
    kind: 'body',
    contentType: 'application/xml',
    rules: [{ kind: 'field', match: 'pin' }],
    input: '<Badge><Owner>ada</Owner><Pin>4471</Pin></Badge>',
    secrets: ['4471'],
    keep: ['<Owner>ada</Owner>'],
  },
  {
    name: 'custom field in a form',
    kind: 'body',
    contentType: 'application/x-www-form-urlencoded',
    rules: [{ kind: 'field', match: 'otp' }],
    input: 'user=ada&otp=918273',
    secrets: ['918273'],
    keep: ['user=ada'],
  },
];

/** Ordinary data: every one must come back byte for byte. */
export const ORDINARY = {
  texts: [
    'The access token expired; requesting a new token from the IdP before retrying.',
    'Bearer tokens are validated by the gateway. Basic authentication is disabled.',
    'Invalid token: the signature has expired',
    'Token expired for ada@example.com at 2026-02-01T08:00:00.000Z',
    'Run 0190a8b2-5c3d-7e4f-8a9b-0c1d2e3f4a5b finished: processed=1200 creates=14 updates=33 errors=0',
    'Order 4111111111111112 shipped; ts=1769932800000; phone +49 30 1234567890; ref 12345678-1234-1234-1234-123456789012',
    'Authorization: Bearer ***\nrefresh_token=***\n{"access_token":"***"}',
    '2026-02-01T08:00:00.137Z --> GET https://crm.example.com/services/data/v59.0/sobjects/Contact?modifiedSince=2026-02-01T08%3A00%3A00.000Z&owner=u-8812\n2026-02-01T08:00:00.274Z <-- 200 OK (184 ms) {"totalSize":12}\n',
    'id,name,email,created\n42,Ada Lovelace,ada@example.com,2026-02-01\n43,Alan Turing,alan@example.com,2026-02-02\n',
    'Primary key: 12345; session started; a < b and c > d; usage: login <password>',
    'grant_type=refresh_token&client_id=exchange-connector&scope=openid%20email',
    'Exchange SyncFolderItems syncState=H4sIAAAAAAAEAO29B2AcSZYlJi9tynt0 ok',
  ],
  json: [
    {
      id: '0190a8b2-5c3d-7e4f-8a9b-0c1d2e3f4a5b',
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      createdAt: '2026-02-01T08:00:00.000Z',
      count: 4111111111111112,
      at: 1769932800000,
    },
    {
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'openid email',
      tokenEndpoint: 'https://idp.example.com/token',
      passwordPolicy: 'strong',
    },
    {
      issuer: 'https://idp.example.com',
      authorization_endpoint: 'https://idp.example.com/auth',
      token_endpoint: 'https://idp.example.com/token',
      userinfo_endpoint: 'https://idp.example.com/me',
      revocation_endpoint: 'https://idp.example.com/token/revocation',
      end_session_endpoint: 'https://idp.example.com/session/end',
      jwks_uri: 'https://idp.example.com/jwks',
      scopes_supported: ['openid', 'email', 'offline_access'],
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
      id_token_signing_alg_values_supported: ['RS256', 'ES256'],
      code_challenge_methods_supported: ['S256'],
      claims_parameter_supported: false,
      require_pushed_authorization_requests: false,
      authorization_response_iss_parameter_supported: true,
    },
    { token_type: 'Bearer', token_type_hint: 'access_token', expires_in: 300, id_token_expires_in: 600 },
    { sub: 'u-1', email: 'ada@example.com', email_verified: true, preferred_username: 'ada' },
    { error: 'invalid_grant', error_description: 'grant request is invalid', code: 'AADSTS50126' },
    {
      nextPageToken: 'CiAKGjBpNDd2Nmp2Zml2cXRwYjBpOXA3',
      '@odata.nextLink': "https://graph.example.com/v1.0/users?$skiptoken=X'44537074'",
    },
    {
      lifecycle: { from: 'active', to: 'phaseOut' },
      secretary: 'Grace Hopper',
      hasPassword: true,
      password: null,
      apiKeyId: 'key_123',
      key: 'Contact:42',
    },
  ],
  urls: [
    'https://crm.example.com/services/data/v59.0/query?q=SELECT+Id+FROM+Contact&page=2',
    'https://idp.example.com/sso/saml?SAMLRequest=fZJNT8MwDIbv%2FIrI9zWGYjUPmJFzL',
    'https://api.example.com/v1/users/42',
    'https://idp.example.com/auth?client_id=portal&scope=openid%20email&response_type=code&redirect_uri=https%3A%2F%2Frp.example.com%2Fcb&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&state=af0ifjsldkj&nonce=n-0S6_WzA2Mj',
    'https://idp.example.com/token/revocation?token_type_hint=refresh_token',
  ],
  headers: [
    {
      'Content-Type': 'application/json; charset=utf-8',
      Accept: '*/*',
      'User-Agent': 'synctrail-sdk/0.1',
      'X-Request-Id': '6f1c2a9e-7b3d-4e5f-9a0b-1c2d3e4f5a6b',
      Date: 'Sun, 01 Feb 2026 08:00:00 GMT',
      'WWW-Authenticate': 'Bearer realm="api", error="invalid_token"',
    },
  ],
  xml: [
    '<?xml version="1.0" encoding="utf-8"?>\n<Configuration mailbox="ada@example.com" generated="2026-02-01T08:00:00.000Z">\n  <Exchange url="https://outlook.office365.com/EWS/Exchange.asmx" authentication="OAuth2" impersonation="true" password="***" />\n  <!-- no <password> here -->\n  <Sync interval="PT30M" direction="Bidirectional" />\n</Configuration>\n',
    '<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_x1"><saml:NameID>ada@example.com</saml:NameID></samlp:LogoutRequest>',
    '<t:Token></t:Token><Signature/>',
  ],
};
