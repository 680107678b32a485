import { describe, expect, it } from 'vitest';
import {
  ENGINES,
  expectAccessible,
  screenshot,
  signInQuickly,
  useConsole,
  waitFor,
  waitForPath,
  waitForScreen,
} from './harness/index.js';
import { arrangeUserStory, column, pick, searchParam } from './user-fixtures.js';

for (const kind of ENGINES) {
  describe(`A sync user's page [${kind}]`, () => {
    const e2e = useConsole(kind);

    it('opens on Statistics; "error" typed in lower case shows only the failed sessions, each with Download Logs', async () => {
      const { page } = e2e;
      const story = await arrangeUserStory(e2e.arrange);
      await signInQuickly(e2e.context, 'admin');
      await page.goto(`/users/${story.ada.id}`);
      await waitForPath(page, `/users/${story.ada.id}/statistics`);
      await waitForScreen(page, 'Ada Quist');
      const facts = page.getByRole('definition');
      await waitFor('who Ada is', async () => {
        const texts = await facts.allInnerTexts();
        return [story.ada.email, 'Northwind Traders', 'Enabled'].every((t) => texts.includes(t!));
      });
      await expect(page.getByText(story.ada.externalId, { exact: true }).isVisible()).resolves.toBe(true);
      const tabs = page.getByRole('navigation', { name: 'User' });
      await expect(tabs.getByRole('link', { name: 'Statistics' }).getAttribute('aria-current')).resolves.toBe(
        'page',
      );
      await waitFor('four sessions', async () => (await column(page, 'Status')).length === 4);
      expect(await column(page, 'Status')).toEqual(['ERROR', 'WARNING', 'ERROR', 'OK']);

      // Half a word is not a status: it says what it takes and leaves the list alone.
      const status = page.getByRole('combobox', { name: 'Status' });
      await status.fill('Err');
      await page.getByText('Type OK, Info, Warning or Error').waitFor();
      expect(new URL(page.url()).searchParams.get('status')).toBeNull();
      expect(await column(page, 'Status')).toHaveLength(4);

      await status.fill('error');
      await searchParam(page, 'status', 'error');
      await waitFor('only the failed sessions', async () => {
        const statuses = await column(page, 'Status');
        return statuses.length === 2 && statuses.every((s) => s === 'ERROR');
      });
      const downloads = page.getByRole('link', { name: 'Download Logs' });
      expect(await downloads.count()).toBe(2);
      const failed = [story.adaRuns[3]!, story.adaRuns[1]!];
      expect(await downloads.evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual(
        failed.map((run) => `/api/v1/runs/${run.id}/bundle`),
      );
      const zip = await e2e.context.request.get(`/api/v1/runs/${failed[0]!.id}/bundle`);
      expect(zip.status()).toBe(200);
      expect(zip.headers()['content-type']).toContain('application/zip');
      const csv = await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
      expect(csv).toBe(`/api/v1/users/${story.ada.id}/runs?status=error&format=csv`);
      await expectAccessible(page, 'user statistics');
      await screenshot(page, 'user-statistics-errors');

      // Any case will do, and the view survives a reload.
      await status.fill('ERROR');
      await searchParam(page, 'status', 'ERROR');
      await page.reload();
      await waitForScreen(page, 'Ada Quist');
      await waitFor('still the failed sessions', async () => (await column(page, 'Status')).length === 2);
      expect(await status.inputValue()).toBe('ERROR');
    });

    it('lists the issues with what their error codes mean, open and resolved, filtered by code', async () => {
      const { page } = e2e;
      const story = await arrangeUserStory(e2e.arrange);
      await signInQuickly(e2e.context, 'operator');
      await page.goto(`/users/${story.ada.id}/statistics`);
      await waitForScreen(page, 'Ada Quist');
      await page.getByRole('navigation', { name: 'User' }).getByRole('link', { name: 'Issues' }).click();
      await waitForPath(page, `/users/${story.ada.id}/issues`);
      await expect(
        page
          .getByRole('navigation', { name: 'User' })
          .getByRole('link', { name: 'Issues' })
          .getAttribute('aria-current'),
      ).resolves.toBe('page');
      await waitFor('two issues', async () => (await column(page, 'Name')).length === 2);
      // Most recently seen first: the appointment failed again two hours ago; the e-mail was fixed.
      expect(await column(page, 'Type')).toEqual(['Appointment', 'E-Mail']);
      expect(await column(page, 'Name')).toEqual(['Quarterly review with Contoso', 'Offer 4711 – revised']);
      expect(await column(page, 'Direction')).toEqual(['Exchange → Salesforce', 'Exchange → Salesforce']);
      expect(await column(page, 'Operation name')).toEqual(['Update', 'Create']);
      const codes = (await column(page, 'Error Code')).map((c) => c.replace(/\s+/g, ' '));
      expect(codes).toEqual(['1 Locked / operation error', '3 Inaccessible / updated prematurely']);
      expect(await column(page, 'Error Text')).toEqual([
        story.shared.message,
        'Salesforce: INSUFFICIENT_ACCESS_OR_READONLY on the related Account.',
      ]);
      expect(await column(page, 'Occurrences')).toEqual(['2', '1']);
      expect(await column(page, 'State')).toEqual(['Open', 'Resolved']);
      await expectAccessible(page, 'user issues');
      await screenshot(page, 'user-issues');

      await pick(page, 'Error code', '3 – Inaccessible / updated prematurely');
      await searchParam(page, 'errorCode', '3');
      await waitFor('only the code 3 issue', async () => (await column(page, 'Name')).length === 1);
      expect(await column(page, 'Name')).toEqual(['Offer 4711 – revised']);
      await pick(page, 'State', 'Open');
      await searchParam(page, 'state', 'OPEN');
      await page.getByTestId('empty-state').waitFor();
      await expect(page.getByTestId('empty-state').innerText()).resolves.toContain(
        'No issues match these filters',
      );
    });

    it('shows a VIEWER the sessions without Download Logs', async () => {
      const { page } = e2e;
      const story = await arrangeUserStory(e2e.arrange);
      await signInQuickly(e2e.context, 'viewer');
      await page.goto(`/users/${story.ada.id}/statistics`);
      await waitForScreen(page, 'Ada Quist');
      await waitFor('four sessions', async () => (await column(page, 'Status')).length === 4);
      expect(await page.getByRole('link', { name: 'Download Logs' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Cancel Sync' }).count()).toBe(0);
      await expectAccessible(page, 'user statistics as a viewer');
      await screenshot(page, 'user-statistics-viewer');
    });
  });
}
