import { describe, expect, it } from 'vitest';
import {
  DEMO_ACCOUNTS,
  ENGINES,
  expectAccessible,
  fillSignIn,
  pathOf,
  screenshot,
  signIn,
  useConsole,
  waitForPath,
  waitForScreen,
} from './harness/index.js';

for (const kind of ENGINES) {
  describe(`signing in to the console [${kind}]`, () => {
    const e2e = useConsole(kind);

    it('refuses a wrong password with an error and stays on /login', async () => {
      const { page } = e2e;
      await page.goto('/login');
      await waitForScreen(page, 'Sign in');
      await expectAccessible(page, 'login');
      await screenshot(page, 'login');

      await fillSignIn(page, DEMO_ACCOUNTS.operator, 'not the demo password');
      const alert = page.getByRole('alert');
      await alert.waitFor();
      expect((await alert.innerText()).trim()).not.toBe('');
      expect(new URL(page.url()).pathname).toBe('/login');
      // The person can try again: the form is still there, with the email kept.
      expect(await page.getByLabel('Email', { exact: true }).inputValue()).toBe(DEMO_ACCOUNTS.operator);
      await expectAccessible(page, 'login with an error');
      await screenshot(page, 'login-wrong-password');
    });

    it('lands on /runs and lists runs', async () => {
      const { page } = e2e;
      await signIn(page, 'operator');
      await waitForPath(page, '/runs');
      await waitForScreen(page, 'Sync Logging');
      await page.getByTestId('data-row').first().waitFor();
      expect(await page.getByTestId('data-row').count()).toBeGreaterThan(0);
      expect(await page.getByTestId('empty-state').count()).toBe(0);
      await expectAccessible(page, 'runs');
      await screenshot(page, 'runs');
    });

    it('stays signed in when /runs is reloaded', async () => {
      const { page } = e2e;
      await signIn(page, 'operator');
      await page.getByTestId('data-row').first().waitFor();
      await page.reload();
      await waitForScreen(page, 'Sync Logging');
      await page.getByTestId('data-row').first().waitFor();
      expect(new URL(page.url()).pathname).toBe('/runs');
    });

    it('sends a signed-out visit of a run to /login, and back to that run after signing in', async () => {
      const { page } = e2e;
      // A failed run: its screen has actions to show.
      const run = await e2e.arrange.firstRun('status=ERROR&progress=FINISHED');
      await page.goto(`/runs/${run.id}`);
      await waitForPath(page, '/login');
      await waitForScreen(page, 'Sign in');
      expect(new URL(page.url()).searchParams.get('redirect')).toContain(`/runs/${run.id}`);

      await signIn(page, 'operator');
      await waitForPath(page, `/runs/${run.id}`);
      await waitForScreen(page, 'Logging details');
      await page.getByTestId('data-row').first().waitFor();
      await expectAccessible(page, 'run details');
      await screenshot(page, 'run-details');
    });

    it('signs out to /login, after which /runs asks to sign in again', async () => {
      const { page } = e2e;
      await signIn(page, 'viewer');
      await waitForScreen(page, 'Sync Logging');
      await page.getByRole('button', { name: 'Sign out', exact: true }).click();
      await waitForPath(page, '/login');
      await waitForScreen(page, 'Sign in');

      await page.goto('/runs');
      await waitForPath(page, '/login');
      await waitForScreen(page, 'Sign in');
      expect(pathOf(page)).toMatch(/^\/login/);
      // The session is gone on the server too, not only in the page.
      const session = await page.request.get('/api/v1/session');
      expect(session.status()).toBe(401);
    });
  });
}
