import type { ApiKey, Integration, MaskingRule, Page as ApiPage } from '@synctrail/types';
import { describe, expect, it } from 'vitest';
import {
  ENGINES,
  expectAccessible,
  screenshot,
  signInQuickly,
  useConsole,
  waitForScreen,
} from './harness/index.js';
import { choose, eventually, rowWith, unique, withBearer } from './settings-helpers.js';

for (const kind of ENGINES) {
  describe(`Settings: API keys, masking rules, schedules [${kind}]`, () => {
    const e2e = useConsole(kind);

    it('creates a key whose token, shown once, works against the API until the key is revoked', async () => {
      const { page, context } = e2e;
      const northwind = await e2e.arrange.demoOrganization();
      const name = unique('Reporting script');
      await context.grantPermissions(['clipboard-read', 'clipboard-write']);
      await signInQuickly(context, 'admin');
      await page.goto('/settings/api-keys');
      await waitForScreen(page, 'Settings');
      await page.getByRole('table', { name: 'API keys' }).waitFor();
      await expectAccessible(page, 'settings API keys');
      await screenshot(page, 'settings-api-keys');

      const form = page.getByRole('form', { name: 'Create an API key' });
      await form.getByRole('button', { name: 'Create key' }).click();
      await form.getByText('Name the key after what will use it').waitFor();
      await form.getByLabel('Name').fill(name);
      await form.getByRole('checkbox', { name: 'ingest' }).click();
      await form.getByRole('button', { name: 'Create key' }).click();
      await form.getByText('Choose at least one scope.').waitFor();
      await form.getByRole('checkbox', { name: 'read' }).click();
      await form.getByRole('button', { name: 'Create key' }).click();

      const dialog = page.getByRole('dialog', { name: `API key “${name}” created` });
      await dialog.waitFor();
      await dialog.getByText('This token will not be shown again.').waitFor();
      const token = (await dialog.getByTestId('api-key-token').innerText()).trim();
      expect(token.length).toBeGreaterThan(20);
      await dialog.getByRole('button', { name: 'Copy token' }).click();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
      await expectAccessible(page, 'new API key dialog');
      await screenshot(page, 'settings-api-key-token');
      await dialog.getByRole('button', { name: 'I have stored it' }).click();
      await dialog.waitFor({ state: 'detached' });
      // Gone for good: the page no longer holds the token anywhere.
      expect(await page.content()).not.toContain(token);

      const row = rowWith(page, name);
      await row.getByText('Active').waitFor();
      expect(await row.getByText('Never').count()).toBe(1);
      const listed = await e2e.arrange.operator<ApiPage<ApiKey>>(
        'GET',
        `/api/v1/organizations/${northwind.id}/api-keys`,
      );
      const key = listed.items.find((k) => k.name === name)!;
      expect(key.scopes).toEqual(['read']);
      expect(token.startsWith(key.prefix)).toBe(true);
      expect(await row.getByText(`${key.prefix}…`).count()).toBe(1);

      // The token reads (its scope), from outside the browser, as a script would…
      const read = await withBearer(e2e.server.url, token, 'GET', '/api/v1/runs?limit=1');
      expect(read.status).toBe(200);
      // …and cannot write runs, which needs `ingest`.
      const write = await withBearer(e2e.server.url, token, 'POST', '/api/v1/runs', {
        integrationId: key.id,
      });
      expect(write.status).toBe(403);
      await page.reload();
      await expect.poll(() => rowWith(page, name).getByText('Never').count()).toBe(0);

      await rowWith(page, name)
        .getByRole('button', { name: `Revoke ${name}` })
        .click();
      const confirm = page.getByRole('alertdialog', { name: `Revoke the key “${name}”?` });
      await confirm.waitFor();
      await expectAccessible(page, 'revoke API key dialog');
      await screenshot(page, 'settings-api-key-revoke');
      await confirm.getByRole('button', { name: 'Revoke key' }).click();
      await confirm.waitFor({ state: 'detached' });
      await rowWith(page, name).getByText('Revoked').waitFor();
      expect(
        await rowWith(page, name)
          .getByRole('button', { name: `Revoke ${name}` })
          .count(),
      ).toBe(0);
      const after = await withBearer(e2e.server.url, token, 'GET', '/api/v1/runs?limit=1');
      expect(after.status).toBe(401);
      await screenshot(page, 'settings-api-keys-revoked');
    });

    it('tests a masking rule on a sample before adding it, then adds and removes it', async () => {
      const { page } = e2e;
      const northwind = await e2e.arrange.demoOrganization();
      const name = unique('ACME tenant keys');
      const rulesOf = () =>
        e2e.arrange.operator<ApiPage<MaskingRule>>(
          'GET',
          `/api/v1/organizations/${northwind.id}/masking-rules`,
        );
      await signInQuickly(e2e.context, 'admin');
      await page.goto('/settings/masking');
      await waitForScreen(page, 'Settings');
      const form = page.getByRole('form', { name: 'Add a masking rule' });
      await form.getByLabel('Name').fill(name);
      await choose(page, 'Kind', 'Pattern');
      await form.getByLabel('Match').fill('ACME-[0-9]{6}');
      await form.getByLabel('Sample payload').fill('{"tenant":"ACME-204518","note":"call ACME-777001 back"}');
      await form.getByRole('button', { name: 'Test rule' }).click();
      const result = form.getByTestId('masking-test-result');
      await result.getByText('This rule masked 2 values in the sample.').waitFor();
      const masked = await result.getByLabel('Masked sample', { exact: true }).innerText();
      expect(masked).not.toContain('ACME-204518');
      expect(masked).not.toContain('ACME-777001');
      expect(masked).toContain('"note"');
      // A test stores nothing.
      expect((await rulesOf()).items.some((r) => r.name === name)).toBe(false);
      await expectAccessible(page, 'masking rule test');
      await screenshot(page, 'settings-masking-test');

      // A rule that matches nothing says so.
      await form.getByLabel('Match').fill('GLOBEX-[0-9]{6}');
      await form.getByRole('button', { name: 'Test rule' }).click();
      await result.getByText('This rule masks nothing in the sample').waitFor();
      expect(await result.getByLabel('Masked sample', { exact: true }).innerText()).toContain('ACME-204518');

      await form.getByLabel('Match').fill('ACME-[0-9]{6}');
      await form.getByRole('button', { name: 'Add rule' }).click();
      await rowWith(page, name).waitFor();
      const added = (await rulesOf()).items.find((r) => r.name === name);
      expect(added).toMatchObject({ kind: 'pattern', match: 'ACME-[0-9]{6}' });
      await screenshot(page, 'settings-masking');

      await rowWith(page, name)
        .getByRole('button', { name: `Remove ${name}` })
        .click();
      await page.getByRole('alertdialog').getByRole('button', { name: 'Remove rule' }).click();
      await rowWith(page, name).waitFor({ state: 'detached' });
      expect((await rulesOf()).items.some((r) => r.name === name)).toBe(false);
    });

    it('edits a schedule: checked as typed, described in words, saved, and the server’s refusal shown', async () => {
      const { page } = e2e;
      const northwind = await e2e.arrange.demoOrganization();
      const integration = await e2e.arrange.integration(northwind.id, { name: unique('AAA Exchange') });
      const scheduleOf = async () =>
        (await e2e.arrange.operator<Integration>('GET', `/api/v1/integrations/${integration.id}`)).schedule;
      await signInQuickly(e2e.context, 'admin');
      await page.goto('/settings/schedules');
      await waitForScreen(page, 'Settings');
      const form = page.getByRole('form', { name: `Schedule of ${integration.name}` });
      const field = form.getByLabel(`Cron schedule of ${integration.name}`);
      expect(await field.inputValue()).toBe('0 3 * * *');
      await form.getByText('At 03:00 (UTC)').waitFor();
      expect(await form.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
      await expectAccessible(page, 'settings schedules');
      await screenshot(page, 'settings-schedules');

      await field.fill('61 * * * *');
      await form.getByText('Not a valid cron expression: minutes part must be >= 0 and <= 59').waitFor();
      expect(await field.getAttribute('aria-invalid')).toBe('true');
      expect(await form.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
      await screenshot(page, 'settings-schedule-invalid');

      await field.fill('*/30 6-18 * * MON-FRI');
      await form
        .getByText('New: Every 30 minutes, between 06:00 and 18:59, Monday through Friday (UTC)')
        .waitFor();
      await form.getByRole('button', { name: 'Save' }).click();
      await form.getByText('Saved: the next full sync follows this schedule.').waitFor();
      expect(await scheduleOf()).toBe('*/30 6-18 * * MON-FRI');
      await page.reload();
      await expect.poll(() => field.inputValue()).toBe('*/30 6-18 * * MON-FRI');

      // Well-formed, but no February has a 30th: the server refuses, and says why.
      await field.fill('0 3 30 2 *');
      await form.getByRole('button', { name: 'Save' }).click();
      await form.getByRole('alert').filter({ hasText: 'is not a valid cron expression' }).waitFor();
      await eventually('the schedule to stay as saved', scheduleOf, (s) => s === '*/30 6-18 * * MON-FRI');
      await expectAccessible(page, 'schedule refused by the server');
      await screenshot(page, 'settings-schedule-refused');
    });
  });
}
