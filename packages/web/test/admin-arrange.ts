/** What the admin-panel suites arrange through the API, and how they read colours off the page. */
import { randomBytes } from 'node:crypto';
import type { ActionInput, Integration, Organization, Page, Run, SyncUser } from '@synctrail/types';
import type { Locator } from 'playwright-core';
import { contactUpdates, type Arrange } from './harness/index.js';

const hex = () => randomBytes(3).toString('hex');

/**
 * An organization whose sync is disabled: the demo's, when it has one, else a new one disabled here.
 * The suites must not depend on which.
 */
export async function disabledOrganization(arrange: Arrange): Promise<Organization> {
  const page = await arrange.operator<Page<Organization>>(
    'GET',
    '/api/v1/organizations?syncEnabled=false&limit=1',
  );
  if (page.items[0] !== undefined) return page.items[0];
  const organization = await arrange.organization(`Disabled ${hex()}`);
  return arrange.operator('PATCH', `/api/v1/organizations/${organization.id}`, { syncEnabled: false });
}

/** A sync user of an organization (created as the operator), enabled unless told. */
export function syncUser(
  arrange: Arrange,
  organizationId: string,
  name: string,
  options: { syncEnabled?: boolean } = {},
): Promise<SyncUser> {
  const externalId = `${name.toLowerCase().replace(/\W+/g, '.')}.${hex()}`;
  return arrange.operator('POST', `/api/v1/organizations/${organizationId}/users`, {
    externalId,
    name,
    email: `${externalId}@example.test`,
    syncEnabled: options.syncEnabled ?? true,
  });
}

export const LOCKED_EXCEPTION =
  'Microsoft.Exchange.WebServices.Data.ServiceResponseException: The item is locked by another process.\n' +
  '   at Synctrail.Connector.Exchange.Push(ItemId id)\n   at Synctrail.Connector.Session.Run()';

export const OBJECT_REPORT = {
  Contact: { objects: 40, changes: 2, failures: 1 },
  Appointment: { objects: 7, changes: 0, failures: 0 },
};

/** What `sessionsOrganization` made. */
export interface ArrangedSessions {
  organization: Organization;
  integration: Integration;
  /** The organization's ingest key. */
  key: string;
  ada: SyncUser;
  bob: SyncUser;
  /** Ada's session, two hours ago: ERROR, with an exception, an object report and a log file. */
  failed: Run;
  /** Bob's, three hours ago: WARNING. */
  warning: Run;
  /** Bob's, an hour ago (the newest): OK. */
  ok: Run;
  /** The name of the failed session's log file. */
  fileName: string;
}

/** A finished session's times and its actions, spread over its first minute. */
function finished(hoursAgo: number, minutes: number, actions: ActionInput[]) {
  const start = Date.now() - hoursAgo * 3_600_000;
  return {
    progress: 'FINISHED' as const,
    startedAt: new Date(start).toISOString(),
    finishedAt: new Date(start + minutes * 60_000).toISOString(),
    actions: actions.map((a, i) => ({ ...a, at: new Date(start + (i + 1) * 5_000).toISOString() })),
  };
}

/**
 * A fresh organization with one Exchange integration, two users and three finished sessions of
 * each status but INFO, so that a list of them has a known content and order.
 */
export async function sessionsOrganization(arrange: Arrange): Promise<ArrangedSessions> {
  const organization = await arrange.organization(`Sessions ${hex()}`);
  const integration = await arrange.integration(organization.id, { name: 'Exchange ↔ Salesforce' });
  const key = await arrange.apiKey(organization.id);
  const ada = await syncUser(arrange, organization.id, 'Ada Lovelace');
  const bob = await syncUser(arrange, organization.id, 'Bob Byte');
  const failedActions: ActionInput[] = [
    ...contactUpdates(3),
    {
      source: { system: 'EXCHANGE', id: 'contact-locked', name: 'Charles Babbage' },
      target: { system: 'SALESFORCE', id: '003LOCKED', name: 'Charles Babbage' },
      objectType: 'Contact',
      action: 'UPDATE',
      status: 'ERROR',
      message: 'The item is locked by another process.',
      errorCode: 1,
    },
  ];
  const failed = await arrange.startRun(key, {
    integrationId: integration.id,
    userId: ada.id,
    ...finished(2, 3, failedActions),
    counters: { objects: 47, changes: 2, failures: 1, conflicts: 1 },
    errorSource: 'MICROSOFT_EXCHANGE',
    errorCategory: 'OBJECT_LOCKED',
    exception: LOCKED_EXCEPTION,
    objectReport: OBJECT_REPORT,
  });
  const warning = await arrange.startRun(key, {
    integrationId: integration.id,
    userId: bob.id,
    ...finished(3, 2, [...contactUpdates(2), ...contactUpdates(1, 'WARNING')]),
  });
  const ok = await arrange.startRun(key, {
    integrationId: integration.id,
    userId: bob.id,
    ...finished(1, 1, contactUpdates(2)),
  });
  const fileName = 'exchange-http-trace.txt';
  const upload = await fetch(
    `${arrange.server.url}/api/v1/runs/${failed.id}/artifacts?name=${fileName}&kind=HTTP_TRACE`,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'text/plain' },
      body: 'POST /EWS/Exchange.asmx\n< 500 ErrorItemLocked\n',
    },
  );
  if (!upload.ok) throw new Error(`uploading ${fileName}: ${upload.status} ${await upload.text()}`);
  return { organization, integration, key, ada, bob, failed, warning, ok, fileName };
}

/** The computed text colour of an element as sRGB, whatever notation the style uses (Tailwind 4: oklch). */
export function textColour(locator: Locator): Promise<[number, number, number]> {
  return locator.evaluate((element) => {
    const canvas = document.createElement('canvas');
    canvas.width = 1;
    canvas.height = 1;
    const context = canvas.getContext('2d', { willReadFrequently: true })!;
    context.fillStyle = getComputedStyle(element).color;
    context.fillRect(0, 0, 1, 1);
    const [r = 0, g = 0, b = 0] = context.getImageData(0, 0, 1, 1).data;
    return [r, g, b] as [number, number, number];
  });
}

/** Red text (Tailwind's red-700 is about rgb(193, 0, 7)), not merely dark. */
export function isRed([r, g, b]: [number, number, number]): boolean {
  return r >= 150 && g <= 70 && b <= 70;
}

/** The normal text colour: near black (the console's foreground is slate-900). */
export function isNormalText([r, g, b]: [number, number, number]): boolean {
  return r <= 80 && g <= 80 && b <= 90;
}
