import { createHash } from 'node:crypto';
import type { ActionInput } from '@synctrail/types';
import type { DemoFile } from './demo-client.js';

/** The CRM side of an Exchange sync, as its logs name it. */
export interface CrmProfile {
  /** System id in actions, e.g. `SALESFORCE`. */
  system: string;
  label: string;
  baseUrl: string;
  tokenUrl: string;
  /** Name of the HTTP trace between the CRM and the connector (the first seed's "C4C Dump"). */
  traceName: string;
  /** REST path of an object type's records. */
  recordPath(objectType: string): string;
}

/** One per-user sync session, as its log pack describes it. */
export interface SessionLog {
  crm: CrmProfile;
  organization: string;
  user: { name: string; email: string; externalId: string };
  trigger: string;
  startedAt: Date;
  finishedAt: Date;
  actions: readonly ActionInput[];
  /** Objects of the mailbox the connector already knows (what its cache holds). */
  known: readonly { type: string; exchangeId: string; crmId: string; name: string }[];
}

export const OBJECT_TYPES = ['Contact', 'Appointment', 'E-Mail', 'Task'] as const;
export type MailboxObjectType = (typeof OBJECT_TYPES)[number];

const EXCHANGE = 'EXCHANGE';
const EWS_URL = 'https://outlook.office365.com/EWS/Exchange.asmx';

function xml(text: string | null | undefined): string {
  return (text ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function digest(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/** A time a few milliseconds into the session, for log lines. */
function tick(log: SessionLog, step: number): string {
  const span = Math.max(1, log.finishedAt.getTime() - log.startedAt.getTime());
  return new Date(log.startedAt.getTime() + Math.min(span, step * 137)).toISOString();
}

const OPERATIONS: Record<string, string> = { CREATE: 'POST', UPDATE: 'PATCH', DELETE: 'DELETE', NONE: 'GET' };

/** HTTP trace of the session between the CRM and the connector (secrets were masked by the connector). */
function httpTrace(log: SessionLog): string {
  const { crm } = log;
  const lines = [
    `# HTTP trace ${crm.label} <-> connector, mailbox ${log.user.email}, session ${log.startedAt.toISOString()}`,
    `${tick(log, 1)} --> POST ${crm.tokenUrl}`,
    '    Content-Type: application/x-www-form-urlencoded',
    '    grant_type=refresh_token&client_id=exchange-connector&refresh_token=***',
    `${tick(log, 2)} <-- 200 OK (184 ms) {"token_type":"Bearer","expires_in":3600,"access_token":"***"}`,
  ];
  let step = 3;
  const since = new Date(log.startedAt.getTime() - 24 * 3600 * 1000).toISOString();
  for (const type of OBJECT_TYPES) {
    lines.push(
      `${tick(log, step++)} --> GET ${crm.baseUrl}${crm.recordPath(type)}?modifiedSince=${encodeURIComponent(since)}&owner=${log.user.externalId}`,
      `${tick(log, step++)} <-- 200 OK (${120 + step * 7} ms) {"totalSize":${log.actions.filter((a) => a.objectType === type).length}}`,
    );
  }
  for (const action of log.actions) {
    if (action.target.system === EXCHANGE || action.action === 'NONE') continue;
    const method = OPERATIONS[action.action] ?? 'GET';
    const id = action.action === 'CREATE' ? '' : `/${action.target.id ?? ''}`;
    lines.push(
      `${tick(log, step++)} --> ${method} ${crm.baseUrl}${crm.recordPath(action.objectType ?? 'Contact')}${id}`,
    );
    if (action.status === 'ERROR') {
      lines.push(
        `${tick(log, step++)} <-- 400 Bad Request (95 ms) [{"message":${JSON.stringify(action.message ?? '')}}]`,
      );
    } else {
      const status = action.action === 'CREATE' ? '201 Created' : '204 No Content';
      lines.push(`${tick(log, step++)} <-- ${status} (${60 + (step % 9) * 23} ms)`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function configuration(log: SessionLog): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<Configuration mailbox="${xml(log.user.email)}" generated="${log.startedAt.toISOString()}">
  <Exchange url="${EWS_URL}" authentication="OAuth2" impersonation="true" serviceAccount="svc-sync@${xml(log.user.email.split('@')[1])}" password="***" />
  <Crm type="${xml(log.crm.label)}" url="${xml(log.crm.baseUrl)}" user="${xml(log.user.externalId)}" />
  <Sync interval="PT30M" direction="Bidirectional" conflictResolution="CrmWins" pastDays="30" futureDays="180">
    <ObjectType name="Contact" enabled="true" folder="Contacts/${xml(log.crm.label)}" />
    <ObjectType name="Appointment" enabled="true" folder="Calendar" privateItems="WithoutBody" />
    <ObjectType name="E-Mail" enabled="true" folder="Inbox;Sent Items" rule="Category:${xml(log.crm.label)}" />
    <ObjectType name="Task" enabled="true" folder="Tasks" />
  </Sync>
  <Attachments maxSizeMB="5" oversized="Link" />
</Configuration>
`;
}

/** Data trace between the connector and Exchange, and the actions performed in the mailbox. */
function exchangeDump(log: SessionLog): string {
  const reads = OBJECT_TYPES.map(
    (type) =>
      `  <Request operation="SyncFolderItems" objectType="${type}" syncState="${digest(`${log.user.email}${type}${log.startedAt.toISOString()}`).slice(0, 24)}" />`,
  );
  const items = log.actions
    .filter((a) => a.source.system === EXCHANGE || a.target.system === EXCHANGE)
    .map((a) => {
      const inExchange = a.target.system === EXCHANGE;
      const id = inExchange ? a.target.id : a.source.id;
      const op = inExchange
        ? { CREATE: 'CreateItem', UPDATE: 'UpdateItem', DELETE: 'DeleteItem', NONE: 'GetItem' }[a.action]
        : 'GetItem';
      const result = inExchange && a.status === 'ERROR' ? 'Error' : 'NoError';
      return `  <Item operation="${op}" type="${xml(a.objectType)}" id="${xml(id)}" subject="${xml(a.source.name)}" result="${result}" />`;
    });
  return `<?xml version="1.0" encoding="utf-8"?>
<ExchangeDump mailbox="${xml(log.user.email)}" server="${EWS_URL}" started="${log.startedAt.toISOString()}">
${[...reads, ...items].join('\n')}
</ExchangeDump>
`;
}

/** Synchronization trace between the two storages: one pair per object. */
function syncDump(log: SessionLog): string {
  const pairs = log.actions.map(
    (a, i) =>
      `  <Pair seq="${i + 1}" type="${xml(a.objectType)}" direction="${xml(a.source.system)} → ${xml(a.target.system)}" operation="${a.action}" status="${a.status}" sourceId="${xml(a.source.id)}" targetId="${xml(a.target.id)}" name="${xml(a.source.name)}"${a.status === 'OK' ? '' : ` message="${xml(a.message)}"`} />`,
  );
  return `<?xml version="1.0" encoding="utf-8"?>
<SyncDump mailbox="${xml(log.user.email)}" trigger="${log.trigger}" started="${log.startedAt.toISOString()}" finished="${log.finishedAt.toISOString()}">
${pairs.join('\n') || '  <!-- nothing to synchronize -->'}
</SyncDump>
`;
}

function autoResolvers(log: SessionLog): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<AutoResolvers>
  <Rule objectType="Contact" conflict="ChangedInBoth" resolution="${xml(log.crm.label)}Wins" />
  <Rule objectType="Appointment" conflict="ChangedInBoth" resolution="ExchangeWins" />
  <Rule objectType="Appointment" conflict="DeletedInExchangeChangedInCrm" resolution="Recreate" />
  <Rule objectType="Task" conflict="ChangedInBoth" resolution="LatestWins" />
  <Rule objectType="E-Mail" conflict="DuplicateMatch" resolution="LinkToFirstMatch" />
</AutoResolvers>
`;
}

function siteSettings(log: SessionLog): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<Site name="${xml(log.organization)}" timeZone="W. Europe Standard Time" culture="en-US">
  <Setting key="SyncIntervalMinutes" value="30" />
  <Setting key="MaxItemsPerSession" value="5000" />
  <Setting key="TrackEmailsByCategory" value="true" />
  <Setting key="CreateMissingContacts" value="false" />
  <Setting key="LogRetentionDays" value="90" />
</Site>
`;
}

const FIELD_MAP: Record<MailboxObjectType, [string, string][]> = {
  Contact: [
    ['GivenName', 'FirstName'],
    ['Surname', 'LastName'],
    ['CompanyName', 'Account.Name'],
    ['EmailAddresses[0]', 'Email'],
    ['BusinessPhones[0]', 'Phone'],
  ],
  Appointment: [
    ['Subject', 'Subject'],
    ['Start', 'StartDateTime'],
    ['End', 'EndDateTime'],
    ['Location', 'Location'],
    ['RequiredAttendees', 'EventRelations'],
  ],
  'E-Mail': [
    ['Subject', 'Subject'],
    ['From', 'FromAddress'],
    ['ToRecipients', 'ToAddress'],
    ['Body', 'TextBody'],
    ['DateTimeSent', 'MessageDate'],
  ],
  Task: [
    ['Subject', 'Subject'],
    ['DueDate', 'ActivityDate'],
    ['Status', 'Status'],
    ['Importance', 'Priority'],
  ],
};

function mappingScheme(log: SessionLog): string {
  const types = OBJECT_TYPES.map((type) => {
    const fields = FIELD_MAP[type].map(
      ([ex, crm]) => `    <Field exchange="${ex}" crm="${crm}" direction="Both" />`,
    );
    return `  <ObjectType exchange="${type}" crm="${type === 'Appointment' ? 'Event' : type === 'E-Mail' ? 'EmailMessage' : type}">\n${fields.join('\n')}\n  </ObjectType>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<SynchronizationScheme crm="${xml(log.crm.label)}" version="3">
${types.join('\n')}
</SynchronizationScheme>
`;
}

/** Cached field hashes of one object type, to skip CRM changes to fields the sync does not use. */
function objectCache(log: SessionLog, type: MailboxObjectType): string {
  const items = log.known
    .filter((o) => o.type === type)
    .map((o) => ({
      exchangeId: o.exchangeId,
      crmId: o.crmId,
      name: o.name,
      fieldsHash: digest(`${o.exchangeId}${o.name}`),
      syncedFields: FIELD_MAP[type].map(([, crm]) => crm),
    }));
  return `${JSON.stringify({ objectType: type, mailbox: log.user.email, cachedAt: log.finishedAt.toISOString(), items }, null, 2)}\n`;
}

function jobList(log: SessionLog): string {
  const count = (type: string) => log.actions.filter((a) => a.objectType === type).length;
  const failed = (type: string) =>
    log.actions.filter((a) => a.objectType === type && a.status === 'ERROR').length;
  const jobs = [
    ['LoadConfiguration', 'OK', ''],
    ['ConnectExchange', 'OK', `impersonating ${log.user.email}`],
    [`Connect${log.crm.label.replace(/\W/g, '')}`, 'OK', `as ${log.user.externalId}`],
    ...OBJECT_TYPES.map((type) => [
      `Sync${type.replace('-', '')}s`,
      failed(type) > 0 ? 'FAILED' : 'OK',
      `${count(type)} change(s), ${failed(type)} failure(s)`,
    ]),
    ['SaveObjectCache', 'OK', ''],
    ['UploadLogs', 'OK', ''],
  ];
  const lines = jobs.map(
    ([name, status, note], i) =>
      `${tick(log, i * 5)}  job ${String(i + 1).padStart(2)}  ${name!.padEnd(22)} ${status!.padEnd(7)} ${note}`,
  );
  return `${lines.join('\n')}\n`;
}

/** The session's log files: the nine kinds of the first seed's .zip, one cache file per object type. */
export function logPack(log: SessionLog): DemoFile[] {
  return [
    { name: log.crm.traceName, kind: 'HTTP_TRACE', content: httpTrace(log) },
    { name: 'configuration.xml', kind: 'CONFIGURATION', content: configuration(log) },
    { name: 'exchange-dump.xml', kind: 'EXTERNAL_DUMP', content: exchangeDump(log) },
    { name: 'sync-dump.xml', kind: 'SYNC_DUMP', content: syncDump(log) },
    { name: 'autoresolvers.xml', kind: 'AUTO_RESOLVERS', content: autoResolvers(log) },
    { name: 'Site.xml', kind: 'SITE_SETTINGS', content: siteSettings(log) },
    { name: 'synchronization_scheme.xml', kind: 'MAPPING_SCHEME', content: mappingScheme(log) },
    ...OBJECT_TYPES.map((type): DemoFile => ({
      name: `${type}.json`,
      kind: 'OBJECT_CACHE',
      content: objectCache(log, type),
    })),
    { name: 'job.txt', kind: 'JOB_LIST', content: jobList(log) },
  ];
}
