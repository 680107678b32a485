import { Inflate } from 'fflate';

/** SAML messages and ID tokens larger than this are not decoded (they are labelled by what else is known). */
export const MAX_ENCODED = 512 * 1024;
/** A deflated SAML message may not inflate past this. */
export const MAX_INFLATED = 1024 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Standard or URL-safe base64 to bytes; undefined when it is not base64. */
export function base64Bytes(text: string): Uint8Array | undefined {
  if (text.length > MAX_ENCODED) return undefined;
  const clean = text.replace(/[\s]/g, '').replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) return undefined;
  const padded = clean + '='.repeat((4 - (clean.length % 4)) % 4);
  try {
    const binary = atob(padded);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return undefined;
  }
}

/** Raw DEFLATE (the SAML redirect binding), bounded so that a small message cannot inflate to gigabytes. */
export function inflateRaw(bytes: Uint8Array): Uint8Array | undefined {
  const parts: Uint8Array[] = [];
  let size = 0;
  let tooBig = false;
  const inflate = new Inflate((chunk) => {
    size += chunk.length;
    if (size > MAX_INFLATED) tooBig = true;
    else parts.push(chunk);
  });
  try {
    for (let i = 0; i < bytes.length && !tooBig; i += 16_384) {
      inflate.push(bytes.subarray(i, i + 16_384), i + 16_384 >= bytes.length);
    }
  } catch {
    return undefined;
  }
  if (tooBig) return undefined;
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * A SAML message as XML from its encoded form: base64 (POST binding) or base64 of raw DEFLATE
 * (redirect binding); undefined when it is neither.
 */
export function samlXml(encoded: string): string | undefined {
  const bytes = base64Bytes(encoded);
  if (!bytes || bytes.length === 0) return undefined;
  const plain = utf8.decode(bytes);
  if (plain.trimStart().startsWith('<')) return plain;
  const inflated = inflateRaw(bytes);
  if (!inflated) return undefined;
  const xml = utf8.decode(inflated);
  return xml.trimStart().startsWith('<') ? xml : undefined;
}

/** The claims of a JWT (no signature check: they label a call, they authorize nothing). */
export function jwtClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[0]?.startsWith('eyJ')) return undefined;
  const bytes = base64Bytes(parts[1] ?? '');
  if (!bytes) return undefined;
  try {
    const claims: unknown = JSON.parse(utf8.decode(bytes));
    return claims !== null && typeof claims === 'object' && !Array.isArray(claims)
      ? (claims as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A JSON object body, or undefined. */
export function jsonObject(body: string | null | undefined): Record<string, unknown> | undefined {
  if (!body || body.length > MAX_ENCODED) return undefined;
  const start = body.trimStart()[0];
  if (start !== '{') return undefined;
  try {
    const value: unknown = JSON.parse(body);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** `a=1&b=2` as a map of first values; `+` is a space, bad escapes are kept as written. */
export function formParams(text: string | null | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!text || text.length > MAX_ENCODED * 2) return out;
  for (const pair of text.split('&')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const name = decodeParam(pair.slice(0, eq));
    if (!out.has(name)) out.set(name, decodeParam(pair.slice(eq + 1)));
  }
  return out;
}

function decodeParam(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}
