import type { Artifact, Page, Run } from '@synctrail/types';
import { describe, expect, it } from 'vitest';
import {
  ENGINES,
  contactUpdates,
  expectAccessible,
  screenshot,
  signInQuickly,
  useConsole,
  waitFor,
  waitForScreen,
} from './harness/index.js';

for (const kind of ENGINES) {
  describe(`Logging details [${kind}]`, () => {
    const e2e = useConsole(kind);

    it('shows the run header and finds an object in the run by name or by id', async () => {
      const { page } = e2e;
      const { key, run } = await e2e.arrange.runningRun({ actions: 0 });
      await e2e.arrange.postActions(key, run.id, [...contactUpdates(30), ...contactUpdates(2, 'ERROR')]);
      await signInQuickly(e2e.context, 'operator');
      await page.goto(`/runs/${run.id}`);
      await waitForScreen(page, 'Logging details');
      const summary = page.getByRole('region', { name: 'Run summary' });
      await expect(summary.innerText()).resolves.toMatch(/Processed\s+32/);
      await expect(summary.innerText()).resolves.toMatch(/Errors\s+2/);

      await page.getByLabel('Find object').fill('Contact 17');
      await page.getByLabel('Find object').press('Enter');
      await waitFor('one action of Contact 17', async () => {
        const rows = await page.getByTestId('data-row').allInnerTexts();
        return rows.length === 1 && rows[0]!.includes('Contact 17');
      });
      await page.getByLabel('Find object').fill('crm-23');
      await page.getByLabel('Find object').press('Enter');
      await waitFor('one action of crm-23', async () => {
        const rows = await page.getByTestId('data-row').allInnerTexts();
        return rows.length === 1 && rows[0]!.includes('crm-23');
      });
      await page.getByLabel('Find object').fill('no such object');
      await page.getByLabel('Find object').press('Enter');
      await page.getByTestId('empty-state').waitFor();

      await page.getByRole('button', { name: 'Clear' }).click();
      await page.getByRole('button', { name: /^Status:/ }).click();
      await page.getByRole('checkbox', { name: 'ERROR', exact: true }).check();
      await page.keyboard.press('Escape');
      await waitFor('the two errors', async () => (await page.getByTestId('data-row').count()) === 2);
      await expectAccessible(page, 'run details');
      await screenshot(page, 'run-details-errors');
    });

    it('opens an action’s full message and field-level diff, and copies the message', async () => {
      const { page, context } = e2e;
      await context.grantPermissions(['clipboard-read', 'clipboard-write']);
      const { key, run } = await e2e.arrange.runningRun({ actions: 0 });
      const message =
        'Updated phone of Contact "Ada Lovelace" in the CRM.\nSecond line with "quotes", commas.';
      await e2e.arrange.postActions(key, run.id, [
        {
          source: { system: 'EXCHANGE', id: 'ada', name: 'Ada Lovelace' },
          target: { system: 'CRM', id: 'crm-ada', name: 'Ada Lovelace' },
          objectType: 'Contact',
          action: 'UPDATE',
          status: 'WARNING',
          message,
          details: { changes: [{ field: 'phone', from: '+44 20 7946 0000', to: '+44 20 7946 0999' }] },
        },
      ]);
      await signInQuickly(context, 'operator');
      await page.goto(`/runs/${run.id}`);
      await waitForScreen(page, 'Logging details');
      await page.getByTestId('data-row').first().getByRole('button').first().click();

      const panel = page.getByRole('dialog');
      await panel.waitFor();
      expect(await panel.getByTestId('action-message').innerText()).toBe(message);
      const diff = panel.getByRole('table', { name: 'Changed fields' });
      await expect(diff.innerText()).resolves.toMatch(/phone\s+\+44 20 7946 0000\s+\+44 20 7946 0999/);
      expect(new URL(page.url()).searchParams.get('seq')).toBe('1');
      await expectAccessible(page, 'action panel');
      await screenshot(page, 'action-panel');

      await panel.getByRole('button', { name: 'Copy message' }).click();
      await panel.getByText('Copied').waitFor();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(message);

      // The open action is part of the URL: a reload opens it again; Escape closes it.
      await page.reload();
      await page.getByRole('dialog').waitFor();
      await page.keyboard.press('Escape');
      await waitFor('the panel closed', () => new URL(page.url()).searchParams.get('seq') === null);
    });

    it('moves the counters of a running run without a reload', async () => {
      const { page } = e2e;
      const { key, run } = await e2e.arrange.runningRun({ actions: 3 });
      await signInQuickly(e2e.context, 'operator');
      await page.goto(`/runs/${run.id}`);
      await waitForScreen(page, 'Logging details');
      await page.locator('html[data-live="connected"]').waitFor();
      const summary = page.getByRole('region', { name: 'Run summary' });
      await expect(summary.innerText()).resolves.toMatch(/Processed\s+3\b/);
      await e2e.arrange.postActions(key, run.id, contactUpdates(4, 'WARNING'));
      await waitFor('7 processed, 4 warnings', async () => {
        const text = await summary.innerText();
        return /Processed\s+7\b/.test(text) && /Warnings\s+4\b/.test(text);
      });
      await waitFor('the new actions listed', async () => (await page.getByTestId('data-row').count()) === 7);
    });

    it('lists the run’s log files and its API calls', async () => {
      const { page } = e2e;
      // A demo run that has log files (the Exchange sessions carry the first document's files): every
      // failed session has them, and some others; which of them are among the newest depends on the
      // day of the week the demo is loaded (changes are made on workdays), so failed runs come first.
      const candidates: Run[] = [];
      for (const query of ['status=ERROR&limit=50', 'limit=200']) {
        const runs = await e2e.arrange.operator<Page<Run>>(
          'GET',
          `/api/v1/runs?integrationType=exchange&${query}`,
        );
        candidates.push(...runs.items);
      }
      let run: Run | undefined;
      for (const candidate of candidates) {
        const files = await e2e.arrange.operator<Page<Artifact>>(
          'GET',
          `/api/v1/runs/${candidate.id}/artifacts`,
        );
        if (files.items.length > 0) {
          run = candidate;
          break;
        }
      }
      if (run === undefined) throw new Error('no demo Exchange run has log files');
      await signInQuickly(e2e.context, 'operator');
      await page.goto(`/runs/${run.id}?tab=files`);
      await waitForScreen(page, 'Logging details');
      await page.getByTestId('file-row').first().waitFor();
      const files = await page.getByTestId('file-row').allInnerTexts();
      expect(files.some((f) => /\.(txt|xml|json)/.test(f))).toBe(true);
      await expectAccessible(page, 'run files');
      await screenshot(page, 'run-files');
      await page.getByRole('tab', { name: 'API calls' }).click();
      await waitFor('calls tab', () => new URL(page.url()).searchParams.get('tab') === 'calls');
      await Promise.race([
        page.getByTestId('data-row').first().waitFor(),
        page.getByTestId('empty-state').waitFor(),
      ]);
    });
  });
}
