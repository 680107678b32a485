import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, ENGINES, type TestDatabase } from './harness.js';
import {
  actionBatch,
  createRuns,
  postJson,
  startServerProcess,
  storageEnv,
  storedSourceIds,
  waitFor,
  type ServerProcess,
} from './server-process.js';

const GRACE_MS = 8_000;
const STREAMS = 4;
const BATCH = 3_000;
const IDLE_CLIENTS = 5;

function envOf(database: TestDatabase, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...storageEnv(database),
    SYNCTRAIL_SHUTDOWN_GRACE_MS: String(GRACE_MS),
    LOG_LEVEL: 'info',
    ...extra,
  };
}

/** The exit of a signalled process, or `still running` when it has not exited in `ms`. */
async function exitWithin(server: ServerProcess, ms: number) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'still running'>((resolve) => {
    timer = setTimeout(() => resolve('still running'), ms);
  });
  const outcome = await Promise.race([server.exited, timeout]);
  clearTimeout(timer);
  return outcome;
}

/** A client that made one request and now holds its kept-alive socket, idle. */
async function idleKeepAliveClient(url: string): Promise<{ closed: Promise<number> }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const socket = await new Promise<Socket>((resolve, reject) => {
    const req = request(`${url}/healthz`, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(req.socket!));
    });
    req.on('error', reject);
    req.end();
  });
  return { closed: new Promise((resolve) => socket.once('close', () => resolve(performance.now()))) };
}

/** A raw connection with a request whose headers are not finished: the server cannot call it idle. */
async function halfSentRequest(url: string, path: string) {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  socket.on('error', () => undefined); // a reset shows as `closed` with nothing received
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\n`);
  return {
    finish: () => socket.write('\r\n'),
    answer: async () => {
      await closed;
      return received;
    },
  };
}

describe.each(ENGINES)('SIGTERM to a serving process (%s)', (kind) => {
  let database: TestDatabase | undefined;
  let server: ServerProcess | undefined;

  afterEach(async () => {
    await server?.stop('SIGKILL');
    server = undefined;
    await database?.drop();
    database = undefined;
  });

  it('finishes the batches in flight, closes idle keep-alive sockets, exits 0 within the grace period, and keeps every acknowledged batch', async () => {
    database = await createTestDatabase(kind);
    server = await startServerProcess(envOf(database));
    const runs = await createRuns(server, STREAMS);
    const idle = await Promise.all(
      Array.from({ length: IDLE_CLIENTS }, () => idleKeepAliveClient(server!.url)),
    );

    const acknowledged = new Map<string, string[]>(runs.map((r) => [r, []]));
    const refusals: { status: number; text: string }[] = [];
    const networkErrors: unknown[] = [];
    let signalledAt: number | undefined = undefined; // read by the streams before it is set
    let inFlightAtSignalThenAcknowledged = 0;
    let sent = 0;
    const agent = new Agent({ keepAlive: true, maxSockets: STREAMS });
    const stream = async (s: number) => {
      const runId = runs[s]!;
      const url = new URL(`/api/v1/runs/${runId}/actions`, server!.url);
      // After the signal a stream sends nothing more and keeps its socket: a connector between
      // batches. Only the batch in flight then must still be answered.
      for (let b = 0; signalledAt === undefined; b++) {
        const { body, ids } = actionBatch(`s${s}-b${b}`, BATCH);
        let sentAt = Infinity;
        try {
          const res = await postJson(url, body, {
            agent,
            headers: { 'idempotency-key': `${runId}-${b}` },
            onSent: () => {
              sentAt = performance.now();
              sent++;
            },
          });
          if (res.status !== 201) {
            refusals.push({ status: res.status, text: res.text });
            return;
          }
          acknowledged.get(runId)!.push(...ids);
          if (signalledAt !== undefined && sentAt < signalledAt) inFlightAtSignalThenAcknowledged++;
        } catch (error) {
          networkErrors.push(error);
          return;
        }
      }
    };
    const streams = Promise.all(runs.map((_, s) => stream(s)));

    // Signal while batches are on the wire: a few batches in, just after one was fully sent.
    await waitFor('batches acknowledged', () => sent >= STREAMS * 3);
    const sentBefore = sent;
    await waitFor('a batch just sent', () => sent > sentBefore, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 5));
    signalledAt = performance.now();
    server.child.kill('SIGTERM');
    const exit = await exitWithin(server, GRACE_MS + 2_000);
    const exitedAfterMs = performance.now() - signalledAt;
    expect(exit).toEqual({ code: 0, signal: null });
    await streams;
    agent.destroy();
    const idleClosedAfterMs = (await Promise.all(idle.map((c) => c.closed))).map((t) => t - signalledAt!);

    expect(exitedAfterMs).toBeLessThan(GRACE_MS);
    // The idle clients were let go at once, not after the 72 s keep-alive timeout.
    expect(Math.max(...idleClosedAfterMs)).toBeLessThan(exitedAfterMs + 50);
    // A batch already sent when the signal came was answered, not cut.
    expect(inFlightAtSignalThenAcknowledged).toBeGreaterThan(0);
    // A batch that raced the signal was refused in the API's format, or found the door closed.
    for (const refusal of refusals) {
      expect(refusal.status).toBe(503);
      expect(JSON.parse(refusal.text)).toMatchObject({ error: { code: 'shutting_down' } });
    }

    server = await startServerProcess(envOf(database));
    for (const runId of runs) {
      const stored = await storedSourceIds(server, runId);
      expect(stored.length).toBe(new Set(stored).size);
      expect(new Set(stored)).toEqual(new Set(acknowledged.get(runId)));
    }
    expect([...acknowledged.values()].flat().length).toBeGreaterThanOrEqual(STREAMS * 3 * BATCH);
  }, 60_000);

  it('answers a request that arrives during the drain 503 shutting_down in the API error format', async () => {
    database = await createTestDatabase(kind);
    server = await startServerProcess(envOf(database));
    const pending = await halfSentRequest(server.url, '/api/v1/runs');
    server.child.kill('SIGTERM');
    await waitFor('the drain to start', () => server!.output().includes('shutting down'));
    pending.finish();
    const answer = await pending.answer();

    expect(answer).toMatch(/^HTTP\/1\.1 503 /);
    expect(answer).toMatch(/\r\nconnection: close\r\n/i);
    expect(answer).toMatch(/\r\nretry-after: 1\r\n/i);
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as {
      error: { code: string; message: string };
    };
    expect(body.error.code).toBe('shutting_down');
    expect(body.error.message).toMatch(/shutting down/);
    expect(await exitWithin(server, GRACE_MS)).toEqual({ code: 0, signal: null });
  }, 30_000);

  it('cuts a request still unfinished when the grace period ends, and exits 1', async () => {
    database = await createTestDatabase(kind);
    server = await startServerProcess(envOf(database, { SYNCTRAIL_SHUTDOWN_GRACE_MS: '1500' }));
    const stuck = await halfSentRequest(server.url, `/api/v1/runs/${randomUUID()}`);
    const signalledAt = performance.now();
    server.child.kill('SIGTERM');
    const exit = await exitWithin(server, 5_000);
    const exitedAfterMs = performance.now() - signalledAt;

    expect(exit).toEqual({ code: 1, signal: null });
    expect(exitedAfterMs).toBeGreaterThanOrEqual(1_400);
    expect(exitedAfterMs).toBeLessThan(4_000);
    expect(await stuck.answer()).toBe('');
    expect(server.output()).toContain('grace period over');
  }, 30_000);
});
