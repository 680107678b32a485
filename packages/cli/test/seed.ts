import { must, OPERATOR_TOKEN, type ServerProcess } from './helpers.js';

/** What a suite finds on its server: an organization with an integration, a sync user and a finished run. */
export interface Seeded {
  org: { id: string; name: string };
  integration: { id: string };
  user: { id: string; email: string };
  runId: string;
  callId: string;
}

/** An organization, an integration (cancellable), a sync user, a run of five actions (one failed), a call, a log file. */
export async function seed(server: ServerProcess, name: string): Promise<Seeded> {
  const org = await must(server, 'POST', '/api/v1/organizations', { name });
  const integration = await must(server, 'POST', `/api/v1/organizations/${org.id}/integrations`, {
    type: 'exchange',
    name: 'Exchange ↔ CRM',
    capabilities: { cancellable: true, partialSync: false },
  });
  const user = await must(server, 'POST', `/api/v1/organizations/${org.id}/users`, {
    externalId: 'ada',
    email: 'ada@example.com',
    name: 'Ada Lovelace',
  });
  const run = await must(server, 'POST', '/api/v1/runs', {
    integrationId: integration.id,
    userId: user.id,
    name: 'Mailbox ada',
    trigger: 'FULL_SYNC_JOB',
  });
  await must(
    server,
    'POST',
    `/api/v1/runs/${run.id}/actions`,
    Array.from({ length: 5 }, (_, i) => ({
      source: { system: 'EXCHANGE', id: `mail-${i}`, name: i === 4 ? 'Quarterly review' : `Contact ${i}` },
      target: { system: 'CRM', id: `crm-${i}` },
      objectType: i === 4 ? 'Appointment' : 'Contact',
      action: 'UPDATE',
      status: i === 4 ? 'ERROR' : 'OK',
      message: i === 4 ? 'Locked by another user' : `updated contact ${i}`,
      ...(i === 4 ? { errorCode: 1 } : {}),
    })),
  );
  const log = await fetch(`${server.url}/api/v1/runs/${run.id}/artifacts?name=trace.txt&kind=HTTP_TRACE`, {
    method: 'POST',
    headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/octet-stream' },
    body: 'GET /ews/exchange.asmx 200\n'.repeat(2000),
  });
  if (log.status !== 201) throw new Error(`artifact: ${log.status} ${await log.text()}`);
  await must(server, 'PATCH', `/api/v1/runs/${run.id}`, { progress: 'FINISHED' });
  const calls = await must(server, 'POST', '/api/v1/calls', [
    {
      organizationId: org.id,
      runId: run.id,
      direction: 'INCOMING',
      appFrom: 'okta',
      appTo: 'portal',
      action: 'SSO_FAILED',
      requestType: 'AUTHENTICATION_APPLICATIONS',
      login: 'ada@example.com',
      method: 'POST',
      url: 'https://portal.example.com/sso/acs',
      statusCode: 403,
      request: { headers: { 'content-type': 'application/json' }, body: '{"user":"ada","attempt":1}' },
      response: { headers: {}, body: '{"error":"denied"}' },
    },
  ]);
  return { org, integration, user, runId: run.id, callId: calls.ids[0] };
}
