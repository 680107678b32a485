import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, ENGINES, type TestDatabase } from './harness.js';
import { startServerProcess, type ServerProcess } from './server-process.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.runIf(ENGINES.includes('postgres'))('scheduling with two server processes on PostgreSQL', () => {
  let database: TestDatabase;
  const servers: ServerProcess[] = [];
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const env = {
      DATABASE_URL: database.config.databaseUrl!,
      SYNCTRAIL_SCHEDULER_INTERVAL_MS: '100',
      SYNCTRAIL_PG_POOL_SIZE: '4',
    };
    // The first applies the migrations; the second finds them applied.
    servers.push(await startServerProcess(env));
    servers.push(await startServerProcess(env));
  }, 90_000);
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await database?.drop();
  });

  it('creates exactly one run per schedule slot, whatever the number of processes', async () => {
    const [a, b] = servers as [ServerProcess, ServerProcess];
    const org = (await a.call('POST', '/api/v1/organizations', { name: 'Two Processes' })).json;
    // Every second (cron with seconds), so that several slots pass during the test.
    const integration = (
      await b.call('POST', `/api/v1/organizations/${org.id}/integrations`, {
        type: 'servicenow',
        name: 'every second',
        schedule: '* * * * * *',
      })
    ).json;
    const deadline = Date.now() + 5_000;
    let finished = 0;
    while (Date.now() < deadline) {
      // A connector takes each queued run and finishes it, so that the next slot can queue another.
      const lease = await (finished % 2 ? a : b).call('POST', `/api/v1/integrations/${integration.id}/lease`);
      if (lease.status === 200) {
        await a.call('PATCH', `/api/v1/runs/${lease.json.run.id}`, { progress: 'FINISHED' });
        finished++;
      } else {
        await sleep(50);
      }
    }
    await b.call('PATCH', `/api/v1/integrations/${integration.id}`, { status: 'INACTIVE' });
    const runs = (
      await a.call('GET', `/api/v1/runs?integrationId=${integration.id}&trigger=FULL_SYNC_JOB&limit=1000`)
    ).json.items as {
      requestedAt: string;
      requestedBy: string;
    }[];
    expect(runs.length).toBeGreaterThanOrEqual(3);
    const slots = runs.map((r) => r.requestedAt);
    expect(new Set(slots).size).toBe(slots.length);
    expect(slots.every((s) => s.endsWith('.000Z'))).toBe(true);
    expect(runs.every((r) => r.requestedBy === 'schedule')).toBe(true);
  }, 60_000);
});
