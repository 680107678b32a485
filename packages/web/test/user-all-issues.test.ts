import type { Page as BrowserPage } from 'playwright-core';
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

/** The cells of the group row of an object, as text. */
async function groupCells(page: BrowserPage, objectName: string): Promise<string[]> {
  const row = page.getByTestId('issue-group').filter({ hasText: objectName });
  await row.waitFor();
  return row.locator(':scope > td').allInnerTexts();
}

async function headers(page: BrowserPage): Promise<string[]> {
  return page.locator('thead').first().getByRole('columnheader').allInnerTexts();
}

for (const kind of ENGINES) {
  describe(`Issues of every user [${kind}]`, () => {
    const e2e = useConsole(kind);

    it('groups one object failing the same way for three users, opens the group to them, links to each one', async () => {
      const { page } = e2e;
      const story = await arrangeUserStory(e2e.arrange);
      await signInQuickly(e2e.context, 'operator');
      await page.goto('/issues');
      await waitForScreen(page, 'Issues');
      // An operator sees several organizations: the list says whose each group is.
      await page.getByRole('columnheader', { name: 'Organization' }).waitFor();
      const cells = await groupCells(page, story.shared.name);
      expect(await headers(page)).toEqual([
        'Object',
        'Error',
        'Organization',
        'Occurrences',
        'Users',
        'First seen',
        'Last seen',
        'State',
      ]);
      expect(cells[0]).toContain('Appointment');
      expect(cells[1]).toContain('1');
      expect(cells[1]).toContain('Locked / operation error');
      expect(cells[1]).toContain(story.shared.message);
      expect(cells[2]).toBe('Northwind Traders');
      // Ada's issue was seen twice, Ben's and Cy's once.
      expect(cells.slice(3, 5)).toEqual(['4', '3']);
      expect(cells[7]).toBe('Open');
      // Open issues only by default: the e-mail Ada's third session fixed is not there.
      expect(await page.getByTestId('issue-group').filter({ hasText: 'Offer 4711' }).count()).toBe(0);

      const toggle = page.getByRole('button', { name: new RegExp(story.shared.name) });
      expect(await toggle.getAttribute('aria-expanded')).toBe('false');
      await toggle.click();
      expect(await toggle.getAttribute('aria-expanded')).toBe('true');
      const users = page.getByTestId('issue-group-user');
      await users.first().waitFor();
      // Most recently seen first: Ada two hours ago, Cy five, Ben thirty.
      expect(await users.getByRole('link').allInnerTexts()).toEqual([
        'Ada Quist',
        'Cy Lindgren',
        'Ben Okafor',
      ]);
      await expectAccessible(page, 'issues grouped, one group open');
      await screenshot(page, 'issues-grouped');

      await users.getByRole('link', { name: 'Ben Okafor' }).click();
      await waitForPath(page, `/users/${story.ben.id}/issues`);
      await waitForScreen(page, 'Ben Okafor');
      await waitFor("Ben's issue", async () => (await column(page, 'Name')).length === 1);
      expect(await column(page, 'Name')).toEqual([story.shared.name]);
    });

    it('filters by state, error code and organization; a member sees their organization only', async () => {
      const { page } = e2e;
      const story = await arrangeUserStory(e2e.arrange);
      await signInQuickly(e2e.context, 'operator');
      await page.goto('/issues');
      await waitForScreen(page, 'Issues');
      await groupCells(page, story.shared.name);

      await pick(page, 'State', 'Resolved');
      await searchParam(page, 'state', 'OPEN,RESOLVED');
      await page.getByTestId('issue-group').filter({ hasText: 'Offer 4711' }).waitFor();
      await pick(page, 'Error code', '3 – Inaccessible / updated prematurely');
      await searchParam(page, 'errorCode', '3');
      await waitFor('only code 3 groups', async () => {
        const errors = await page
          .getByTestId('issue-group')
          .locator(':scope > td:nth-child(2)')
          .allInnerTexts();
        return errors.length > 0 && errors.every((e) => e.includes('Inaccessible / updated prematurely'));
      });
      expect(await page.getByTestId('issue-group').filter({ hasText: story.shared.name }).count()).toBe(0);
      await page.getByLabel('Organization').selectOption(story.organization.id);
      await searchParam(page, 'organizationId', story.organization.id);
      await waitFor('only Northwind', async () => {
        const names = await page
          .getByTestId('issue-group')
          .locator(':scope > td:nth-child(3)')
          .allInnerTexts();
        return names.length > 0 && names.every((n) => n === 'Northwind Traders');
      });
      const csv = await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
      expect(new URL(csv!, 'http://x').searchParams.get('errorCode')).toBe('3');

      const member = await e2e.newPage();
      await signInQuickly(member.context, 'viewer');
      await member.page.goto('/issues');
      await waitForScreen(member.page, 'Issues');
      await groupCells(member.page, story.shared.name);
      expect(await headers(member.page)).not.toContain('Organization');
      expect(await member.page.getByLabel('Organization').count()).toBe(0);
      await expectAccessible(member.page, 'issues as a viewer');
      await screenshot(member.page, 'issues-viewer');
    });
  });
}
