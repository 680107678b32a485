/**
 * Masking of secrets before anything is stored. This is the baseline (credential-named fields and
 * headers); organization-specific rules plug in here.
 */
export const MASK = '***';

const SECRET_NAME = /pass(word|wd)?|secret|token|api[-_]?key|private[-_]?key|credential|authorization|cookie|session|saml(response|assertion)/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** Deep copy of a JSON value with every secret-named field's value replaced by `***`. */
export function maskJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskJson);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, isSecretName(k) && v !== null && v !== '' ? MASK : maskJson(v)]),
    );
  }
  return value;
}

export function maskConfiguration(configuration: Record<string, unknown>): Record<string, unknown> {
  return maskJson(configuration) as Record<string, unknown>;
}

/** Headers with credential-bearing values masked (Authorization, Cookie, Set-Cookie, X-Api-Key…). */
export function maskHeaders(
  headers: Record<string, string | string[]> | undefined,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    out[name] = isSecretName(name) ? (Array.isArray(value) ? value.map(() => MASK) : MASK) : value;
  }
  return out;
}
