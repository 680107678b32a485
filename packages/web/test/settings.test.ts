import type { Member, Page as ApiPage } from '@synctrail/types';
import { describe, expect, it } from 'vitest';
import {
  DEMO_ACCOUNTS,
  ENGINES,
  expectAccessible,
  pathOf,
  screenshot,
  signInQuickly,
  useConsole,
  waitFor,
  waitForScreen,
} from './harness/index.js';
import { choose, rowWith, unique } from './settings-helpers.js';

for (const kind of ENGINES) {
  describe(`Settings: members and roles [${kind}]`, () => {
    const e2e = useConsole(kind);
    const membersOf = (organizationId: string) =>
      e2e.arrange.operator<ApiPage<Member>>('GET', `/api/v1/organizations/${organizationId}/members`);

    it('adds a member and removes them; the list and the API agree at each step', async () => {
      const { page } = e2e;
      const northwind = await e2e.arrange.demoOrganization();
      const email = `${unique('dora')}@example.com`;
      const password = 'correct horse battery';
      await signInQuickly(e2e.context, 'admin');
      await page.goto('/settings');
      await waitForScreen(page, 'Settings');
      // /settings opens Members, for the admin's organization, named in the URL.
      await page.waitForURL(
        (url) => url.pathname === '/settings/members' && url.searchParams.get('org') === northwind.id,
      );
      expect(await page.getByRole('link', { name: 'Members' }).getAttribute('aria-current')).toBe('page');
      await rowWith(page, DEMO_ACCOUNTS.admin).waitFor();
      await expectAccessible(page, 'settings members');
      await screenshot(page, 'settings-members');

      const form = page.getByRole('form', { name: 'Add a member' });
      await form.getByLabel('Email').fill(email);
      await form.getByLabel('Name').fill('Dora Lee');
      await form.getByLabel('Initial password').fill('too short');
      await form.getByRole('button', { name: 'Add member' }).click();
      await form.getByText('At least 12 characters (9 so far).').waitFor();
      expect((await membersOf(northwind.id)).items.some((m) => m.email === email)).toBe(false);
      await expectAccessible(page, 'member form with an error');
      await screenshot(page, 'settings-member-form-error');

      await form.getByLabel('Initial password').fill(password);
      await form.getByRole('button', { name: 'Add member' }).click();
      const row = rowWith(page, email);
      await row.waitFor();
      expect(await row.getByRole('combobox', { name: `Role of ${email}` }).innerText()).toBe('Viewer');
      const added = (await membersOf(northwind.id)).items.find((m) => m.email === email);
      expect(added).toMatchObject({ name: 'Dora Lee', role: 'VIEWER', canSignIn: true });
      // The initial password is the one the new member signs in with.
      const signIn = await fetch(`${e2e.server.url}/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
      });
      expect(signIn.status).toBe(200);

      // Adding the same person again: the API's 409 message, next to the form.
      await form.getByLabel('Email').fill(email);
      await form.getByRole('button', { name: 'Add member' }).click();
      await form.getByRole('alert').filter({ hasText: 'already a member' }).waitFor();
      await expectAccessible(page, 'member form refused by the server');
      await screenshot(page, 'settings-member-exists');

      await rowWith(page, email)
        .getByRole('button', { name: `Remove ${email}` })
        .click();
      const dialog = page.getByRole('alertdialog', { name: `Remove ${email}?` });
      await dialog.waitFor();
      await expectAccessible(page, 'remove member dialog');
      await screenshot(page, 'settings-member-remove');
      await dialog.getByRole('button', { name: 'Remove member' }).click();
      await dialog.waitFor({ state: 'detached' });
      await rowWith(page, email).waitFor({ state: 'detached' });
      expect((await membersOf(northwind.id)).items.some((m) => m.email === email)).toBe(false);
      await rowWith(page, DEMO_ACCOUNTS.admin).waitFor();
    });

    it('changes a member’s role from the list; the API and a reload agree', async () => {
      const { page } = e2e;
      const northwind = await e2e.arrange.demoOrganization();
      const email = `${unique('ravi')}@example.com`;
      await e2e.arrange.operator('POST', `/api/v1/organizations/${northwind.id}/members`, {
        email,
        role: 'VIEWER',
      });
      await signInQuickly(e2e.context, 'admin');
      await page.goto(`/settings/members?org=${northwind.id}`);
      await waitForScreen(page, 'Settings');
      await rowWith(page, email).waitFor();
      await choose(page, `Role of ${email}`, 'Admin');
      // Saved (the API says ADMIN) or refused (the row shows the server's message, reported here).
      const refusal = rowWith(page, email).getByRole('alert');
      const outcome = await waitFor('the role change to be saved or refused', async () => {
        if ((await refusal.count()) > 0) return `refused: ${await refusal.innerText()}`;
        const members = await membersOf(northwind.id);
        return members.items.some((m) => m.email === email && m.role === 'ADMIN') ? 'saved' : false;
      });
      expect(outcome).toBe('saved');
      await page.reload();
      await expect
        .poll(() =>
          rowWith(page, email)
            .getByRole('combobox', { name: `Role of ${email}` })
            .innerText(),
        )
        .toBe('Admin');
    });

    it('lets an operator pick the organization, keeping it in the URL', async () => {
      const { page } = e2e;
      const organization = await e2e.arrange.organization(unique('Umbrella'));
      const email = `${unique('ops')}@example.com`;
      await e2e.arrange.operator('POST', `/api/v1/organizations/${organization.id}/members`, {
        email,
        role: 'ADMIN',
      });
      await signInQuickly(e2e.context, 'operator');
      await page.goto('/settings/members');
      await waitForScreen(page, 'Settings');
      await page.getByRole('combobox', { name: 'Organization' }).waitFor();
      await choose(page, 'Organization', organization.name);
      await page.waitForURL((url) => url.searchParams.get('org') === organization.id);
      await rowWith(page, email).waitFor();
      expect(await page.getByTestId('data-row').count()).toBe(1);
      // A member without a password cannot sign in yet, and the list says so.
      await rowWith(page, email).getByText('No password yet').waitFor();
      await expectAccessible(page, 'settings as operator');
      await screenshot(page, 'settings-operator');

      // The organization stays chosen across sections and reloads.
      await page.getByRole('link', { name: 'Schedules' }).click();
      await page.waitForURL((url) => url.pathname === '/settings/schedules');
      expect(pathOf(page)).toContain(`org=${organization.id}`);
      await page.getByTestId('empty-state').waitFor();
      await page.reload();
      await waitForScreen(page, 'Settings');
      expect(await page.getByRole('combobox', { name: 'Organization' }).innerText()).toBe(organization.name);
    });

    it('tells a VIEWER they need the ADMIN role, with no write button anywhere', async () => {
      const { page } = e2e;
      await signInQuickly(e2e.context, 'viewer');
      for (const section of ['members', 'api-keys', 'masking', 'schedules']) {
        await page.goto(`/settings/${section}`);
        await waitForScreen(page, 'Settings');
        await page.getByRole('note', { name: 'You need the ADMIN role' }).waitFor();
        for (const name of [
          /add member/i,
          /create key/i,
          /add rule/i,
          /test rule/i,
          /save/i,
          /remove/i,
          /revoke/i,
        ])
          expect(await page.getByRole('button', { name }).count()).toBe(0);
        expect(await page.getByRole('textbox').count()).toBe(0);
      }
      await expectAccessible(page, 'settings as viewer');
      await screenshot(page, 'settings-viewer');
    });
  });
}
