import type { ActionInput, CallBatchResult, CallInput, Integration, Run } from '@synctrail/types';
import { type DemoClock, iso, plusMs } from './demo-clock.js';
import { Random } from './demo-random.js';
import type { DemoTenant } from './demo-tenants.js';
import { FIRST_NAMES, LAST_NAMES, emailLocalPart } from './demo-fixtures.js';
import {
  CallLog,
  NETSUITE,
  NETSUITE_ACCOUNT,
  NETSUITE_REST,
  PORTAL,
  json,
  logout,
  netSuiteSso,
  oauth1Header,
  signIn,
} from './demo-call-flows.js';

/**
 * A workplace portal's connector log (the fourth seed): sign-ins through Google and Office 365,
 * single sign-on into NetSuite, single logout, and NetSuite API calls of a nightly directory sync.
 * Payloads carry credentials on purpose: the server masks them before storing.
 */

const DAYS = 28;
const BATCH = 1000;

/** The nightly directory sync's API calls; `locked` when the integration login failed that night. */
function directorySync(
  log: CallLog,
  rnd: Random,
  at: Date,
  run: Run,
  employees: Person[],
  locked: boolean,
): void {
  const base = {
    direction: 'OUTGOING' as const,
    appFrom: PORTAL,
    appTo: NETSUITE,
    action: 'NA' as const,
    requestType: 'API_CALL',
    runId: run.id,
  };
  at = log.add(at, {
    ...base,
    login: 'integration@globex.example',
    method: 'POST',
    url: `https://${NETSUITE_ACCOUNT}.restlets.api.netsuite.com/app/site/hosting/restlet.nl?script=customscript_wp_directory&deploy=1`,
    statusCode: locked ? 401 : 200,
    request: {
      headers: { ...json, authorization: oauth1Header(rnd) },
      body: JSON.stringify({
        account: NETSUITE_ACCOUNT,
        email: 'integration@globex.example',
        password: 'Nets8ite!Sync-2026',
        role: 3,
      }),
    },
    response: locked
      ? {
          headers: json,
          body: JSON.stringify({
            title: 'Unauthorized',
            status: 401,
            'o:errorDetails': [
              {
                detail:
                  'Invalid login attempt. See the Login Audit Trail at Setup > Users/Roles > User Management.',
                'o:errorCode': 'INVALID_LOGIN',
              },
            ],
          }),
        }
      : { headers: json, body: JSON.stringify({ status: 'ok', sessionId: rnd.alnum(24) }) },
  });
  if (locked) return;
  at = log.add(at, {
    ...base,
    login: 'integration@globex.example',
    method: 'GET',
    url: `${NETSUITE_REST}/employee?limit=100&offset=0&q=${encodeURIComponent('lastModifiedDate ON_OR_AFTER "yesterday"')}`,
    statusCode: 200,
    request: { headers: { authorization: oauth1Header(rnd), prefer: 'transient' } },
    response: {
      headers: json,
      body: JSON.stringify({
        count: employees.length,
        hasMore: false,
        items: employees.map((e) => ({ id: e.netSuiteId })),
      }),
    },
  });
  for (const employee of employees) {
    if (rnd.chance(0.15)) {
      at = log.add(at, {
        ...base,
        login: employee.email,
        method: 'GET',
        url: `${NETSUITE_REST}/employee/${employee.netSuiteId}`,
        statusCode: 429,
        request: { headers: { authorization: oauth1Header(rnd) } },
        response: {
          headers: { ...json, 'retry-after': '2' },
          body: JSON.stringify({ title: 'Too Many Requests', status: 429 }),
        },
      });
    }
    at = log.add(at, {
      ...base,
      login: employee.email,
      method: 'GET',
      url: `${NETSUITE_REST}/employee/${employee.netSuiteId}`,
      statusCode: 200,
      request: { headers: { authorization: oauth1Header(rnd) } },
      response: {
        headers: json,
        body: JSON.stringify({
          id: employee.netSuiteId,
          entityId: employee.name,
          email: employee.email,
          isInactive: false,
        }),
      },
    });
  }
}

interface Person {
  name: string;
  email: string;
  netSuiteId: string;
}

function directoryActions(changed: Person[], rnd: Random, at: Date): ActionInput[] {
  return changed.map((person, i) => {
    const action = rnd.weighted<ActionInput['action']>([
      ['UPDATE', 70],
      ['CREATE', 15],
      ['DELETE', 5],
      ['NONE', 10],
    ]);
    return {
      at: iso(plusMs(at, 2000 + i * 700)),
      source: { system: 'NETSUITE', id: person.netSuiteId, name: person.name },
      target: { system: 'WORKPLACE', id: person.email, name: person.name },
      objectType: 'Employee',
      action,
      status: 'OK',
      message:
        action === 'CREATE'
          ? 'New employee: portal profile created.'
          : action === 'DELETE'
            ? 'Employee inactive in NetSuite: portal profile deactivated.'
            : action === 'NONE'
              ? 'No changes.'
              : `Updated ${rnd.pick(['title', 'department', 'phone', 'supervisor'])}.`,
    };
  });
}

/** Loads four weeks of the portal's connector log and the NetSuite directory sync runs it belongs to. */
export async function loadConnectorLog(
  tenant: DemoTenant,
  clock: DemoClock,
  netSuite: Integration,
): Promise<void> {
  const rnd = Random.forPart('connector-log');
  const log = new CallLog(rnd);
  const people: Person[] = rnd
    .sample(
      FIRST_NAMES.flatMap((f) => LAST_NAMES.map((l) => [f, l] as const)),
      40,
    )
    .map(([first, last]) => ({
      name: `${first} ${last}`,
      email: `${emailLocalPart(first, last)}@globex.example`,
      netSuiteId: String(rnd.int(1000, 9999)),
    }));
  const lockedDay = 11;
  for (let day = DAYS; day >= 1; day--) {
    const started = clock.at(day, 1, 0, rnd.int(0, 30));
    const changed = rnd.sample(people, rnd.int(2, 8));
    const locked = day === lockedDay;
    const run = await tenant.run({
      integrationId: netSuite.id,
      name: 'Employee directory',
      trigger: 'FULL_SYNC_JOB',
      startedAt: iso(started),
      finishedAt: iso(plusMs(started, 15_000 + changed.length * 900)),
      progress: 'FINISHED',
      counters: {
        objects: people.length,
        changes: locked ? 0 : changed.length,
        failures: locked ? 1 : 0,
        conflicts: 0,
      },
      ...(locked
        ? {
            errorSource: 'NETSUITE',
            errorCategory: 'AUTHENTICATION',
            exception:
              "NetSuite refused the integration login (INVALID_LOGIN): the integration role's password expired.",
            actions: [
              {
                at: iso(plusMs(started, 800)),
                source: { system: 'NETSUITE', id: null, name: 'NetSuite RESTlet' },
                target: { system: 'WORKPLACE', id: null, name: 'Employee directory' },
                objectType: 'Connection',
                action: 'NONE',
                status: 'ERROR',
                message: '401 INVALID_LOGIN from the NetSuite RESTlet; no employee was read.',
              },
            ],
          }
        : { actions: directoryActions(changed, rnd, started) }),
    });
    directorySync(log, rnd, plusMs(started, 500), run, changed, locked);

    const workday = clock.isWorkday(day);
    const events = (count: number, fn: (at: Date, email: string) => void, from = 7, to = 19) => {
      for (let i = 0; i < count; i++) {
        fn(clock.at(day, rnd.int(from, to), rnd.int(0, 59), rnd.int(0, 59)), rnd.pick(people).email);
      }
    };
    events(workday ? rnd.int(14, 22) : rnd.int(1, 4), (at, email) => signIn(log, rnd, at, email));
    events(workday ? rnd.int(5, 10) : rnd.int(0, 2), (at, email) => netSuiteSso(log, rnd, at, email), 8, 18);
    events(workday ? rnd.int(4, 8) : rnd.int(0, 2), (at, email) => logout(log, rnd, at, email), 12, 20);
  }

  const calls = log.calls
    .map((call) => ({ ...call, organizationId: tenant.id }))
    .sort((a, b) => (a.at ?? '').localeCompare(b.at ?? ''));
  const batches: { key: string; calls: CallInput[] }[] = [];
  for (let i = 0; i < calls.length; i += BATCH) {
    batches.push({ key: tenant.client.nextKey('calls'), calls: calls.slice(i, i + BATCH) });
  }
  for (const batch of batches) {
    await tenant.client.post<CallBatchResult>('/api/v1/calls', batch.calls, batch.key);
    tenant.tally.calls += batch.calls.length;
  }
  // A connector that lost the answer sends its batch again: the server stores it once.
  const first = batches[0];
  if (first) {
    const retry = await tenant.client.send('POST', '/api/v1/calls', first.calls, first.key);
    if (!retry.replayed) throw new Error('demo data: a retried batch of calls was not recognized as a retry');
  }
}
