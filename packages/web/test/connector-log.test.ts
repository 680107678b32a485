import type { CallInput } from '@synctrail/types';
import { describe, expect, it } from 'vitest';
import {
  ENGINES,
  expectAccessible,
  screenshot,
  signInQuickly,
  useConsole,
  waitFor,
  waitForScreen,
} from './harness/index.js';

/** One SSO exchange with bodies: a SAML-ish XML request and a JSON response. */
function ssoCall(login: string, action: NonNullable<CallInput['action']>): CallInput {
  return {
    direction: 'OUTGOING',
    appFrom: 'MangoApps',
    appTo: 'OAuth 2.0 Office 365',
    action,
    requestType: 'AUTHENTICATION_APPLICATIONS',
    login,
    method: 'POST',
    url: 'https://login.example/oauth2/token',
    statusCode: action === 'SSO_FAILED' ? 401 : 200,
    durationMs: 123,
    request: {
      headers: { 'content-type': 'application/xml', authorization: 'Bearer secret-token-value' },
      body: `<AuthnRequest><Issuer>mango</Issuer><NameID>${login}</NameID></AuthnRequest>`,
    },
    response: {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ error: action === 'SSO_FAILED' ? 'invalid_grant' : null, user: login }),
    },
  };
}

for (const kind of ENGINES) {
  describe(`Connector Log [${kind}]`, () => {
    const e2e = useConsole(kind);

    it('filters by action, request type, a part of the login in any case, status class, applications, direction and date range, then clears', async () => {
      const { page } = e2e;
      const organization = await e2e.arrange.demoOrganization();
      const key = await e2e.arrange.apiKey(organization.id);
      await e2e.arrange.postCalls(key, [
        ssoCall('Karin.Schmidt@e2e.example', 'SSO_FAILED'),
        ssoCall('bob@e2e.example', 'SSO_SUCCESSFUL'),
      ]);
      await signInQuickly(e2e.context, 'operator');
      await page.goto('/calls');
      await waitForScreen(page, 'Connector Log');
      await page.getByTestId('data-row').first().waitFor();

      await page.getByRole('button', { name: /^Action:/ }).click();
      await page.getByRole('checkbox', { name: 'SSO Failed', exact: true }).check();
      await page.keyboard.press('Escape');
      await waitFor(
        'action=SSO_FAILED',
        () => new URL(page.url()).searchParams.get('action') === 'SSO_FAILED',
      );
      await page.getByLabel('Email/Login ID').fill('KARIN.SCH');
      await page.getByLabel('Email/Login ID').press('Enter');
      await page.getByRole('button', { name: /^Request type:/ }).click();
      await page.getByRole('checkbox', { name: 'Authentication-Applications', exact: true }).check();
      await page.keyboard.press('Escape');
      await page.getByRole('button', { name: /^Status code:/ }).click();
      await page.getByRole('checkbox', { name: '4xx', exact: true }).check();
      await page.keyboard.press('Escape');
      await page.getByRole('button', { name: /^Application To:/ }).click();
      await page.getByRole('checkbox', { name: 'OAuth 2.0 Office 365', exact: true }).check();
      await page.keyboard.press('Escape');
      await page.getByRole('button', { name: /^Application From:/ }).click();
      await page.getByRole('checkbox', { name: 'MangoApps', exact: true }).check();
      await page.keyboard.press('Escape');
      await page.getByLabel('Direction').selectOption('OUTGOING');
      await page.getByLabel('Date range').selectOption('24h');
      await waitFor('only Karin’s failed sign-in', async () => {
        const rows = await page.getByTestId('data-row').allInnerTexts();
        return (
          rows.length === 1 &&
          rows[0]!.includes('Karin.Schmidt@e2e.example') &&
          rows[0]!.includes('SSO Failed')
        );
      });
      const url = new URL(page.url());
      expect(url.searchParams.get('login')).toBe('KARIN.SCH');
      expect(url.searchParams.get('requestType')).toBe('AUTHENTICATION_APPLICATIONS');
      expect(url.searchParams.get('statusCode')).toBe('4xx');
      expect(url.searchParams.get('appTo')).toBe('OAuth 2.0 Office 365');
      expect(url.searchParams.get('appFrom')).toBe('MangoApps');
      expect(url.searchParams.get('direction')).toBe('OUTGOING');
      expect(url.searchParams.get('range')).toBe('24h');
      await expectAccessible(page, 'connector log filtered');
      await screenshot(page, 'calls-filtered');

      await page.reload();
      await waitFor(
        'same rows after a reload',
        async () => (await page.getByTestId('data-row').count()) === 1,
      );
      expect(await page.getByLabel('Email/Login ID').inputValue()).toBe('KARIN.SCH');

      await page.getByRole('button', { name: 'Clear' }).click();
      await waitFor('no filter left', () => new URL(page.url()).search === '');
      await waitFor('all calls again', async () => (await page.getByTestId('data-row').count()) > 1);
    });

    it('opens a request and a response payload, pretty-printed, with masked secrets marked', async () => {
      const { page } = e2e;
      const organization = await e2e.arrange.demoOrganization();
      const key = await e2e.arrange.apiKey(organization.id);
      await e2e.arrange.postCalls(key, [ssoCall('payload.viewer@e2e.example', 'SSO_FAILED')]);
      await signInQuickly(e2e.context, 'admin');
      await page.goto('/calls?login=payload.viewer');
      await waitForScreen(page, 'Connector Log');
      const row = page.getByTestId('data-row').first();
      await row.waitFor();

      await row.getByRole('button', { name: 'Request', exact: true }).click();
      const panel = page.getByRole('dialog');
      await panel.getByRole('heading', { name: /^Request/ }).waitFor();
      const body = panel.getByLabel('Request body', { exact: true });
      await expect(body.innerText()).resolves.toContain('<AuthnRequest>\n  <Issuer>mango</Issuer>');
      const headers = await panel.getByLabel('Request headers', { exact: true }).innerText();
      expect(headers).toContain('authorization: ***');
      expect(headers).not.toContain('secret-token-value');
      expect(await panel.locator('mark').count()).toBeGreaterThan(0);
      await expectAccessible(page, 'request payload');
      await screenshot(page, 'call-request');
      await page.keyboard.press('Escape');

      await row.getByRole('button', { name: 'Response', exact: true }).click();
      await page
        .getByRole('dialog')
        .getByRole('heading', { name: /^Response/ })
        .waitFor();
      await expect(
        page.getByRole('dialog').getByLabel('Response body', { exact: true }).innerText(),
      ).resolves.toContain('"error": "invalid_grant"');
      expect(new URL(page.url()).searchParams.get('part')).toBe('response');
      await screenshot(page, 'call-response');
    });

    it('shows a VIEWER no payloads and no Run Sync or Cancel Sync anywhere', async () => {
      const { page } = e2e;
      const organization = await e2e.arrange.demoOrganization();
      const { run } = await e2e.arrange.runningRun({ organizationId: organization.id });
      await signInQuickly(e2e.context, 'viewer');

      await page.goto('/calls');
      await waitForScreen(page, 'Connector Log');
      await Promise.race([
        page.getByTestId('data-row').first().waitFor(),
        page.getByTestId('empty-state').waitFor(),
      ]);
      expect(await page.getByRole('button', { name: 'Request', exact: true }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Response', exact: true }).count()).toBe(0);
      await screenshot(page, 'calls-viewer');

      await page.goto('/runs');
      await waitForScreen(page, 'Sync Logging');
      await page.locator(`a[href="/runs/${run.id}"]`).waitFor();
      expect(await page.getByRole('button', { name: 'Cancel Sync' }).count()).toBe(0);

      await page.goto(`/runs/${run.id}`);
      await waitForScreen(page, 'Logging details');
      expect(await page.getByRole('button', { name: 'Cancel Sync' }).count()).toBe(0);

      await page.goto('/integrations');
      await waitForScreen(page, 'Integrations');
      await page.getByTestId('data-row').first().waitFor();
      expect(await page.getByRole('button', { name: 'Run Sync' }).count()).toBe(0);
      await expectAccessible(page, 'integrations as viewer');
      await screenshot(page, 'integrations-viewer');
    });

    it('lists integrations with their schedule in words and says why Run Sync is disabled', async () => {
      const { page } = e2e;
      await signInQuickly(e2e.context, 'operator');
      await page.goto('/integrations');
      await waitForScreen(page, 'Integrations');
      await page.getByTestId('data-row').first().waitFor();
      const rows = await page.getByTestId('data-row').allInnerTexts();
      expect(rows.some((r) => /At \d\d:\d\d \(UTC\)/.test(r))).toBe(true);
      // Initech's synchronization is disabled in the demo: its Run Sync is greyed out with the reason.
      const initech = page.getByTestId('data-row').filter({ hasText: 'Initech' }).first();
      expect(await initech.getByRole('button', { name: 'Run Sync' }).isDisabled()).toBe(true);
      await initech.getByText('Synchronization is disabled for this organization').waitFor();
      await expectAccessible(page, 'integrations');
      await screenshot(page, 'integrations');
    });
  });
}
