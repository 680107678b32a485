import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ActionDraft } from '../src/index.js';

// Shared with the server's process suites.
export { freePort, waitFor } from '../../server/test/server-process.js';

/** The i-th test action: its source id carries `i`, so order and duplicates can be checked. */
export function testAction(i: number, status: ActionDraft['status'] = 'OK'): ActionDraft {
  return {
    source: { system: 'EXCHANGE', id: `src-${i}`, name: `Contact ${i}` },
    target: { system: 'CRM', id: `crm-${i}`, name: null },
    objectType: 'Contact',
    action: i % 3 === 0 ? 'CREATE' : i % 3 === 1 ? 'UPDATE' : 'DELETE',
    status,
    message: `action ${i}`,
  };
}

export interface ProxyRequest {
  method: string;
  path: string;
  key: string | undefined;
  body: Buffer;
}

export interface ProxyOptions {
  /** Forward, then cut the client's connection instead of answering: the server committed, the client saw an error. */
  dropAfterForward?: (request: ProxyRequest) => boolean;
}

/** A node:http proxy in front of the real server that can lose answers and hold requests. */
export interface TestProxy {
  url: string;
  /** Requests received (attempts included). */
  requests: ProxyRequest[];
  /** Answers thrown away after the server processed the request. */
  dropped: number;
  /** Answers the server marked `idempotent-replayed: true`. */
  replayed: number;
  /** Requests waiting at the gate. */
  held: number;
  /** Holds every following request before it reaches the server, until `release()`. */
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'content-length']);

function forward(target: URL, request: http.IncomingMessage, body: Buffer) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>(
    (resolve, reject) => {
      const headers = Object.fromEntries(
        Object.entries(request.headers).filter(([name]) => !HOP_BY_HOP.has(name)),
      );
      const upstream = http.request(
        new URL(request.url ?? '/', target),
        { method: request.method, headers: { ...headers, 'content-length': String(body.length) } },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 502,
              headers: response.headers,
              body: Buffer.concat(chunks),
            }),
          );
          response.on('error', reject);
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    },
  );
}

export async function startProxy(target: string, options: ProxyOptions = {}): Promise<TestProxy> {
  const targetUrl = new URL(target);
  let gate: { promise: Promise<void>; open: () => void } | undefined;
  const proxy: Omit<TestProxy, 'url' | 'close'> = {
    requests: [],
    dropped: 0,
    replayed: 0,
    held: 0,
    hold() {
      let open!: () => void;
      const promise = new Promise<void>((resolve) => (open = resolve));
      gate = { promise, open };
    },
    release() {
      gate?.open();
      gate = undefined;
    },
  };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        const key = request.headers['idempotency-key'];
        const seen: ProxyRequest = {
          method: request.method ?? 'GET',
          path: request.url ?? '/',
          key: typeof key === 'string' ? key : undefined,
          body: Buffer.concat(chunks),
        };
        proxy.requests.push(seen);
        if (gate) {
          proxy.held++;
          await gate.promise;
          proxy.held--;
        }
        try {
          const answer = await forward(targetUrl, request, seen.body);
          if (answer.headers['idempotent-replayed'] === 'true') proxy.replayed++;
          if (options.dropAfterForward?.(seen)) {
            proxy.dropped++;
            request.socket.destroy();
            return;
          }
          const headers = Object.fromEntries(
            Object.entries(answer.headers).filter(([name]) => !HOP_BY_HOP.has(name)),
          );
          response.writeHead(answer.status, headers).end(answer.body);
        } catch {
          request.socket.destroy();
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(proxy, {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      proxy.release();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

/** The environment that points a server process at a test database. */
export function serverEnv(database: { config: { dataDir: string; databaseUrl?: string | undefined } }) {
  return database.config.databaseUrl
    ? { DATABASE_URL: database.config.databaseUrl }
    : { SYNCTRAIL_DATA_DIR: database.config.dataDir };
}
