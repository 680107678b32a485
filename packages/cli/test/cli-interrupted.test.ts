import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  ENGINES,
  must,
  OPERATOR_TOKEN,
  operatorEnv,
  spawnCli,
  startServerProcess,
  storageEnv,
  waitFor,
  type ServerProcess,
  type TestDatabase,
} from './helpers.js';

/**
 * A TCP proxy that passes the first `limit` bytes of each answer and then holds the rest back, so
 * that a download is reliably caught in the middle; `cut()` drops the client connections.
 */
async function stallingProxy(target: string, limit: number) {
  const { hostname, port } = new URL(target);
  const clients = new Set<net.Socket>();
  const server = net.createServer((client) => {
    clients.add(client);
    const upstream = net.connect(Number(port), hostname);
    let passed = 0;
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      const room = limit - passed;
      if (room > 0) client.write(chunk.subarray(0, room));
      passed += chunk.length;
      if (passed >= limit) upstream.pause();
    });
    // The server going away takes the client's connection with it.
    upstream.on('close', () => client.destroy());
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    client.on('close', () => clients.delete(client));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    cut: () => clients.forEach((c) => c.destroy()),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function exitOf(args: string[], env: Record<string, string | undefined>, part: string) {
  const child = spawnCli(args, { env });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  await waitFor('bytes in the part file', () => existsSync(part) && statSync(part).size > 0, 30_000);
  return { exited, stderr: () => stderr };
}

for (const kind of ENGINES) {
  describe(`a download cut short [${kind}]`, () => {
    let database: TestDatabase;
    let server: ServerProcess;
    let runId: string;
    let dir: string;

    beforeAll(async () => {
      database = await createTestDatabase(kind);
      server = await startServerProcess(storageEnv(database));
      const org = await must(server, 'POST', '/api/v1/organizations', { name: 'Northwind' });
      const integration = await must(server, 'POST', `/api/v1/organizations/${org.id}/integrations`, {
        type: 'exchange',
        name: 'Exchange',
      });
      runId = (await must(server, 'POST', '/api/v1/runs', { integrationId: integration.id })).id;
      // Enough to be caught in the middle: 5,000 actions of CSV, 4 MB of log file that does not compress.
      const actions = Array.from({ length: 5000 }, (_, i) => ({
        source: { system: 'EXCHANGE', id: `big-${i}`, name: `Contact ${i}` },
        target: { system: 'CRM', id: `crm-${i}` },
        action: 'UPDATE',
        status: 'OK',
        message: `updated contact ${i} with a message long enough to make the rows weigh something`,
      }));
      await must(server, 'POST', `/api/v1/runs/${runId}/actions`, actions);
      const log = await fetch(`${server.url}/api/v1/runs/${runId}/artifacts?name=dump.bin&kind=SYNC_DUMP`, {
        method: 'POST',
        headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/octet-stream' },
        body: randomBytes(4 * 1024 * 1024),
      });
      expect(log.status).toBe(201);
      dir = mkdtempSync(join(tmpdir(), 'synctrail-cli-cut-'));
    }, 120_000);
    afterAll(async () => {
      await server?.stop();
      await database?.drop();
    });

    it('keeps no CSV under the final name when the connection is lost mid-export (exit 1)', async () => {
      const proxy = await stallingProxy(server.url, 64 * 1024);
      try {
        const out = join(dir, 'actions.csv');
        const run = await exitOf(
          ['export', 'actions', runId, '--out', out],
          operatorEnv(proxy.url),
          `${out}.part`,
        );
        proxy.cut();
        expect(await run.exited).toBe(1);
        expect(run.stderr()).toContain('cut short');
        expect(readdirSync(dir)).toEqual([]);
      } finally {
        await proxy.close();
      }
    }, 60_000);

    it('keeps no bundle under the final name when the server is stopped mid-download (exit 1)', async () => {
      const proxy = await stallingProxy(server.url, 256 * 1024);
      try {
        const out = join(dir, 'run.zip');
        const run = await exitOf(['bundle', runId, '--out', out], operatorEnv(proxy.url), `${out}.part`);
        await server.stop('SIGKILL');
        expect(await run.exited).toBe(1);
        expect(run.stderr()).toContain('cut short');
        expect(readdirSync(dir)).toEqual([]);
      } finally {
        await proxy.close();
      }
    }, 60_000);
  });
}
