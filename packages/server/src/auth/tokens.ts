import { createHash, randomBytes } from 'node:crypto';

/** Stored form of a high-entropy token (API key, session): a plain SHA-256 is enough for 32 random bytes. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** An API key token: `st_` + a visible prefix + the secret, e.g. `st_Ab12Cd34_…`. */
export function newApiKeyToken(): { token: string; prefix: string } {
  const prefix = randomBytes(6).toString('base64url').replace(/[-_]/g, 'x').slice(0, 8);
  return { token: `st_${prefix}_${randomToken(32)}`, prefix: `st_${prefix}` };
}
