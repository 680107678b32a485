import type { CallBatchResult, CallInput, Run } from '@synctrail/types';
import { iso, plusMs } from './demo-clock.js';
import type { Random } from './demo-random.js';
import type { DemoTenant } from './demo-tenants.js';

/**
 * The API calls around one mailbox's sessions, so that its sync user's timeline shows every kind of
 * entry: the connector's calls of its sessions (matched by run, a Salesforce refusal in each failed
 * one), Exchange's change notifications for the mailbox (matched by the email, as Exchange writes
 * it) and the connector's look-ups of the user's Salesforce account (matched by the external id).
 */

export interface DemoSessionRun {
  run: Run;
  trigger: string;
  startedAt: Date;
}

const EWS = 'https://outlook.office365.com/EWS/Exchange.asmx';
const SALESFORCE = 'https://northwind.my.salesforce.com';
const CONNECTOR = 'Exchange connector';
const SERVICE_LOGIN = 'exchange.sync@northwind.example';

function sessionCalls(organizationId: string, s: DemoSessionRun, rnd: Random): CallInput[] {
  const failed = s.run.status === 'ERROR';
  const base = { organizationId, runId: s.run.id, direction: 'OUTGOING', appFrom: CONNECTOR } as const;
  return [
    {
      ...base,
      at: iso(plusMs(s.startedAt, 1200)),
      appTo: 'Microsoft Exchange',
      requestType: 'API_CALL',
      login: SERVICE_LOGIN,
      method: 'POST',
      url: EWS,
      statusCode: 200,
      durationMs: rnd.int(90, 420),
    },
    {
      ...base,
      at: iso(plusMs(s.startedAt, 3400)),
      appTo: 'Salesforce',
      requestType: 'API_CALL',
      login: SERVICE_LOGIN,
      method: 'PATCH',
      url: `${SALESFORCE}/services/data/v60.0/sobjects/Event/00U${rnd.alnum(2)}00000${rnd.alnum(8)}`,
      statusCode: failed ? 400 : 204,
      durationMs: rnd.int(120, 600),
      ...(failed
        ? {
            response: {
              headers: { 'content-type': 'application/json;charset=UTF-8' },
              body: JSON.stringify([
                { errorCode: 'ENTITY_IS_LOCKED', message: 'the record is locked for editing' },
              ]),
            },
          }
        : {}),
    },
  ];
}

/** Loads the calls around `user`'s sessions (oldest first); returns how many. */
export async function loadTimelineCalls(
  tenant: DemoTenant,
  user: { email: string; externalId: string },
  sessions: readonly DemoSessionRun[],
  rnd: Random,
): Promise<number> {
  const organizationId = tenant.id;
  const recent = sessions.slice(-4);
  const withCalls = sessions.filter((s) => s.run.status === 'ERROR' || recent.includes(s));
  const calls: CallInput[] = withCalls.flatMap((s) => sessionCalls(organizationId, s, rnd));
  // Exchange writes the address as the mailbox has it; logins match in any case.
  const displayed = user.email.replace(/^[a-z]/, (c) => c.toUpperCase());
  for (const s of sessions.filter((x) => x.trigger === 'EXCHANGE_CHANGES')) {
    calls.push({
      organizationId,
      at: iso(plusMs(s.startedAt, -2000)),
      direction: 'INCOMING',
      appFrom: 'Microsoft Exchange',
      appTo: CONNECTOR,
      requestType: 'CHANGE_NOTIFICATION',
      login: displayed,
      method: 'POST',
      url: 'https://sync.northwind.example/exchange/notifications',
      statusCode: 200,
      durationMs: rnd.int(5, 40),
      request: {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          value: [{ changeType: 'updated', resource: `Users/${displayed}/Events/AAMkAGI2${rnd.alnum(24)}` }],
        }),
      },
    });
  }
  // Before each of the last three nightly syncs the connector looks the user up in Salesforce; the
  // oldest look-up met an expired session.
  const nightly = sessions.filter((s) => s.trigger === 'FULL_SYNC_JOB').slice(-3);
  nightly.forEach((s, i) => {
    calls.push({
      organizationId,
      at: iso(plusMs(s.startedAt, -60_000)),
      direction: 'OUTGOING',
      appFrom: CONNECTOR,
      appTo: 'Salesforce',
      requestType: 'API_CALL',
      login: user.externalId,
      method: 'GET',
      url: `${SALESFORCE}/services/data/v60.0/sobjects/User/${user.externalId}`,
      statusCode: i === 0 ? 401 : 200,
      durationMs: rnd.int(60, 200),
      ...(i === 0
        ? {
            response: {
              headers: { 'content-type': 'application/json;charset=UTF-8' },
              body: JSON.stringify([
                { errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' },
              ]),
            },
          }
        : {}),
    });
  });
  calls.sort((a, b) => (a.at ?? '').localeCompare(b.at ?? ''));
  await tenant.client.post<CallBatchResult>('/api/v1/calls', calls, tenant.client.nextKey('calls'));
  return calls.length;
}
