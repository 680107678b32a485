import type { Organization, SyncUser } from '@synctrail/types';
import type { Page as BrowserPage } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  ENGINES,
  expectAccessible,
  pathOf,
  screenshot,
  signInQuickly,
  useConsole,
  waitFor,
  waitForPath,
  waitForScreen,
} from './harness/index.js';
import {
  disabledOrganization,
  isNormalText,
  isRed,
  sessionsOrganization,
  syncUser,
  textColour,
} from './admin-arrange.js';

/** The rows on screen, each as its text. */
const rowTexts = (page: BrowserPage) => page.getByTestId('data-row').allInnerTexts();
const row = (page: BrowserPage, text: string) => page.getByTestId('data-row').filter({ hasText: text });

for (const kind of ENGINES) {
  describe(`Admin panel: organizations and users [${kind}]`, { timeout: 60_000 }, () => {
    const e2e = useConsole(kind);

    it('shows disabled organizations in red and filters by typing enabled or disabled', async () => {
      const { page } = e2e;
      const disabled = await disabledOrganization(e2e.arrange);
      await signInQuickly(e2e.context, 'operator');
      await page.goto('/organizations');
      await waitForScreen(page, 'Organizations');
      await row(page, disabled.name).waitFor();
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Organizations' })
        .waitFor();

      const redRow = row(page, disabled.name);
      expect(await redRow.innerText()).toContain('Disabled');
      expect(isRed(await textColour(redRow))).toBe(true);
      const enabledRow = page.getByTestId('data-row').filter({ hasText: 'Enabled' }).first();
      expect(isNormalText(await textColour(enabledRow))).toBe(true);
      await expectAccessible(page, 'organizations');
      await screenshot(page, 'admin/organizations');

      const search = page.getByRole('searchbox', { name: 'Filter by synchronization status' });
      await search.fill('disabled');
      await waitFor('only disabled organizations', async () => {
        const rows = await rowTexts(page);
        return (
          new URL(page.url()).searchParams.get('syncEnabled') === 'false' &&
          rows.length > 0 &&
          rows.every((r) => r.includes('Disabled')) &&
          rows.some((r) => r.includes(disabled.name))
        );
      });
      for (const each of await page.getByTestId('data-row').all())
        expect(isRed(await textColour(each))).toBe(true);
      await screenshot(page, 'admin/organizations-disabled');

      // Any case does, and the URL keeps the filter across a reload.
      await search.fill('ENABLED');
      await waitFor('only enabled organizations', async () => {
        const rows = await rowTexts(page);
        return (
          new URL(page.url()).searchParams.get('syncEnabled') === 'true' &&
          rows.length > 0 &&
          rows.every((r) => r.includes('Enabled') && !r.includes(disabled.name))
        );
      });
      await page.reload();
      await page.getByTestId('data-row').first().waitFor();
      expect(
        await page.getByRole('searchbox', { name: 'Filter by synchronization status' }).inputValue(),
      ).toBe('Enabled');
      expect((await rowTexts(page)).every((r) => r.includes('Enabled'))).toBe(true);

      // A word it does not know filters nothing and says what it takes.
      await page.getByRole('searchbox', { name: 'Filter by synchronization status' }).fill('maybe');
      await page.getByText('Type Enabled or Disabled').waitFor();
      await page.getByRole('button', { name: 'Clear' }).click();
      await waitFor('the filter removed', () => !new URL(page.url()).searchParams.has('syncEnabled'));
    });

    it('shows each organization’s figures, exports them as CSV and opens one', async () => {
      const { page } = e2e;
      const arranged = await sessionsOrganization(e2e.arrange);
      await signInQuickly(e2e.context, 'operator');
      await page.goto(`/organizations?q=${encodeURIComponent(arranged.organization.name)}`);
      await waitForScreen(page, 'Organizations');
      await waitFor('the one organization', async () => (await rowTexts(page)).length === 1);
      const cells = await page.getByTestId('data-row').getByRole('cell').allInnerTexts();
      // Name, Slug, Synchronization Status, Integrations, Users, Runs (24 h), Errors (24 h), Actions.
      expect(cells.slice(0, 7)).toEqual([
        arranged.organization.name,
        arranged.organization.slug,
        'Enabled',
        '1',
        '2',
        '3',
        '1',
      ]);
      const headers = await page.getByRole('columnheader').allInnerTexts();
      expect(headers.map((h) => h.split('\n')[0])).toEqual([
        'Name',
        'Slug',
        'Synchronization Status',
        'Integrations',
        'Users',
        'Runs (24 h)',
        'Errors (24 h)',
        'Actions',
      ]);

      const csvLink = page.getByRole('link', { name: 'Export CSV' });
      const href = (await csvLink.getAttribute('href'))!;
      expect(href).toContain('format=csv');
      const csv = await e2e.context.request.get(href);
      expect(csv.status()).toBe(200);
      const text = await csv.text();
      expect(text).toContain(arranged.organization.name);
      expect(text.trim().split('\n')).toHaveLength(2);

      await page.getByTestId('data-row').click();
      await waitForPath(page, `/organizations/${arranged.organization.id}/users`);
      await waitForScreen(page, arranged.organization.name);
      const tabs = page.getByRole('navigation', { name: 'Organization' });
      expect(await tabs.getByRole('link', { name: 'Users' }).getAttribute('aria-current')).toBe('page');
      await waitFor('its two users', async () => (await rowTexts(page)).length === 2);
    });

    it('lets an operator disable and enable an organization’s sync after a confirmation', async () => {
      const { page } = e2e;
      const organization = await e2e.arrange.organization();
      await signInQuickly(e2e.context, 'operator');
      await page.goto(`/organizations?q=${encodeURIComponent(organization.name)}`);
      await waitFor('the one organization', async () => (await rowTexts(page)).length === 1);
      const line = page.getByTestId('data-row');
      await line.getByRole('button', { name: 'Disable sync' }).click();
      const dialog = page.getByRole('alertdialog', {
        name: `Disable synchronization for ${organization.name}?`,
      });
      await dialog.waitFor();
      await expectAccessible(page, 'disable sync confirmation');
      await screenshot(page, 'admin/organization-disable-confirm');
      // Cancel changes nothing.
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'hidden' });
      expect(await line.innerText()).toContain('Enabled');

      await line.getByRole('button', { name: 'Disable sync' }).click();
      await dialog.getByRole('button', { name: 'Disable sync' }).click();
      await waitFor('the row red and disabled', async () => (await line.innerText()).includes('Disabled'));
      expect(isRed(await textColour(line))).toBe(true);
      const stored = await e2e.arrange.operator<Organization>(
        'GET',
        `/api/v1/organizations/${organization.id}`,
      );
      expect(stored.syncEnabled).toBe(false);

      await line.getByRole('button', { name: 'Enable sync' }).click();
      await page
        .getByRole('alertdialog', { name: `Enable synchronization for ${organization.name}?` })
        .getByRole('button', { name: 'Enable sync' })
        .click();
      await waitFor('the row enabled again', async () => (await line.innerText()).includes('Enabled'));
      expect(isNormalText(await textColour(line))).toBe(true);
    });

    it('shows an organization member only their organization', async () => {
      const { page } = e2e;
      const demo = await e2e.arrange.demoOrganization();
      await signInQuickly(e2e.context, 'viewer');
      await page.goto('/organizations');
      await waitForScreen(page, 'Organizations');
      await waitFor('one organization', async () => {
        const rows = await rowTexts(page);
        return rows.length === 1 && rows[0]!.includes(demo.name);
      });
      // A VIEWER changes nothing: no Actions column, no switch.
      expect(await page.getByRole('button', { name: /sync$/ }).count()).toBe(0);
      expect(await page.getByRole('columnheader', { name: 'Actions' }).count()).toBe(0);
    });

    it('shows disabled users in red and filters the Synchronization Disabled column by True or False', async () => {
      const { page } = e2e;
      const demo = await e2e.arrange.demoOrganization();
      const off = await syncUser(e2e.arrange, demo.id, 'Disabled Dora', { syncEnabled: false });
      await signInQuickly(e2e.context, 'operator');
      await page.goto('/organizations');
      await row(page, demo.name).getByRole('link', { name: demo.name }).click();
      await waitForPath(page, `/organizations/${demo.id}/users`);
      await waitForScreen(page, demo.name);
      await page.getByTestId('data-row').first().waitFor();
      const headers = (await page.getByRole('columnheader').allInnerTexts()).map((h) => h.split('\n')[0]);
      expect(headers).toEqual([
        'Name',
        'Email',
        'External ID',
        'Synchronization Disabled',
        'Last session',
        'Open issues',
        'Actions',
      ]);
      const enabledRow = page.getByTestId('data-row').filter({ hasText: 'False' }).first();
      expect(isNormalText(await textColour(enabledRow))).toBe(true);
      // Last session: its time links to its Logging details, beside its status.
      const lastSession = page.locator('[data-testid="data-row"] a[href^="/runs/"]').first();
      expect(await lastSession.getAttribute('href')).toMatch(/^\/runs\/[0-9a-f-]{36}$/);

      const search = page.getByRole('searchbox', { name: 'Filter by synchronization disabled' });
      await search.fill('true');
      await waitFor('only users whose sync is disabled', async () => {
        const rows = await rowTexts(page);
        return (
          new URL(page.url()).searchParams.get('syncEnabled') === 'false' &&
          rows.some((r) => r.includes('Disabled Dora')) &&
          rows.every((r) => /\bTrue\b/.test(r))
        );
      });
      const dora = row(page, 'Disabled Dora');
      expect(isRed(await textColour(dora))).toBe(true);
      expect(await dora.getByRole('link', { name: 'Disabled Dora' }).getAttribute('href')).toBe(
        `/users/${off.id}`,
      );
      await expectAccessible(page, 'organization users');
      await screenshot(page, 'admin/organization-users-disabled');

      await search.fill('FALSE');
      await waitFor('only users who synchronize', async () => {
        const rows = await rowTexts(page);
        return (
          new URL(page.url()).searchParams.get('syncEnabled') === 'true' &&
          rows.length > 0 &&
          rows.every((r) => /\bFalse\b/.test(r) && !r.includes('Disabled Dora'))
        );
      });
      await search.fill('');
      await waitFor(
        'every user again',
        async () =>
          pathOf(page) === `/organizations/${demo.id}/users` &&
          (await rowTexts(page)).some((r) => /\bFalse\b/.test(r)),
      );
      await screenshot(page, 'admin/organization-users');
    });

    it('lets an ADMIN disable and enable a user’s sync, and shows a VIEWER no such button', async () => {
      const { page } = e2e;
      const demo = await e2e.arrange.demoOrganization();
      const user = await syncUser(e2e.arrange, demo.id, 'Round Trip Rita');
      await signInQuickly(e2e.context, 'admin');
      await page.goto(`/organizations/${demo.id}/users?q=${encodeURIComponent('Round Trip Rita')}`);
      const line = row(page, 'Round Trip Rita');
      await line.waitFor();
      expect(await line.innerText()).toMatch(/\bFalse\b/);
      await line.getByRole('button', { name: 'Disable sync' }).click();
      await page
        .getByRole('alertdialog', { name: 'Disable synchronization for Round Trip Rita?' })
        .getByRole('button', { name: 'Disable sync' })
        .click();
      await waitFor('Rita disabled', async () => /\bTrue\b/.test(await line.innerText()));
      expect(isRed(await textColour(line))).toBe(true);
      const stored = await e2e.arrange.operator<SyncUser>('GET', `/api/v1/users/${user.id}`);
      expect(stored.syncEnabled).toBe(false);

      await line.getByRole('button', { name: 'Enable sync' }).click();
      await page
        .getByRole('alertdialog', { name: 'Enable synchronization for Round Trip Rita?' })
        .getByRole('button', { name: 'Enable sync' })
        .click();
      await waitFor('Rita enabled again', async () => /\bFalse\b/.test(await line.innerText()));
      expect(isNormalText(await textColour(line))).toBe(true);
      expect((await e2e.arrange.operator<SyncUser>('GET', `/api/v1/users/${user.id}`)).syncEnabled).toBe(
        true,
      );

      const viewer = await e2e.newPage();
      await signInQuickly(viewer.context, 'viewer');
      await viewer.page.goto(`/organizations/${demo.id}/users`);
      await viewer.page.getByTestId('data-row').first().waitFor();
      expect(await viewer.page.getByRole('button', { name: /^(Enable|Disable) sync$/ }).count()).toBe(0);
      await expectAccessible(viewer.page, 'organization users (viewer)');
    });
  });
}
