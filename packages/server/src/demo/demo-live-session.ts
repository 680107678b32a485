import type {
  ActionInput,
  CallInput,
  Integration,
  LeaseResult,
  Organization,
  Page,
  Run,
} from '@synctrail/types';
import type { DemoClient } from './demo-client.js';
import { CUSTOMER_COMPANIES, FIRST_NAMES, LAST_NAMES, emailLocalPart } from './demo-fixtures.js';
import { Random } from './demo-random.js';

/**
 * The sync that is always under way in the demo: a full resync of Northwind's mailboxes into
 * Salesforce, leased by the demo connector, which reports a contact at a time with the API calls it
 * made (request and response bodies included), and stops when an administrator cancels it.
 */

/** The demo connector's worker name: the runs it leased are its own. */
export const DEMO_WORKER = 'demo-connector';
export const LIVE_SESSION_NAME = 'Full resync of all mailboxes';
/** The demo organization whose integration can cancel, and whose members the demo accounts join. */
export const LIVE_ORGANIZATION_SLUG = 'northwind';

const SALESFORCE = 'https://northwind.my.salesforce.com';
const EWS = 'https://outlook.office365.com/EWS/Exchange.asmx';

/** The Exchange integration of the demo's live organization, if the database holds the demo. */
export async function liveIntegration(
  client: DemoClient,
): Promise<{ organization: Organization; integration: Integration } | undefined> {
  const orgs = await client.get<Page<Organization>>('/api/v1/organizations?q=northwind&limit=20');
  const organization = orgs.items.find((o) => o.slug === LIVE_ORGANIZATION_SLUG);
  if (!organization) return undefined;
  const integrations = await client.get<Page<Integration>>(
    `/api/v1/organizations/${organization.id}/integrations?type=exchange&limit=1`,
  );
  const integration = integrations.items[0];
  return integration && { organization, integration };
}

/** Queues the resync and leases it as the demo connector would; reports its first contacts. */
export async function startLiveSession(client: DemoClient, integration: Integration): Promise<Run> {
  await client.post<Run>(`/api/v1/integrations/${integration.id}/sync`, { name: LIVE_SESSION_NAME });
  const lease = await client.post<LeaseResult>(`/api/v1/integrations/${integration.id}/lease`, {
    worker: DEMO_WORKER,
  });
  for (let i = 0; i < LIVE_SESSION_START; i++) {
    const { calls, action } = contactReport(lease.run, i);
    await client.post('/api/v1/calls', calls);
    await client.post(`/api/v1/runs/${lease.run.id}/actions`, [action]);
  }
  return lease.run;
}

/** Contacts the resync has reported when the demo is loaded (each with three calls). */
export const LIVE_SESSION_START = 12;

/** One contact of the resync: its action and the three calls behind it (Exchange, Salesforce). */
export function contactReport(
  run: Pick<Run, 'id' | 'organizationId'>,
  index: number,
): { calls: CallInput[]; action: ActionInput } {
  const rnd = Random.forPart(`live-${index}`);
  const first = rnd.pick(FIRST_NAMES);
  const last = rnd.pick(LAST_NAMES);
  const company = rnd.pick(CUSTOMER_COMPANIES);
  const email = `${emailLocalPart(first, last)}@${company.toLowerCase().replace(/[^a-z]+/g, '')}.example`;
  const itemId = `AAMkAGI2${rnd.alnum(24)}`;
  const contactId = `003${rnd.alnum(2)}00000${rnd.alnum(8)}`;
  const conflict = index % 9 === 7;
  const now = Date.now();
  const at = (ms: number) => new Date(now - 3000 + ms).toISOString();
  const calls: CallInput[] = [
    {
      organizationId: run.organizationId,
      runId: run.id,
      at: at(0),
      direction: 'OUTGOING',
      appFrom: 'Exchange connector',
      appTo: 'Microsoft Exchange',
      requestType: 'API_CALL',
      login: 'exchange.sync@northwind.example',
      method: 'POST',
      url: EWS,
      statusCode: 200,
      durationMs: rnd.int(80, 400),
      request: {
        headers: {
          'content-type': 'text/xml; charset=utf-8',
          authorization: `Bearer eyJ0eXAiOiJKV1Qi.${rnd.alnum(40)}`,
        },
        body: `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"><soap:Body><GetItem xmlns="http://schemas.microsoft.com/exchange/services/2006/messages"><ItemShape><t:BaseShape>AllProperties</t:BaseShape></ItemShape><ItemIds><t:ItemId Id="${itemId}"/></ItemIds></GetItem></soap:Body></soap:Envelope>`,
      },
      response: {
        headers: { 'content-type': 'text/xml; charset=utf-8' },
        body: `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><GetItemResponse><ResponseMessages><GetItemResponseMessage ResponseClass="Success"><Items><t:Contact><t:DisplayName>${first} ${last}</t:DisplayName><t:CompanyName>${company}</t:CompanyName><t:EmailAddresses><t:Entry Key="EmailAddress1">${email}</t:Entry></t:EmailAddresses></t:Contact></Items></GetItemResponseMessage></ResponseMessages></GetItemResponse></soap:Body></soap:Envelope>`,
      },
    },
    {
      organizationId: run.organizationId,
      runId: run.id,
      at: at(600),
      direction: 'OUTGOING',
      appFrom: 'Exchange connector',
      appTo: 'Salesforce',
      requestType: 'API_CALL',
      login: 'exchange.sync@northwind.example',
      method: 'GET',
      url: `${SALESFORCE}/services/data/v60.0/query?q=${encodeURIComponent(`SELECT Id, LastModifiedDate FROM Contact WHERE Email = '${email}'`)}`,
      statusCode: 200,
      durationMs: rnd.int(60, 250),
      request: { headers: { authorization: `Bearer 00D5g000004${rnd.alnum(30)}` }, body: null },
      response: {
        headers: { 'content-type': 'application/json;charset=UTF-8' },
        body: JSON.stringify({
          totalSize: 1,
          done: true,
          records: [{ Id: contactId, LastModifiedDate: at(-86_400_000) }],
        }),
      },
    },
    {
      organizationId: run.organizationId,
      runId: run.id,
      at: at(1200),
      direction: 'OUTGOING',
      appFrom: 'Exchange connector',
      appTo: 'Salesforce',
      requestType: 'API_CALL',
      login: 'exchange.sync@northwind.example',
      method: 'PATCH',
      url: `${SALESFORCE}/services/data/v60.0/sobjects/Contact/${contactId}`,
      statusCode: conflict ? 400 : 204,
      durationMs: rnd.int(90, 500),
      request: {
        headers: { 'content-type': 'application/json', authorization: `Bearer 00D5g000004${rnd.alnum(30)}` },
        body: JSON.stringify({ FirstName: first, LastName: last, Email: email, Account: { Name: company } }),
      },
      response: conflict
        ? {
            headers: { 'content-type': 'application/json;charset=UTF-8' },
            body: JSON.stringify([
              {
                errorCode: 'ENTITY_IS_LOCKED',
                message: 'the record is locked for editing (an approval process is pending)',
              },
            ]),
          }
        : { headers: {}, body: '' },
    },
  ];
  const action: ActionInput = {
    at: at(1500),
    source: { system: 'MICROSOFT_EXCHANGE', id: itemId, name: `${first} ${last}` },
    target: { system: 'SALESFORCE', id: contactId, name: `${first} ${last}` },
    objectType: 'Contact',
    action: 'UPDATE',
    status: conflict ? 'WARNING' : 'OK',
    message: conflict
      ? 'Salesforce: ENTITY_IS_LOCKED: the record is locked for editing; it is retried on the next sync.'
      : `Updated ${first} ${last} (${company}).`,
    details: { changed: ['Email', 'Account'], after: { Email: email, Account: company } },
  };
  return { calls, action };
}
