import type { ExchangeSpec } from './demo-exchange.js';
import type { Crm } from './demo-mailbox.js';
import type { MailboxObjectType } from './demo-log-pack.js';
import type { TenantSpec } from './demo-tenants.js';

/** The four organizations of the demo and the systems they connect. */

const SALESFORCE_OBJECT: Record<MailboxObjectType, [sobject: string, idPrefix: string]> = {
  Contact: ['Contact', '003'],
  Appointment: ['Event', '00U'],
  'E-Mail': ['EmailMessage', '02s'],
  Task: ['Task', '00T'],
};

const SALESFORCE: Crm = {
  system: 'SALESFORCE',
  label: 'Salesforce',
  baseUrl: 'https://northwind.my.salesforce.com',
  tokenUrl: 'https://login.salesforce.com/services/oauth2/token',
  traceName: 'salesforce-http-trace.txt',
  recordPath: (type) =>
    `/services/data/v60.0/sobjects/${SALESFORCE_OBJECT[type as MailboxObjectType]?.[0] ?? type}`,
  errorSource: 'SALESFORCE',
  errors: {
    locked:
      'Salesforce: ENTITY_IS_LOCKED: the record is locked for editing (an approval process is pending).',
    validation:
      'Salesforce: FIELD_CUSTOM_VALIDATION_EXCEPTION: a tracked e-mail needs a related Account or Opportunity.',
    deleted: 'Salesforce: ENTITY_IS_DELETED: entity is deleted.',
    inaccessible:
      'Salesforce: INSUFFICIENT_ACCESS_OR_READONLY: insufficient access rights on the related Account.',
  },
  newId: (type, rnd) => `${SALESFORCE_OBJECT[type][1]}${rnd.alnum(2)}00000${rnd.alnum(8)}`,
};

const C4C_COLLECTION: Record<MailboxObjectType, string> = {
  Contact: 'ContactCollection',
  Appointment: 'AppointmentCollection',
  'E-Mail': 'EMailCollection',
  Task: 'TasksCollection',
};

const SAP_C4C: Crm = {
  system: 'SAP_C4C',
  label: 'SAP Cloud for Customer',
  baseUrl: 'https://my341234.crm.ondemand.com',
  tokenUrl: 'https://my341234.crm.ondemand.com/sap/bc/sec/oauth2/token',
  traceName: 'c4c-dump.txt',
  recordPath: (type) => `/sap/c4c/odata/v1/c4codataapi/${C4C_COLLECTION[type as MailboxObjectType] ?? type}`,
  errorSource: 'SAP_C4C',
  errors: {
    locked: 'SAP Cloud for Customer: the appointment is locked by user KEYUSER01 (message CM_BO_LOCK/001).',
    validation:
      'SAP Cloud for Customer: an account is mandatory for an e-mail activity (message /SAP_BYD/ACT/114).',
    deleted: 'SAP Cloud for Customer: OData 404 Resource not found: the contact no longer exists.',
    inaccessible:
      'SAP Cloud for Customer: OData 403 Forbidden: access restriction rule 02 denies access to the account.',
  },
  newId: (_type, rnd) => `00163E${rnd.hex(26)}`.toUpperCase(),
};

export const NORTHWIND: ExchangeSpec = {
  part: 'northwind',
  tenant: {
    name: 'Northwind Traders',
    slug: 'northwind',
    members: [
      { email: 'maria.anders@northwind.example', name: 'Maria Anders', role: 'ADMIN' },
      { email: 'thomas.hardy@northwind.example', name: 'Thomas Hardy', role: 'VIEWER' },
    ],
    apiKeys: ['Exchange connector (production)'],
  },
  domain: 'northwind.example',
  crm: SALESFORCE,
  integration: {
    name: 'Exchange ↔ Salesforce',
    schedule: '0 5 * * *',
    configuration: {
      exchange: {
        ewsUrl: 'https://outlook.office365.com/EWS/Exchange.asmx',
        authentication: 'OAuth2',
        tenantId: '3c9a1f2e-6d4b-4a8e-9f17-0b5d2e8c7a41',
        clientId: 'e2b7c9d4-1a3f-4e6b-8c5d-9f0a2b4c6d8e',
        clientSecret: 'Xq8~vN2.kL5mP7rT9wY1zB3dF6hJ8',
      },
      salesforce: {
        instanceUrl: 'https://northwind.my.salesforce.com',
        username: 'exchange.sync@northwind.example',
        password: 'Sales-Sync-2026!',
        securityToken: 'aB3dE5fG7hI9kL1m',
      },
      objectTypes: ['Contact', 'Appointment', 'E-Mail', 'Task'],
      syncIntervalMinutes: 30,
    },
  },
  userCount: 50,
  disabledUsers: 4,
  firstDay: 21,
  lastDay: 1,
  issues: 24,
  failures: ['auth', 'network', 'throttling', 'connector', 'aborted'],
  changeChance: 0.25,
  latestPacks: 8,
  liveCancel: true,
  disableAtEnd: false,
  timelineUser: true,
  newUserId: (rnd) => `005${rnd.alnum(2)}00000${rnd.alnum(8)}`,
};

/** A former customer: its sync was switched off two weeks ago; the history stays. */
export const INITECH: ExchangeSpec = {
  part: 'initech',
  tenant: {
    name: 'Initech',
    slug: 'initech',
    members: [{ email: 'bill.lumbergh@initech.example', name: 'Bill Lumbergh', role: 'ADMIN' }],
    apiKeys: ['Exchange connector (retired)'],
  },
  domain: 'initech.example',
  crm: SAP_C4C,
  integration: {
    name: 'Exchange ↔ SAP Cloud for Customer',
    schedule: '30 5 * * *',
    configuration: {
      exchange: {
        ewsUrl: 'https://mail.initech.example/EWS/Exchange.asmx',
        serviceAccount: 'svc-c4c-sync',
        password: 'Tps-Rep0rts!',
      },
      c4c: {
        tenantUrl: 'https://my341234.crm.ondemand.com',
        communicationUser: 'EXCHANGE_SYNC',
        password: 'C4c-Comm-2025!',
      },
    },
  },
  userCount: 8,
  disabledUsers: 1,
  firstDay: 28,
  lastDay: 12,
  issues: 4,
  failures: ['auth'],
  changeChance: 0.2,
  latestPacks: 2,
  liveCancel: false,
  disableAtEnd: true,
  timelineUser: false,
  newUserId: (rnd) => `E${rnd.int(1_000_000, 9_999_999)}`,
};

export const FABRIKAM: TenantSpec = {
  name: 'Fabrikam Industries',
  slug: 'fabrikam',
  members: [
    { email: 'elena.fischer@fabrikam.example', name: 'Elena Fischer', role: 'ADMIN' },
    { email: 'omar.haddad@fabrikam.example', name: 'Omar Haddad', role: 'VIEWER' },
  ],
  apiKeys: ['ServiceNow connector', 'Signavio connector'],
};

export const GLOBEX: TenantSpec = {
  name: 'Globex Corporation',
  slug: 'globex',
  members: [{ email: 'priya.raman@globex.example', name: 'Priya Raman', role: 'ADMIN' }],
  apiKeys: ['Workplace connector log'],
};

export const GLOBEX_NETSUITE = {
  type: 'netsuite',
  name: 'NetSuite employee directory',
  capabilities: { cancellable: false, partialSync: false },
  schedule: '0 1 * * *',
  configuration: {
    accountId: '5123456',
    restletUrl: 'https://5123456.restlets.api.netsuite.com/app/site/hosting/restlet.nl',
    consumerKey: '9f2c4e6a8b0d1f3e5a7c9e1b3d5f7a9c',
    consumerSecret: 'c1e3a5b7d9f0e2c4a6b8d0f2e4c6a8b0',
    tokenId: '7d9f1b3e5c7a9e1d3f5b7c9a1e3d5f7b',
    tokenSecret: 'b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2',
    samlIdentityProvider: 'https://workplace.globex.example/saml/idp',
  },
};
