import type { Page as BrowserPage } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  ENGINES,
  contactUpdates,
  expectAccessible,
  screenshot,
  signInQuickly,
  useConsole,
  waitFor,
  waitForPath,
  waitForScreen,
} from './harness/index.js';
import { LOCKED_EXCEPTION, OBJECT_REPORT, sessionsOrganization } from './admin-arrange.js';

/** The statuses of the rows on screen, top to bottom. */
async function statuses(page: BrowserPage): Promise<string[]> {
  const labels = await page
    .getByTestId('data-row')
    .getByRole('button', { name: /: show the job details$/ })
    .evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-label') ?? ''));
  return labels.map((label) => label.split(':')[0]!);
}

const headers = async (page: BrowserPage) =>
  (await page.getByRole('columnheader').allInnerTexts()).map((h) => h.replace(/\s+/g, ' ').trim());

/** The text of the first row's cell under `header`. */
async function cellOf(page: BrowserPage, header: string): Promise<string> {
  const index = (await headers(page)).indexOf(header);
  if (index < 0) throw new Error(`no column ${header}`);
  return (await page.getByTestId('data-row').first().getByRole('cell').nth(index).innerText()).trim();
}

const SEVERITY = ['ERROR', 'WARNING', 'INFO', 'OK'];

for (const kind of ENGINES) {
  describe(`Admin panel: statistics and job details [${kind}]`, { timeout: 60_000 }, () => {
    const e2e = useConsole(kind);

    it('opens filtered to errors and sorted errors first; without the filter errors still come first', async () => {
      const { page } = e2e;
      const arranged = await sessionsOrganization(e2e.arrange);
      await signInQuickly(e2e.context, 'operator');
      await page.goto(`/organizations/${arranged.organization.id}/users`);
      await waitForScreen(page, arranged.organization.name);
      await page
        .getByRole('navigation', { name: 'Organization' })
        .getByRole('link', { name: 'Statistics' })
        .click();
      await waitForPath(page, `/organizations/${arranged.organization.id}/statistics`);
      const url = new URL(page.url());
      expect(url.searchParams.get('status')).toBe('ERROR');
      expect(url.searchParams.get('orderBy')).toBe('status');
      expect(
        await page
          .getByRole('navigation', { name: 'Organization' })
          .getByRole('link', { name: 'Statistics' })
          .getAttribute('aria-current'),
      ).toBe('page');
      // The defaults show in the filter bar.
      await page.getByRole('button', { name: 'Status: ERROR' }).waitFor();
      expect(await page.getByLabel('Order').inputValue()).toBe('status');
      await waitFor('the one failed session', async () => (await statuses(page)).join() === 'ERROR');
      // User by name, not id.
      const first = page.getByTestId('data-row').first();
      expect(await first.getByRole('link', { name: 'Ada Lovelace' }).getAttribute('href')).toBe(
        `/users/${arranged.ada.id}`,
      );
      await expectAccessible(page, 'statistics');
      await screenshot(page, 'admin/statistics');

      // Export to CSV: the list as filtered, the columns on screen, with a BOM for Excel.
      const csvOf = async () => {
        const href = (await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href'))!;
        const response = await e2e.context.request.get(href);
        expect(response.status()).toBe(200);
        return (await response.text())
          .replace(/^\ufeff/, '')
          .trim()
          .split(/\r?\n/);
      };
      const [header, ...failedRows] = await csvOf();
      expect(header).toBe(
        'id,userName,userEmail,startedAt,finishedAt,status,progress,counters.objects,counters.changes,' +
          'counters.failures,errorSource,errorCategory,exception,counters.issues',
      );
      expect(failedRows.filter((r) => r.startsWith(arranged.failed.id))).toHaveLength(1);
      expect(failedRows.join('\n')).toContain('Ada Lovelace');
      expect(failedRows.join('\n')).not.toContain(arranged.ok.id);

      // The status shows the session's details on hover.
      await first.getByRole('button', { name: 'ERROR: show the job details' }).hover();
      const tooltip = page.getByRole('tooltip');
      await tooltip.waitFor();
      expect(await tooltip.innerText()).toMatch(/Progress\s+FINISHED/);
      expect(await tooltip.innerText()).toContain('The item is locked by another process.');
      await screenshot(page, 'admin/statistics-status-details');
      await page.mouse.move(0, 0);

      // Remove the status filter: every session, errors first although the OK one is the newest.
      await page.getByRole('button', { name: 'Status: ERROR' }).click();
      await page.getByRole('checkbox', { name: 'ERROR', exact: true }).uncheck();
      await page.keyboard.press('Escape');
      await waitFor('all three sessions', async () => (await statuses(page)).length === 3);
      expect(new URL(page.url()).searchParams.has('status')).toBe(false);
      expect(new URL(page.url()).searchParams.get('orderBy')).toBe('status');
      const everyRow = (await csvOf()).slice(1).join('\n');
      for (const run of [arranged.failed, arranged.warning, arranged.ok]) expect(everyRow).toContain(run.id);
      const order = await statuses(page);
      expect(order).toEqual(['ERROR', 'WARNING', 'OK']);
      expect([...order].sort((a, b) => SEVERITY.indexOf(a) - SEVERITY.indexOf(b))).toEqual(order);

      // Newest first instead: the OK session leads.
      await page.getByLabel('Order').selectOption('newest');
      await waitFor('newest first', async () => (await statuses(page)).join() === 'OK,ERROR,WARNING');
      expect(new URL(page.url()).searchParams.get('orderBy')).toBe('requestedAt');
    });

    it('hides and shows columns from the ☰ menu and keeps the choice after a reload and in this browser', async () => {
      const { page } = e2e;
      const arranged = await sessionsOrganization(e2e.arrange);
      await signInQuickly(e2e.context, 'operator');
      await page.goto(`/organizations/${arranged.organization.id}/statistics`);
      await page.getByTestId('data-row').first().waitFor();
      const before = await headers(page);
      expect(before).toContain('Error Category');
      // Hidden by default, as the document says some are.
      expect(before).not.toContain('Conflicts');
      expect(before).not.toContain('Objects (copyable)');

      await page.getByRole('button', { name: 'Columns' }).click();
      const menu = page.getByRole('menu');
      await menu.waitFor();
      await expectAccessible(page, 'column picker');
      await screenshot(page, 'admin/statistics-columns-menu');
      await menu.getByRole('menuitemcheckbox', { name: 'Error Category' }).click();
      await menu.getByRole('menuitemcheckbox', { name: 'Conflicts' }).click();
      await page.keyboard.press('Escape');
      await waitFor('Error Category hidden, Conflicts shown', async () => {
        const now = await headers(page);
        return !now.includes('Error Category') && now.includes('Conflicts');
      });
      const cols = new URL(page.url()).searchParams.get('cols')!.split(',');
      expect(cols).toContain('conflicts');
      expect(cols).not.toContain('errorCategory');
      // The failed session's one conflict.
      expect(await cellOf(page, 'Conflicts')).toBe('1');

      await page.reload();
      await page.getByTestId('data-row').first().waitFor();
      expect(await headers(page)).toContain('Conflicts');
      expect(await headers(page)).not.toContain('Error Category');

      // Without cols= in the URL, this browser's last choice applies.
      await page.goto(`/organizations/${arranged.organization.id}/statistics?status=ERROR&orderBy=status`);
      await page.getByTestId('data-row').first().waitFor();
      expect(await headers(page)).toContain('Conflicts');
      expect(await headers(page)).not.toContain('Error Category');

      // The URL wins over the browser's choice.
      await page.goto(
        `/organizations/${arranged.organization.id}/statistics?status=ERROR&orderBy=status&cols=user,run,status,errorCategory`,
      );
      await page.getByTestId('data-row').first().waitFor();
      expect(await headers(page)).toEqual(['User', 'Run', 'Status', 'Error Category', 'Actions']);

      await page.getByRole('button', { name: 'Columns' }).click();
      await page.getByRole('menuitem', { name: 'Default columns' }).click();
      await waitFor('the default columns', async () =>
        (await headers(page)).includes('Exception (copyable)'),
      );
      expect(await headers(page)).not.toContain('Conflicts');
    });

    it('copies the object report and the exception', async () => {
      const { page, context } = e2e;
      await context.grantPermissions(['clipboard-read', 'clipboard-write']);
      const arranged = await sessionsOrganization(e2e.arrange);
      await signInQuickly(context, 'operator');
      await page.goto(`/organizations/${arranged.organization.id}/statistics`);
      await page.getByTestId('data-row').first().waitFor();
      await page.getByRole('button', { name: 'Columns' }).click();
      await page.getByRole('menuitemcheckbox', { name: 'Objects (copyable)' }).click();
      await page.keyboard.press('Escape');
      const line = page.getByTestId('data-row').first();
      await line.getByRole('button', { name: 'Copy object report' }).waitFor();
      expect(await line.innerText()).toContain('Contact 40 · Appointment 7');
      await screenshot(page, 'admin/statistics-object-report');

      await line.getByRole('button', { name: 'Copy object report' }).click();
      // A table that pastes into a spreadsheet: a header row, then one row per object type.
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      const [head, ...rows] = copied.split('\n').map((l) => l.split('\t'));
      expect(head![0]).toBe('Object type');
      const parsed = Object.fromEntries(
        rows.map(([type, ...values]) => [
          type,
          Object.fromEntries(head!.slice(1).map((key, i) => [key, Number(values[i])])),
        ]),
      );
      expect(parsed).toEqual(OBJECT_REPORT);

      await line.getByRole('button', { name: 'Copy exception' }).click();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(LOCKED_EXCEPTION);
    });

    it('opens the job details with the session’s actions and log files, and its logs as a .zip', async () => {
      const { page } = e2e;
      const arranged = await sessionsOrganization(e2e.arrange);
      await signInQuickly(e2e.context, 'operator');
      await page.goto(`/organizations/${arranged.organization.id}/statistics`);
      const line = page.getByTestId('data-row').first();
      await line.waitFor();
      const rowZip = line.getByRole('link', { name: 'Download logs' });
      expect(await rowZip.getAttribute('href')).toBe(`/api/v1/runs/${arranged.failed.id}/bundle`);

      await line.getByRole('button', { name: 'Job details', exact: true }).click();
      const panel = page.getByRole('dialog', { name: 'Job details · Ada Lovelace' });
      await panel.waitFor();
      expect(new URL(page.url()).searchParams.get('job')).toBe(arranged.failed.id);
      const summary = panel.getByRole('region', { name: 'Run summary' });
      await expect(summary.innerText()).resolves.toMatch(/Error source\s+Microsoft Exchange/);
      await expect(summary.innerText()).resolves.toMatch(/Errors\s+1\b/);
      await expect(summary.innerText()).resolves.toContain('ServiceResponseException');
      await waitFor('its four actions', async () => (await panel.getByTestId('job-action').count()) === 4);
      expect(await panel.getByTestId('job-action').last().innerText()).toContain('Charles Babbage');
      expect(
        await panel.getByRole('link', { name: /All 4 actions in Logging details/ }).getAttribute('href'),
      ).toBe(`/runs/${arranged.failed.id}`);
      await panel.getByTestId('file-row').first().waitFor();
      expect(await panel.getByTestId('file-row').allInnerTexts()).toEqual([
        expect.stringContaining(arranged.fileName),
      ]);
      const zip = panel.getByRole('link', { name: 'Download logs (.zip)' });
      const href = (await zip.getAttribute('href'))!;
      expect(href).toBe(`/api/v1/runs/${arranged.failed.id}/bundle`);
      const bundle = await e2e.context.request.get(href);
      expect(bundle.status()).toBe(200);
      expect(bundle.headers()['content-type']).toContain('application/zip');
      await expectAccessible(page, 'job details');
      await screenshot(page, 'admin/job-details');

      // The open panel is part of the URL; Escape closes it.
      await page.reload();
      await page.getByRole('dialog', { name: 'Job details · Ada Lovelace' }).waitFor();
      await page.keyboard.press('Escape');
      await waitFor('the panel closed', () => !new URL(page.url()).searchParams.has('job'));
    });

    it('offers the logs’ download to an ADMIN but not to a VIEWER', async () => {
      const demo = await e2e.arrange.demoOrganization();
      const path = `/organizations/${demo.id}/statistics`;
      await signInQuickly(e2e.context, 'admin');
      await e2e.page.goto(path);
      await e2e.page.getByTestId('data-row').first().waitFor();
      expect(await e2e.page.getByRole('link', { name: 'Download logs' }).count()).toBeGreaterThan(0);

      const viewer = await e2e.newPage();
      await signInQuickly(viewer.context, 'viewer');
      await viewer.page.goto(path);
      const first = viewer.page.getByTestId('data-row').first();
      await first.waitFor();
      expect(await viewer.page.getByRole('link', { name: 'Download logs' }).count()).toBe(0);
      await first.getByRole('button', { name: 'Job details', exact: true }).click();
      const panel = viewer.page.getByRole('dialog');
      await panel.getByRole('region', { name: 'Run summary' }).waitFor();
      await panel.getByRole('link', { name: 'Logging details', exact: true }).waitFor();
      expect(await panel.getByRole('link', { name: 'Download logs (.zip)' }).count()).toBe(0);
      await expectAccessible(viewer.page, 'job details (viewer)');
      await screenshot(viewer.page, 'admin/job-details-viewer');
    });

    it('shows a session that fails while the screen is open, without a reload', async () => {
      const { page } = e2e;
      const arranged = await sessionsOrganization(e2e.arrange);
      await signInQuickly(e2e.context, 'operator');
      await page.goto(`/organizations/${arranged.organization.id}/statistics`);
      await waitFor('the one failed session', async () => (await statuses(page)).length === 1);
      await page.locator('html[data-live="connected"]').waitFor();
      const { key } = arranged;
      const run = await e2e.arrange.startRun(key, {
        integrationId: arranged.integration.id,
        userId: arranged.bob.id,
      });
      await e2e.arrange.postActions(key, run.id, contactUpdates(1, 'ERROR'));
      await e2e.arrange.finishRun(key, run.id);
      await waitFor(
        'two failed sessions',
        async () => (await statuses(page)).join() === 'ERROR,ERROR',
        15_000,
      );
    });
  });
}
