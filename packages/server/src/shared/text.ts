// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const UNSTORABLE = /[\u0000\ud800-\udfff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether text holds what PostgreSQL cannot store (NUL anywhere, an unpaired surrogate in jsonb). */
export function unstorable(text: string): 'NUL' | 'surrogate' | undefined {
  if (!UNSTORABLE.test(text)) return undefined;
  if (text.includes('\u0000')) return 'NUL';
  return LONE_SURROGATE.test(text) ? 'surrogate' : undefined;
}
