import { describe, expect, it } from 'vitest';
import {
  ENGINES,
  expectAccessible,
  screenshot,
  signInQuickly,
  useConsole,
  waitForScreen,
} from './harness/index.js';

for (const kind of ENGINES) {
  describe(`Settings: retention [${kind}]`, () => {
    const e2e = useConsole(kind);

    it("shows an admin the retention in force, the organization's own values and the deployment's default", async () => {
      const { page } = e2e;
      const northwind = await e2e.arrange.demoOrganization();
      const url = `/api/v1/organizations/${northwind.id}/retention`;
      await e2e.arrange.operator('PUT', url, { payloadDays: 30, days: null });
      await signInQuickly(e2e.context, 'admin');
      await page.goto(`/settings/retention?org=${northwind.id}`);
      await waitForScreen(page, 'Settings');
      const table = page.getByRole('table', { name: 'Retention' });
      await table.waitFor();
      const rows = await table.getByTestId('data-row').allInnerTexts();
      // The demo server keeps everything by default: records forever, payloads as this organization says.
      expect(rows.map((r) => r.split(/\t|\n/).filter(Boolean))).toEqual([
        [
          'Payloads: request and response bodies, log-file contents',
          '30 days',
          'This organization',
          'Forever',
        ],
        ['Records: runs, actions, calls', 'Forever', 'Deployment default', 'Forever'],
      ]);
      await expectAccessible(page, 'settings retention');
      await screenshot(page, 'settings-retention');
      // Back to the default: the screen follows the API.
      await e2e.arrange.operator('PUT', url, { payloadDays: null, days: null });
      await page.reload();
      await table.getByText('Deployment default').nth(1).waitFor();
      expect(await table.getByText('This organization').count()).toBe(0);
    });
  });
}
