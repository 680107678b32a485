import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, ENGINES, OPERATOR_TOKEN, type TestDatabase } from './harness.js';
import { must, startServerProcess, storageEnv, type ServerProcess } from './server-process.js';
import { openEventStream, type SseConnection, type SseMessage } from './sse-client.js';

const auth = { authorization: `Bearer ${OPERATOR_TOKEN}` };
const isRun = (id: string, progress: string) => (m: SseMessage) =>
  m.event === 'run' && m.json.run.id === id && m.json.run.progress === progress;

describe.runIf(ENGINES.includes('postgres'))('live events with two server processes on PostgreSQL', () => {
  let database: TestDatabase;
  const servers: ServerProcess[] = [];
  const streams: SseConnection[] = [];
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const env = { DATABASE_URL: database.config.databaseUrl!, SYNCTRAIL_PG_POOL_SIZE: '4' };
    servers.push(await startServerProcess(env));
    servers.push(await startServerProcess(env));
  }, 90_000);
  afterAll(async () => {
    for (const stream of streams) stream.close();
    await Promise.all(servers.map((s) => s.stop()));
    await database?.drop();
  });

  it('delivers through each process what was written through the other', async () => {
    const [a, b] = servers as [ServerProcess, ServerProcess];
    const onA = await openEventStream(`${a.url}/api/v1/events`, auth);
    const onB = await openEventStream(`${b.url}/api/v1/events`, auth);
    streams.push(onA, onB);
    const org = await must(a, 'POST', '/api/v1/organizations', { name: 'Two Processes' });
    const integration = await must(b, 'POST', `/api/v1/organizations/${org.id}/integrations`, {
      type: 'exchange',
      name: 'Exchange',
      capabilities: { cancellable: true },
    });
    const run = await must(a, 'POST', '/api/v1/runs', { integrationId: integration.id });
    await onB.waitFor('the run written through A', isRun(run.id, 'RUNNING'));
    await must(b, 'POST', '/api/v1/calls', [
      {
        organizationId: org.id,
        runId: run.id,
        direction: 'OUTGOING',
        appFrom: 'Connector',
        appTo: 'CRM',
        method: 'GET',
        url: 'https://crm.test/a',
      },
    ]);
    await must(b, 'PATCH', `/api/v1/runs/${run.id}`, { progress: 'FINISHED' });
    const calls = await onA.waitFor('the calls written through B', (m) => m.event === 'calls');
    expect(calls.json).toMatchObject({ organizationId: org.id, runId: run.id, count: 1 });
    await onA.waitFor('the finish written through B', isRun(run.id, 'FINISHED'));
    await onB.waitFor('its own write too', isRun(run.id, 'FINISHED'));
    // Both processes number the events alike: the ids are the log's.
    const finishedId = (s: SseConnection) => s.messages.find(isRun(run.id, 'FINISHED'))!.id;
    expect(finishedId(onA)).toBe(finishedId(onB));
  }, 30_000);
});

describe.each(ENGINES)('SIGTERM with an event stream open (%s)', (kind) => {
  let database: TestDatabase | undefined;
  let server: ServerProcess | undefined;
  afterEach(async () => {
    await server?.stop('SIGKILL');
    await database?.drop();
  });

  it('ends the stream and exits promptly, well within the grace period', async () => {
    database = await createTestDatabase(kind);
    server = await startServerProcess({ ...storageEnv(database), SYNCTRAIL_SHUTDOWN_GRACE_MS: '20000' });
    const events = await openEventStream(`${server.url}/api/v1/events`, auth);
    expect(events.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = performance.now();
    server.child.kill('SIGTERM');
    await events.ended;
    const exit = await server.exited;
    expect(exit.code, server.output()).toBe(0);
    expect(performance.now() - started).toBeLessThan(5000);
  }, 60_000);
});
