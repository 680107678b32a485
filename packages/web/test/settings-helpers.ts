import { randomBytes } from 'node:crypto';
import type { SessionInfo } from '@synctrail/types';
import type { BrowserContext, Page } from 'playwright-core';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, waitFor, type DemoAccount } from './harness/index.js';

/** A unique name for something a test creates, so suites sharing a server never collide. */
export function unique(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

/** Picks an option of a Radix select (role combobox) by the select's and the option's names. */
export async function choose(page: Page, select: string, option: string): Promise<void> {
  await page.getByRole('combobox', { name: select, exact: true }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

/** The table row (in the settings lists) holding `text`. */
export function rowWith(page: Page, text: string) {
  return page.getByTestId('data-row').filter({ hasText: text });
}

/** Polls `read` until `check` holds of its answer (the API agreeing with what the screen shows). */
export async function eventually<T>(
  what: string,
  read: () => Promise<T>,
  check: (value: T) => boolean,
): Promise<T> {
  let last: T | undefined;
  await waitFor(what, async () => {
    last = await read();
    return check(last);
  });
  return last as T;
}

/** A bearer-token request from node, outside the browser: what a connector holding the key would do. */
export async function withBearer(
  baseUrl: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
) {
  return fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/**
 * Signs a demo account in inside a browser context (the page shares the session) and returns a
 * writer that sends the session's CSRF token: API calls made "as that person", which the audit log
 * attributes to their account.
 */
export async function actAs(context: BrowserContext, account: DemoAccount) {
  const res = await context.request.post('/api/v1/session', {
    data: { email: DEMO_ACCOUNTS[account], password: DEMO_PASSWORD },
  });
  if (!res.ok()) throw new Error(`signing in ${account}: ${res.status()} ${await res.text()}`);
  const session = (await res.json()) as SessionInfo;
  const write = async <T>(method: 'POST' | 'PATCH' | 'DELETE', path: string, data?: unknown): Promise<T> => {
    const answer = await context.request.fetch(path, {
      method,
      headers: { 'x-csrf-token': session.csrfToken ?? '' },
      ...(data === undefined ? {} : { data }),
    });
    if (!answer.ok()) throw new Error(`${method} ${path}: ${answer.status()} ${await answer.text()}`);
    return (await answer.json()) as T;
  };
  return { session, write };
}
