/**
 * SAML 2.0 messages as identity providers and service providers exchange them, encoded for the redirect
 * binding (raw DEFLATE + base64) and the POST binding (base64), for the recognition tests of
 * @synctrail/types and the server's round trip. Test data only: not exported by the package.
 */
import { deflateRawSync } from 'node:zlib';

const PROTOCOL = 'xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"';
const ASSERTION = 'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"';
const status = (code: string) =>
  `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:${code}"/></samlp:Status>`;

export const SAML_LOGIN = 'grace.hopper@example.com';
/** A value inside the assertion that must never be stored. */
export const ASSERTION_SECRET = 'Xq9SignatureValue7Lm2Np4Rt6';

export const AUTHN_REQUEST = `<samlp:AuthnRequest ${PROTOCOL} ${ASSERTION} ID="_ar1" Version="2.0" IssueInstant="2026-02-01T08:00:00Z" Destination="https://idp.example.com/saml/sso" AssertionConsumerServiceURL="https://sp.example.com/acs"><saml:Issuer>https://sp.example.com</saml:Issuer></samlp:AuthnRequest>`;

export const RESPONSE_SUCCESS = `<?xml version="1.0" encoding="UTF-8"?><samlp:Response ${PROTOCOL} ${ASSERTION} ID="_r1" InResponseTo="_ar1" Version="2.0" Destination="https://sp.example.com/acs"><saml:Issuer>https://idp.example.com</saml:Issuer>${status('Success')}<saml:Assertion ID="_a1" Version="2.0"><saml:Issuer>https://idp.example.com</saml:Issuer><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignatureValue>${ASSERTION_SECRET}</ds:SignatureValue></ds:Signature><saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">${SAML_LOGIN}</saml:NameID></saml:Subject><saml:AuthnStatement AuthnInstant="2026-02-01T08:00:01Z" SessionIndex="_s1"/></saml:Assertion></samlp:Response>`;

export const RESPONSE_FAILED = `<samlp:Response ${PROTOCOL} ${ASSERTION} ID="_r2" InResponseTo="_ar1" Version="2.0"><saml:Issuer>https://idp.example.com</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Responder"><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:AuthnFailed"/></samlp:StatusCode><samlp:StatusMessage>Wrong password</samlp:StatusMessage></samlp:Status></samlp:Response>`;

export const LOGOUT_REQUEST = `<samlp:LogoutRequest ${PROTOCOL} ${ASSERTION} ID="_lr1" Version="2.0" Destination="https://idp.example.com/saml/slo"><saml:Issuer>https://sp.example.com</saml:Issuer><saml:NameID>${SAML_LOGIN}</saml:NameID><samlp:SessionIndex>_s1</samlp:SessionIndex></samlp:LogoutRequest>`;

export const LOGOUT_RESPONSE_SUCCESS = `<samlp:LogoutResponse ${PROTOCOL} ${ASSERTION} ID="_lo1" InResponseTo="_lr1" Version="2.0"><saml:Issuer>https://idp.example.com</saml:Issuer>${status('Success')}</samlp:LogoutResponse>`;

export const LOGOUT_RESPONSE_FAILED = `<samlp:LogoutResponse ${PROTOCOL} ${ASSERTION} ID="_lo2" InResponseTo="_lr1" Version="2.0"><saml:Issuer>https://idp.example.com</saml:Issuer>${status('PartialLogout')}</samlp:LogoutResponse>`;

/** The redirect binding: raw DEFLATE, base64, then URL-encoded as a query parameter value. */
export function redirectEncoded(xml: string): string {
  return encodeURIComponent(deflateRawSync(Buffer.from(xml, 'utf8')).toString('base64'));
}

/** The POST binding: base64, then form-encoded. */
export function postEncoded(xml: string): string {
  return encodeURIComponent(Buffer.from(xml, 'utf8').toString('base64'));
}
