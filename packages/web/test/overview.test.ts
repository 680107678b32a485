import { describe, expect, it } from 'vitest';
import {
  ENGINES,
  expectAccessible,
  pathOf,
  screenshot,
  signIn,
  signInQuickly,
  useConsole,
  waitFor,
  waitForPath,
  waitForScreen,
} from './harness/index.js';
import { column } from './user-fixtures.js';

for (const kind of ENGINES) {
  describe(`Overview [${kind}]`, () => {
    const e2e = useConsole(kind);

    it('shows every organization × integration coloured and labelled by its last run; a cell opens Sync Logging filtered to it', async () => {
      const { page } = e2e;
      const { organization, key, run } = await e2e.arrange.runningRun({
        type: 'servicenow',
        name: 'Failing CMDB sync',
        actions: 0,
      });
      await e2e.arrange.postActions(key, run.id, [
        {
          source: { system: 'LEANIX', id: 'fs-1', name: 'Billing' },
          target: { system: 'SERVICENOW', id: 'ci-1', name: 'Billing' },
          objectType: 'Application',
          action: 'UPDATE',
          status: 'ERROR',
          message: 'ServiceNow answered 403.',
        },
      ]);
      await e2e.arrange.finishRun(key, run.id);
      await signInQuickly(e2e.context, 'operator');
      await page.goto('/');
      await waitForScreen(page, 'Overview');
      const rows = page.getByTestId('overview-row');
      await rows.first().waitFor();
      const names = await rows.locator(':scope > th').allInnerTexts();
      expect(names.map((n) => n.split('\n')[0])).toEqual(
        expect.arrayContaining([
          'Fabrikam Industries',
          'Globex Corporation',
          'Initech',
          'Northwind Traders',
          organization.name,
        ]),
      );
      const columns = await page.locator('thead th').allInnerTexts();
      expect(columns).toEqual(expect.arrayContaining(['Organization', 'Microsoft Exchange', 'ServiceNow']));

      const failing = rows.filter({ hasText: organization.name }).getByTestId('overview-cell');
      await expect(failing.getAttribute('data-health')).resolves.toBe('ERROR');
      const text = await failing.innerText();
      expect(text).toContain('Failing CMDB sync');
      expect(text).toContain('Last run: Error');
      expect(text).toContain('1 of 1 run failed in 24 h (100%)');
      const healthy = page.locator('[data-testid="overview-cell"][data-health="OK"]').first();
      await expect(healthy.innerText()).resolves.toMatch(/Last run: OK|Running: OK so far/);
      const background = (cell: typeof healthy) =>
        cell.evaluate((el) => getComputedStyle(el).backgroundColor);
      expect(await background(failing)).not.toBe(await background(healthy));
      await expectAccessible(page, 'overview');
      await screenshot(page, 'overview-operator');

      await failing.click();
      await waitForPath(page, '/runs');
      await waitForScreen(page, 'Sync Logging');
      const search = new URL(page.url()).searchParams;
      expect(search.get('organizationId')).toBe(organization.id);
      expect(search.get('integrationType')).toBe('servicenow');
      await waitFor('only that integration’s run', async () => (await column(page, 'Status')).length === 1);
      expect(await column(page, 'Status')).toEqual(['ERROR']);
      expect(await column(page, 'Organization')).toEqual([organization.name]);
    });

    it("shows a member their organization's integrations only", async () => {
      const { page } = e2e;
      await signInQuickly(e2e.context, 'viewer');
      await page.goto('/');
      await waitForScreen(page, 'Overview');
      const rows = page.getByTestId('overview-row');
      await rows.first().waitFor();
      expect((await rows.locator(':scope > th').allInnerTexts()).map((n) => n.split('\n')[0])).toEqual([
        'Northwind Traders',
      ]);
      const cell = rows.getByTestId('overview-cell');
      expect(await cell.count()).toBe(1);
      expect(await cell.innerText()).toContain('Exchange ↔ Salesforce');
      expect(await cell.innerText()).toMatch(/failed in 24 h|No run in 24 h/);
      await expectAccessible(page, 'overview as a member');
      await screenshot(page, 'overview-member');
    });

    it('lands on the overview after sign-in when / was asked for, on Sync Logging otherwise', async () => {
      const { page } = e2e;
      await page.goto('/');
      await waitForPath(page, '/login');
      expect(pathOf(page)).toBe('/login?redirect=%2F');
      await signIn(page, 'admin');
      await waitForPath(page, '/');
      await waitForScreen(page, 'Overview');
      expect(await page.getByRole('link', { name: 'Overview' }).getAttribute('aria-current')).toBe('page');

      const other = await e2e.newPage();
      await other.page.goto('/login');
      await signIn(other.page, 'admin');
      await waitForPath(other.page, '/runs');
      await waitForScreen(other.page, 'Sync Logging');
      expect(
        await other.page.getByRole('link', { name: 'Overview' }).getAttribute('aria-current'),
      ).toBeNull();
    });
  });
}
