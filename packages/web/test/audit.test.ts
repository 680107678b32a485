import type { ApiKeyCreated, AuditVerification, Member } from '@synctrail/types';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  DEMO_ACCOUNTS,
  ENGINES,
  expectAccessible,
  screenshot,
  signInQuickly,
  useConsole,
  waitForScreen,
} from './harness/index.js';
import { actAs, unique } from './settings-helpers.js';

/** The visible text of one column of every loaded row, by the column's position. */
async function column(page: Page, index: number): Promise<string[]> {
  const rows = page.getByTestId('data-row');
  const texts: string[] = [];
  for (let i = 0; i < (await rows.count()); i++)
    texts.push((await rows.nth(i).getByRole('cell').nth(index).innerText()).trim());
  return texts;
}

const WHO = 1;
const WHAT = 2;
const ORGANIZATION = 4;

for (const kind of ENGINES) {
  describe(`Audit log [${kind}]`, () => {
    const e2e = useConsole(kind);

    it('shows who did what in words, narrows by action and actor, and exports what it shows', async () => {
      const { page, context } = e2e;
      const northwind = await e2e.arrange.demoOrganization();
      const elsewhere = await e2e.arrange.organization(unique('Initech'));
      // The admin manages members and keys over the API, as the settings screen does.
      const admin = await actAs(context, 'admin');
      const email = `${unique('ann')}@example.com`;
      const keyName = unique('Nightly export');
      const member = await admin.write<Member>('POST', `/api/v1/organizations/${northwind.id}/members`, {
        email,
        role: 'VIEWER',
      });
      const { key } = await admin.write<ApiKeyCreated>(
        'POST',
        `/api/v1/organizations/${northwind.id}/api-keys`,
        {
          name: keyName,
          scopes: ['read'],
        },
      );
      await admin.write('DELETE', `/api/v1/api-keys/${key.id}`);
      await admin.write('DELETE', `/api/v1/members/${member.id}`);

      await page.goto('/audit');
      await waitForScreen(page, 'Audit log');
      await page.getByTestId('data-row').first().waitFor();
      // Newest first: the removal, by the admin's email (not `account:<id>`), on the member's email.
      const newest = page.getByTestId('data-row').first();
      expect(await newest.getByRole('cell').nth(WHO).innerText()).toBe(DEMO_ACCOUNTS.admin);
      expect(await newest.getByRole('cell').nth(WHAT).innerText()).toBe('Member removed');
      expect(await newest.innerText()).toContain(email);
      expect(await newest.getByRole('cell').nth(ORGANIZATION).innerText()).toBe(northwind.name);
      // An admin sees their organization's events only: not the other organization being created.
      expect(await page.getByText(elsewhere.name).count()).toBe(0);
      // Verifying the chain is for operators.
      expect(await page.getByRole('button', { name: 'Verify chain' }).count()).toBe(0);
      const all = await page.getByTestId('data-row').count();
      await expectAccessible(page, 'audit log');
      await screenshot(page, 'audit');

      await page.getByRole('button', { name: /^What: / }).click();
      await page.getByRole('checkbox', { name: 'API key created' }).check();
      await page.getByRole('checkbox', { name: 'API key revoked' }).check();
      await page.keyboard.press('Escape');
      await page.waitForURL((url) => url.searchParams.get('action') === 'api_key.create,api_key.revoke');
      // While the narrowed list loads the table is empty for a moment: wait for its rows, not for fewer.
      await expect
        .poll(() => column(page, WHAT).then((w) => [...new Set(w)].sort()))
        .toEqual(['API key created', 'API key revoked']);
      expect((await column(page, WHAT)).length).toBeLessThan(all);
      expect(
        await page
          .getByTestId('data-row')
          .filter({ hasText: `API key “${keyName}”` })
          .count(),
      ).toBe(2);
      await screenshot(page, 'audit-filtered');

      // The event in full: its details and its place in the chain.
      await page
        .getByTestId('data-row')
        .filter({ hasText: keyName })
        .getByRole('button', { name: 'API key created' })
        .click();
      const panel = page.getByRole('dialog', { name: /^API key created · event #\d+$/ });
      await panel.waitFor();
      const details = JSON.parse(await panel.getByLabel('Details', { exact: true }).innerText()) as Record<
        string,
        unknown
      >;
      expect(details).toEqual({ name: keyName, scopes: ['read'] });
      expect(await panel.getByLabel('Hash', { exact: true }).innerText()).toMatch(/^[0-9a-f]{64}$/);
      expect(await panel.getByLabel('Previous hash', { exact: true }).innerText()).toMatch(/^[0-9a-f]{64}$/);
      expect(new URL(page.url()).searchParams.get('event')).toMatch(/^\d+$/);
      await expectAccessible(page, 'audit event');
      await screenshot(page, 'audit-event');

      await panel.getByRole('button', { name: 'Only this actor’s events' }).click();
      await panel.waitFor({ state: 'detached' });
      await page.waitForURL(
        (url) => url.searchParams.get('actor') === `account:${admin.session.account!.id}`,
      );
      await expect.poll(() => column(page, WHO)).toEqual([DEMO_ACCOUNTS.admin, DEMO_ACCOUNTS.admin]);

      await page.getByLabel('Date range').selectOption('1h');
      await page.waitForURL((url) => url.searchParams.get('range') === '1h');
      await expect.poll(() => page.getByTestId('data-row').count()).toBe(2);

      const href = await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
      const csvUrl = new URL(href!, page.url());
      expect(csvUrl.searchParams.get('format')).toBe('csv');
      expect(csvUrl.searchParams.get('action')).toBe('api_key.create,api_key.revoke');
      const csv = await context.request.get(href!);
      expect(csv.status()).toBe(200);
      expect(csv.headers()['content-type']).toContain('text/csv');
      const lines = (await csv.text()).trim().split('\n');
      expect(lines).toHaveLength(3); // a header and the two events the screen shows
      expect(lines.slice(1).every((l) => l.includes('api_key.'))).toBe(true);
    });

    it('lets an operator verify the chain and read "Chain intact", and filter by organization', async () => {
      const { page } = e2e;
      const northwind = await e2e.arrange.demoOrganization();
      await signInQuickly(e2e.context, 'operator');
      await page.goto('/audit');
      await waitForScreen(page, 'Audit log');
      await page.getByTestId('data-row').first().waitFor();
      await page.getByRole('button', { name: 'Verify chain' }).click();
      const result = page.getByTestId('chain-result');
      await result.waitFor();
      const text = await result.innerText();
      expect(text).toMatch(/^Chain intact: [\d,]+ events, head hash [0-9a-f]{8}…$/);
      const server = await e2e.arrange.operator<AuditVerification>('GET', '/api/v1/audit/verify');
      if (!server.ok) throw new Error(`the chain is broken: ${server.message}`);
      expect(Number(text.match(/([\d,]+) events/)![1]!.replace(/,/g, ''))).toBeLessThanOrEqual(server.count);
      expect(text).toContain(server.headHash.slice(0, 8));
      await expectAccessible(page, 'audit chain verified');
      await screenshot(page, 'audit-verified');

      await page.getByLabel('Organization').selectOption({ label: northwind.name });
      await page.waitForURL((url) => url.searchParams.get('organizationId') === northwind.id);
      await expect
        .poll(async () => new Set(await column(page, ORGANIZATION)))
        .toEqual(new Set([northwind.name]));
    });

    it('tells a VIEWER the audit log needs the ADMIN role, with no Verify chain button', async () => {
      const { page } = e2e;
      await signInQuickly(e2e.context, 'viewer');
      await page.goto('/audit');
      await waitForScreen(page, 'Audit log');
      await page.getByRole('note', { name: 'You need the ADMIN role' }).waitFor();
      expect(await page.getByRole('button', { name: 'Verify chain' }).count()).toBe(0);
      expect(await page.getByTestId('data-row').count()).toBe(0);
      await expectAccessible(page, 'audit as viewer');
      await screenshot(page, 'audit-viewer');
    });
  });
}
