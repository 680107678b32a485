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
  waitForScreen,
} from './harness/index.js';

/** Ticks one option of a multi-value filter (its popover closes with Escape). */
async function pick(page: BrowserPage, filter: string, option: string) {
  await page.getByRole('button', { name: new RegExp(`^${filter}:`) }).click();
  await page.getByRole('checkbox', { name: option, exact: true }).check();
  await page.keyboard.press('Escape');
}

async function searchParam(page: BrowserPage, key: string, value: string) {
  await waitFor(`${key}=${value} in the URL`, () => new URL(page.url()).searchParams.get(key) === value);
}

/** The text of one column of every rendered row. */
async function column(page: BrowserPage, index: number): Promise<string[]> {
  await page.getByTestId('data-row').first().waitFor();
  return page
    .getByTestId('data-row')
    .evaluateAll(
      (rows, i) =>
        rows.map((row) => (row.querySelectorAll('[role="cell"]')[i] as HTMLElement).innerText.trim()),
      index,
    );
}

async function columnIndex(page: BrowserPage, header: string): Promise<number> {
  await page.getByTestId('data-row').first().waitFor();
  const headers = await page.getByRole('columnheader').allInnerTexts();
  const index = headers.findIndex((h) => h.trim() === header);
  if (index < 0) throw new Error(`no column ${header} in ${headers.join(', ')}`);
  return index;
}

for (const kind of ENGINES) {
  describe(`Sync Logging [${kind}]`, () => {
    const e2e = useConsole(kind);

    it('applies status, progress, trigger and type filters, keeps them in the URL, reloads to the same view, clears them', async () => {
      const { page } = e2e;
      await signInQuickly(e2e.context, 'operator');
      await page.goto('/runs');
      await waitForScreen(page, 'Sync Logging');
      const all = (await column(page, await columnIndex(page, 'Status'))).length;
      expect(all).toBeGreaterThan(0);

      await pick(page, 'Status', 'ERROR');
      await searchParam(page, 'status', 'ERROR');
      await waitFor('only ERROR runs', async () =>
        (await column(page, await columnIndex(page, 'Status'))).every((s) => s === 'ERROR'),
      );

      await pick(page, 'Progress', 'FINISHED');
      await searchParam(page, 'progress', 'FINISHED');
      await pick(page, 'Trigger', 'FULL_SYNC_JOB');
      await searchParam(page, 'trigger', 'FULL_SYNC_JOB');
      await pick(page, 'Integration type', 'Microsoft Exchange');
      await searchParam(page, 'integrationType', 'exchange');
      await page.getByLabel('Date range').selectOption('30d');
      await searchParam(page, 'range', '30d');

      await waitFor('rows match every filter', async () => {
        const [statuses, progress, triggers, types] = await Promise.all(
          ['Status', 'Progress', 'Trigger', 'Type'].map(async (h) =>
            column(page, await columnIndex(page, h)),
          ),
        );
        return (
          statuses!.length > 0 &&
          statuses!.every((s) => s === 'ERROR') &&
          progress!.every((p) => p === 'FINISHED') &&
          triggers!.every((t) => t === 'FULL_SYNC_JOB') &&
          types!.every((t) => t === 'Microsoft Exchange')
        );
      });
      await expectAccessible(page, 'runs filtered');
      await screenshot(page, 'runs-filtered');

      const filtered = pathOf(page);
      await page.reload();
      await waitForScreen(page, 'Sync Logging');
      expect(pathOf(page)).toBe(filtered);
      await expect(page.getByRole('button', { name: /^Status:/ }).innerText()).resolves.toContain('ERROR');
      expect(await page.getByLabel('Date range').inputValue()).toBe('30d');

      await page.getByRole('button', { name: 'Clear' }).click();
      await waitFor('no filter left in the URL', () => new URL(page.url()).search === '');
      await waitFor('every run listed again', async () => (await column(page, 0)).length >= all);

      // Back undoes the Clear: the link of the filtered view still reproduces it.
      await page.goBack();
      await waitFor('the filtered view is back', () => pathOf(page) === filtered);
      await expect(page.getByRole('button', { name: /^Status:/ }).innerText()).resolves.toContain('ERROR');
    });

    it('filters by organization, user, name and a custom range', async () => {
      const { page } = e2e;
      const organization = await e2e.arrange.demoOrganization();
      const named = await e2e.arrange.firstRun(`organizationId=${organization.id}`);
      await signInQuickly(e2e.context, 'operator');
      await page.goto('/runs');
      await waitForScreen(page, 'Sync Logging');

      await page.getByLabel('Organization').selectOption(organization.id);
      await searchParam(page, 'organizationId', organization.id);
      await waitFor('only that organization', async () =>
        (await column(page, await columnIndex(page, 'Organization'))).every((o) => o === organization.name),
      );

      // The user filter lists the organization's sync users once an organization is chosen.
      const user = page.getByLabel('User');
      await waitFor('users to choose from', async () => (await user.locator('option').count()) > 1);
      const userId = await user.locator('option').nth(1).getAttribute('value');
      await user.selectOption(userId!);
      await searchParam(page, 'userId', userId!);

      await page.getByLabel('User').selectOption('');
      await page.getByLabel('Date range').selectOption('custom');
      await page.getByLabel('From').fill('2020-01-01T00:00');
      await waitFor('a custom from in the URL', () =>
        (new URL(page.url()).searchParams.get('from') ?? '').startsWith('2020-01-01'),
      );
      if (named.name !== null) {
        await page.getByLabel('Name').fill(named.name);
        await page.getByLabel('Name').press('Enter');
        await searchParam(page, 'name', named.name);
        await waitFor('only runs of that name', async () =>
          (await column(page, await columnIndex(page, 'Name'))).every((n) => n === named.name),
        );
      }
      await screenshot(page, 'runs-by-organization');
    });

    it('sorts by date both ways', async () => {
      const { page } = e2e;
      await signInQuickly(e2e.context, 'operator');
      await page.goto('/runs');
      await waitForScreen(page, 'Sync Logging');
      const newest = (await column(page, 0))[0]!;
      await page.getByRole('button', { name: /^Date/ }).click();
      await searchParam(page, 'sort', 'asc');
      await waitFor(
        'oldest first',
        async () => (await column(page, 0))[0]!.slice(0, 19) < newest.slice(0, 19),
      );
      const dates = (await column(page, 0)).map((d) => d.slice(0, 19));
      expect([...dates].sort()).toEqual(dates);
    });

    it('drills from a run to its actions and back to the same list', async () => {
      const { page } = e2e;
      await signInQuickly(e2e.context, 'operator');
      await page.goto('/runs?status=ERROR');
      await waitForScreen(page, 'Sync Logging');
      const link = page.getByTestId('data-row').first().getByRole('link');
      const href = await link.getAttribute('href');
      await link.click();
      await waitForScreen(page, 'Logging details');
      expect(new URL(page.url()).pathname).toBe(href);
      await page.getByTestId('data-row').first().waitFor();
      await page.goBack();
      await waitForScreen(page, 'Sync Logging');
      expect(pathOf(page)).toBe('/runs?status=ERROR');
    });

    it('cancels a running run of a cancellable integration, which turns ABORTION PENDING live for others too', async () => {
      const { page } = e2e;
      const organization = await e2e.arrange.demoOrganization();
      const { run } = await e2e.arrange.runningRun({
        organizationId: organization.id,
        runName: 'E2E cancel me',
      });

      // A viewer watches the run; they are shown no Cancel Sync.
      const viewer = await e2e.newPage();
      await signInQuickly(viewer.context, 'viewer');
      await viewer.page.goto(`/runs/${run.id}`);
      await waitForScreen(viewer.page, 'Logging details');
      await viewer.page.locator('html[data-live="connected"]').waitFor();
      expect(await viewer.page.getByRole('button', { name: 'Cancel Sync' }).count()).toBe(0);

      await signInQuickly(e2e.context, 'admin');
      await page.goto('/runs?name=E2E%20cancel%20me');
      await waitForScreen(page, 'Sync Logging');
      const row = page.getByTestId('data-row').filter({ has: page.locator(`a[href="/runs/${run.id}"]`) });
      await row.getByText('RUNNING').waitFor();
      await row.getByRole('button', { name: 'Cancel Sync' }).click();
      await row.getByText('ABORTION PENDING').waitFor();
      await screenshot(page, 'runs-cancelled');

      // The viewer's page changes without a reload.
      await viewer.page.getByText('ABORTION PENDING').first().waitFor({ timeout: 10_000 });
      const stored = await e2e.arrange.operator<{ progress: string; cancelRequestedBy: string }>(
        'GET',
        `/api/v1/runs/${run.id}`,
      );
      expect(stored.progress).toBe('ABORTION_PENDING');
      expect(stored.cancelRequestedBy).toContain('account:');
    });

    it('shows a new run at the top live when Run Sync is pressed elsewhere, unless paused', async () => {
      const { page } = e2e;
      const organization = await e2e.arrange.demoOrganization();
      const integration = await e2e.arrange.integration(organization.id, {
        name: 'E2E Run Sync',
        type: 'exchange',
      });

      await signInQuickly(e2e.context, 'operator');
      await page.goto('/runs');
      await waitForScreen(page, 'Sync Logging');
      await page.locator('html[data-live="connected"]').waitFor();

      const admin = await e2e.newPage();
      await signInQuickly(admin.context, 'admin');
      await admin.page.goto('/integrations?q=E2E%20Run%20Sync');
      await waitForScreen(admin.page, 'Integrations');
      const row = admin.page.getByTestId('data-row').filter({ hasText: 'E2E Run Sync' });
      await row.getByRole('button', { name: 'Run Sync' }).click();
      await row.getByText(/Run pending: open it/).waitFor();

      const started = await e2e.arrange.firstRun(`integrationId=${integration.id}`);
      expect(started.trigger).toBe('FULL_SYNC_MANUAL');
      await page.locator(`a[href="/runs/${started.id}"]`).waitFor({ timeout: 10_000 });
      expect(
        await page.getByTestId('data-row').first().locator(`a[href="/runs/${started.id}"]`).count(),
      ).toBe(1);

      // Paused, the list keeps what it shows.
      await page.getByRole('button', { name: 'Live' }).click();
      await page.getByRole('button', { name: 'Resume live' }).waitFor();
      const { run: quiet } = await e2e.arrange.runningRun({ organizationId: organization.id, actions: 0 });
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(await page.locator(`a[href="/runs/${quiet.id}"]`).count()).toBe(0);
    });
  });
}
