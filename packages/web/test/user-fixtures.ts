import { randomBytes } from 'node:crypto';
import type {
  ActionInput,
  CallInput,
  Integration,
  Organization,
  Page,
  Run,
  SyncUser,
} from '@synctrail/types';
import type { Page as BrowserPage } from 'playwright-core';
import { waitFor, type Arrange } from './harness/index.js';

/**
 * Sync users of the demo organization (Northwind, which `admin` and `viewer` belong to) with a
 * known history, arranged through the API as a connector reports it: sessions that went fine and
 * sessions that failed, the issues their failing actions opened (one object failing the same way
 * for three users), an issue resolved by a later session, and API calls made for the first user.
 */
export interface UserStory {
  organization: Organization;
  integration: Integration;
  key: string;
  /** The user with the whole history. */
  ada: SyncUser;
  ben: SyncUser;
  cy: SyncUser;
  /** Ada's sessions, oldest first: OK, ERROR, WARNING, ERROR. */
  adaRuns: Run[];
  /** The object that fails for all three, and its error. */
  shared: { objectType: string; name: string; errorCode: number; message: string };
}

const HOUR = 3_600_000;

function iso(msAgo: number): string {
  return new Date(Date.now() - msAgo).toISOString();
}

function appointment(status: 'OK' | 'ERROR', message: string | null, errorCode?: number): ActionInput {
  return {
    source: { system: 'EXCHANGE', id: 'appt-quarterly', name: 'Quarterly review with Contoso' },
    target: { system: 'SALESFORCE', id: '00U-quarterly', name: 'Quarterly review with Contoso' },
    objectType: 'Appointment',
    action: 'UPDATE',
    status,
    message,
    ...(errorCode === undefined ? {} : { errorCode }),
  };
}

const LOCKED = 'Salesforce: ENTITY_IS_LOCKED: the record is locked for editing (an approval is pending).';

const offer = (status: 'OK' | 'ERROR'): ActionInput => ({
  source: { system: 'EXCHANGE', id: 'mail-offer', name: 'Offer 4711 – revised' },
  target: { system: 'SALESFORCE', id: '00T-offer', name: 'Offer 4711 – revised' },
  objectType: 'E-Mail',
  action: 'CREATE',
  status,
  message: status === 'ERROR' ? 'Salesforce: INSUFFICIENT_ACCESS_OR_READONLY on the related Account.' : null,
  ...(status === 'ERROR' ? { errorCode: 3 } : {}),
});

const contact = (i: number, status: 'OK' | 'WARNING' = 'OK'): ActionInput => ({
  source: { system: 'EXCHANGE', id: `contact-${i}`, name: `Contact ${i}` },
  target: { system: 'SALESFORCE', id: `003-${i}`, name: `Contact ${i}` },
  objectType: 'Contact',
  action: 'UPDATE',
  status,
  message: status === 'WARNING' ? `Contact ${i}: the phone number was shortened to 40 characters.` : null,
});

export async function arrangeUserStory(arrange: Arrange): Promise<UserStory> {
  const organization = await arrange.demoOrganization();
  const integrations = await arrange.operator<Page<Integration>>(
    'GET',
    `/api/v1/organizations/${organization.id}/integrations?limit=100`,
  );
  const integration = integrations.items.find((i) => i.type === 'exchange');
  if (integration === undefined) throw new Error('the demo organization has no Exchange integration');
  const key = await arrange.apiKey(organization.id);
  const tag = randomBytes(3).toString('hex');
  const user = (first: string, last: string) =>
    arrange.operator<SyncUser>('POST', `/api/v1/organizations/${organization.id}/users`, {
      externalId: `E2E-${first}-${tag}`,
      name: `${first} ${last}`,
      email: `${first.toLowerCase()}.${tag}@northwind.example`,
    });
  const ada = await user('Ada', 'Quist');
  const ben = await user('Ben', 'Okafor');
  const cy = await user('Cy', 'Lindgren');

  const session = (userId: string, hoursAgo: number, actions: ActionInput[]) => {
    const startedAt = iso(hoursAgo * HOUR);
    const at = iso(hoursAgo * HOUR - 20_000);
    return arrange.startRun(key, {
      integrationId: integration.id,
      userId,
      trigger: 'FULL_SYNC_JOB',
      progress: 'FINISHED',
      startedAt,
      finishedAt: iso(hoursAgo * HOUR - 90_000),
      actions: actions.map((a) => ({ ...a, at })),
    });
  };
  const adaRuns = [
    await session(ada.id, 72, [contact(1), contact(2)]),
    await session(ada.id, 48, [contact(1), appointment('ERROR', LOCKED, 1), offer('ERROR')]),
    await session(ada.id, 24, [contact(2, 'WARNING'), offer('OK')]),
    await session(ada.id, 2, [appointment('ERROR', LOCKED, 1)]),
  ];
  await session(ben.id, 30, [appointment('ERROR', LOCKED, 1)]);
  await session(cy.id, 5, [contact(3), appointment('ERROR', LOCKED, 1)]);

  const call = (hoursAgo: number, patch: Partial<CallInput>): CallInput => ({
    at: iso(hoursAgo * HOUR),
    direction: 'OUTGOING',
    appFrom: 'Northwind Workplace',
    appTo: 'OAuth 2.0 Office 365',
    action: 'NA',
    method: 'GET',
    url: 'https://login.microsoftonline.com/northwind/oauth2/v2.0/authorize',
    statusCode: 200,
    login: ada.email,
    ...patch,
  });
  await arrange.postCalls(key, [
    call(60, { action: 'SSO_INITIATED', statusCode: 302 }),
    call(59.9, {
      action: 'SSO_SUCCESSFUL',
      method: 'POST',
      url: 'https://login.microsoftonline.com/northwind/oauth2/v2.0/token',
    }),
    call(36, {
      action: 'SSO_FAILED',
      statusCode: 401,
      url: 'https://workplace.northwind.example/auth/callback?error=access_denied',
    }),
    call(47.99, {
      appFrom: 'Exchange ↔ Salesforce',
      appTo: 'Salesforce',
      method: 'PATCH',
      url: 'https://northwind.my.salesforce.com/services/data/v61.0/sobjects/Event/00U-quarterly',
      statusCode: 400,
      login: null,
      runId: adaRuns[1]!.id,
    }),
  ]);
  return {
    organization,
    integration,
    key,
    ada,
    ben,
    cy,
    adaRuns,
    shared: {
      objectType: 'Appointment',
      name: 'Quarterly review with Contoso',
      errorCode: 1,
      message: LOCKED,
    },
  };
}

/** Ticks one option of a multi-value filter (its popover closes with Escape). */
export async function pick(page: BrowserPage, filter: string, option: string) {
  await page.getByRole('button', { name: new RegExp(`^${filter}:`) }).click();
  await page.getByRole('checkbox', { name: option, exact: true }).check();
  await page.keyboard.press('Escape');
}

export async function searchParam(page: BrowserPage, key: string, value: string | null) {
  await waitFor(`${key}=${value} in the URL`, () => new URL(page.url()).searchParams.get(key) === value);
}

/** The text of one column (by header) of every rendered row of the page's data table. */
export async function column(page: BrowserPage, header: string): Promise<string[]> {
  await page.getByTestId('data-row').first().waitFor();
  const headers = await page.getByRole('columnheader').allInnerTexts();
  const index = headers.findIndex((h) => h.trim() === header);
  if (index < 0) throw new Error(`no column ${header} in ${headers.join(', ')}`);
  return page
    .getByTestId('data-row')
    .evaluateAll(
      (rows, i) =>
        rows.map((row) => (row.querySelectorAll('[role="cell"]')[i] as HTMLElement).innerText.trim()),
      index,
    );
}
