/**
 * A small CRM for the contacts-sync example: it serves the contacts kept as JSON files in one
 * directory (`<id>.json`), over HTTP, behind a bearer token.
 *
 *   GET /contacts?limit=&cursor=  → { items: [{ id, href }], nextCursor }   (ids in order)
 *   GET /contacts/:id             → the contact; 500 when its file is not valid JSON, 404 when missing
 *   GET /health                   → 200, without a token
 *
 * It misbehaves on purpose, the way real services do:
 * - `--rate-limit-at 3` answers the 3rd authenticated request with 429 and `Retry-After: 1` (once;
 *   several request numbers may be given, comma-separated);
 * - a file `_crm.json` in the directory, read on every request, can slow every answer down:
 *   `{ "delayMs": 1500 }`. Files whose names start with `_` are not contacts.
 *
 * Run: node --conditions=development --import tsx examples/contacts-sync/crm-server.ts --dir examples/contacts-sync/fixtures/crm
 */
import http from 'node:http';
import { readFile, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: flags } = parseArgs({
  options: {
    dir: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    token: { type: 'string' },
    'rate-limit-at': { type: 'string' },
  },
});

const dir = resolve(
  flags.dir ?? process.env.CRM_DIR ?? fileURLToPath(new URL('./fixtures/crm', import.meta.url)),
);
const port = Number(flags.port ?? process.env.CRM_PORT ?? 4010);
const host = flags.host ?? process.env.CRM_HOST ?? '127.0.0.1';
const token = flags.token ?? process.env.CRM_TOKEN ?? 'crm-demo-token';
const rateLimitAt = new Set(
  (flags['rate-limit-at'] ?? process.env.CRM_RATE_LIMIT_AT ?? '').split(',').filter(Boolean).map(Number),
);
const ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;
const MAX_PAGE = 100;

let authenticatedRequests = 0;

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Behaviour settings read from `_crm.json` at each request, so a demo or a test can change them live. */
async function settings(): Promise<{ delayMs: number }> {
  try {
    const parsed = JSON.parse(await readFile(join(dir, '_crm.json'), 'utf8')) as { delayMs?: unknown };
    return { delayMs: typeof parsed.delayMs === 'number' && parsed.delayMs > 0 ? parsed.delayMs : 0 };
  } catch {
    return { delayMs: 0 };
  }
}

async function contactIds(): Promise<string[]> {
  const names = await readdir(dir);
  return names
    .filter((name) => name.endsWith('.json') && !name.startsWith('_'))
    .map((name) => name.slice(0, -'.json'.length))
    .filter((id) => ID.test(id))
    .sort();
}

async function listContacts(url: URL): Promise<Answer> {
  const limit = Number(url.searchParams.get('limit') ?? 50);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    return {
      status: 400,
      body: { error: 'invalid_limit', message: `limit must be an integer from 1 to ${MAX_PAGE}` },
    };
  }
  const cursor = url.searchParams.get('cursor');
  const ids = (await contactIds()).filter((id) => cursor === null || id > cursor);
  const page = ids.slice(0, limit);
  const last = page[page.length - 1];
  return {
    status: 200,
    body: {
      items: page.map((id) => ({ id, href: `/contacts/${id}` })),
      nextCursor: ids.length > limit && last !== undefined ? last : null,
    },
  };
}

async function getContact(id: string): Promise<Answer> {
  if (!ID.test(id)) return { status: 404, body: { error: 'not_found', message: `No contact ${id}` } };
  let text: string;
  try {
    text = await readFile(join(dir, `${id}.json`), 'utf8');
  } catch {
    return { status: 404, body: { error: 'not_found', message: `No contact ${id}` } };
  }
  try {
    const contact = JSON.parse(text) as Record<string, unknown>;
    return { status: 200, body: { ...contact, id } };
  } catch (error) {
    // What a CRM with a corrupt record does: an internal error, for this record only.
    return {
      status: 500,
      body: {
        error: 'internal_error',
        message: `Contact ${id} could not be read: ${(error as Error).message}`,
      },
    };
  }
}

async function route(req: http.IncomingMessage): Promise<Answer> {
  const url = new URL(req.url ?? '/', 'http://crm.local');
  if (req.method !== 'GET')
    return { status: 405, body: { error: 'method_not_allowed', message: 'Only GET is served' } };
  if (url.pathname === '/health') return { status: 200, body: { ok: true } };
  if (req.headers.authorization !== `Bearer ${token}`) {
    return {
      status: 401,
      body: { error: 'unauthorized', message: 'Send Authorization: Bearer <token>' },
      headers: { 'www-authenticate': 'Bearer realm="crm"' },
    };
  }
  authenticatedRequests++;
  if (rateLimitAt.delete(authenticatedRequests)) {
    return {
      status: 429,
      body: { error: 'rate_limited', message: 'Too many requests; retry later' },
      headers: { 'retry-after': '1' },
    };
  }
  if (url.pathname === '/contacts') return listContacts(url);
  const match = /^\/contacts\/([^/]+)$/.exec(url.pathname);
  if (match?.[1]) return getContact(decodeURIComponent(match[1]));
  return { status: 404, body: { error: 'not_found', message: `No route ${url.pathname}` } };
}

const server = http.createServer((req, res) => {
  // An access log line as each request arrives, so that a slow answer is visibly in progress.
  console.log(`${new Date().toISOString()} ${req.method} ${req.url}`);
  void (async () => {
    let answer: Answer;
    try {
      const { delayMs } = await settings();
      if (delayMs > 0) await sleep(delayMs);
      answer = await route(req);
    } catch (error) {
      answer = { status: 500, body: { error: 'internal_error', message: (error as Error).message } };
    }
    // The client may have given up while we were slow.
    if (res.destroyed) return;
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    res.end(JSON.stringify(answer.body));
  })();
});

server.listen(port, host, () => {
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  console.log(`CRM listening at http://${host}:${actual} (contacts from ${dir})`);
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
