import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { EngineKind } from '../../../server/src/storage/engine.js';
import { Arrange } from './arrange.js';
import { describeProblems, launchBrowser, openTestPage, type PageProblems } from './browser.js';
import { screenshot } from './checks.js';
import {
  DEMO_ACCOUNTS,
  DEMO_PASSWORD,
  startConsoleServer,
  type ConsoleServer,
  type ConsoleServerOptions,
  type DemoAccount,
} from './console-server.js';

/** What a browser suite works with; the getters are valid inside tests (and `beforeEach` after the harness's). */
export interface ConsoleSuite {
  readonly kind: EngineKind;
  readonly server: ConsoleServer;
  readonly browser: Browser;
  /** This test's fresh context and its first page. */
  readonly context: BrowserContext;
  readonly page: Page;
  /** What went wrong in this test's context so far. */
  readonly problems: PageProblems;
  /** Arranges data through the HTTP API. */
  readonly arrange: Arrange;
  /** Another fresh context and page in the same test (a second person), closed and checked with the first. */
  newPage(): Promise<{ context: BrowserContext; page: Page; problems: PageProblems }>;
}

/**
 * Wires a browser suite into the enclosing `describe`: one server (fresh database, demo data) and one
 * chromium for the suite, a fresh context per test. A test fails when its page threw an uncaught
 * error; a failing test leaves `screenshots/<engine>/failed/<test>.png` and prints what the page
 * logged and requested.
 *
 * @example
 * for (const kind of ENGINES) {
 *   describe(`runs list [${kind}]`, () => {
 *     const e2e = useConsole(kind);
 *     it('lists the demo runs', async () => {
 *       await signIn(e2e.page, 'operator');
 *       await e2e.page.getByTestId('data-row').first().waitFor();
 *     });
 *   });
 * }
 */
export function useConsole(kind: EngineKind, options: ConsoleServerOptions = {}): ConsoleSuite {
  let server: ConsoleServer | undefined;
  let browser: Browser | undefined;
  let arrange: Arrange | undefined;
  let opened: { context: BrowserContext; page: Page; problems: PageProblems }[] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([startConsoleServer(kind, options), launchBrowser()]);
    arrange = new Arrange(server.process);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const open = async () => {
    if (!browser || !server) throw new Error('the suite did not start (see the beforeAll error)');
    const tab = await openTestPage(browser, { baseURL: server.url, engine: kind });
    opened.push(tab);
    return tab;
  };

  beforeEach(async () => {
    opened = [];
    await open();
  });

  afterEach(async ({ task }) => {
    const tabs = opened;
    opened = [];
    const failed = task.result?.state === 'fail';
    const errors: string[] = [];
    for (const [i, tab] of tabs.entries()) {
      if (failed && !tab.page.isClosed()) {
        const name = `failed/${task.name}${i > 0 ? `-${i + 1}` : ''}`;
        await screenshot(tab.page, name).catch(() => undefined);
      }
      const report = describeProblems(tab.problems);
      if (failed && report) console.error(`[${kind}] ${task.name}, page ${i + 1}:\n${report}`);
      errors.push(...tab.problems.pageErrors);
      await tab.context.close();
    }
    if (failed && server) console.error(`[${kind}] server output:\n${server.process.output().slice(-4000)}`);
    if (errors.length > 0) {
      throw new Error(`the page threw ${errors.length} uncaught error(s):\n${errors.join('\n')}`);
    }
  });

  const current = () => {
    const tab = opened[0];
    if (!tab) throw new Error('no page: use the suite inside a test');
    return tab;
  };
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`no ${what}: the suite did not start`);
    return value;
  };
  return {
    kind,
    get server() {
      return started(server, 'server');
    },
    get browser() {
      return started(browser, 'browser');
    },
    get arrange() {
      return started(arrange, 'server');
    },
    get context() {
      return current().context;
    },
    get page() {
      return current().page;
    },
    get problems() {
      return current().problems;
    },
    newPage: open,
  };
}

/** The path (and search) the page is at, e.g. `/runs?status=ERROR`. */
export function pathOf(page: Page): string {
  const url = new URL(page.url());
  return `${url.pathname}${url.search}`;
}

/** Waits until the page's pathname is `pathname` (the search may be anything). */
export async function waitForPath(page: Page, pathname: string, timeout = 10_000): Promise<void> {
  await page.waitForURL((url) => url.pathname === pathname, { timeout });
}

/** Waits for the screen whose h1 is `title`. */
export async function waitForScreen(page: Page, title: string, timeout = 10_000): Promise<void> {
  await page.getByRole('heading', { level: 1, name: title, exact: true }).waitFor({ timeout });
}

/**
 * Signs in through the login form, as a person would, and waits until the console has left
 * /login. Goes to /login first unless the page is on it already (e.g. after a redirect).
 */
export async function signIn(
  page: Page,
  account: DemoAccount,
  options: { password?: string } = {},
): Promise<void> {
  if (new URL(page.url()).pathname !== '/login') await page.goto('/login');
  await fillSignIn(page, DEMO_ACCOUNTS[account], options.password ?? DEMO_PASSWORD);
  await page.waitForURL((url) => url.pathname !== '/login', { timeout: 10_000 });
}

/** Fills and submits the login form without waiting for the outcome. */
export async function fillSignIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/**
 * Signs a context in over HTTP (its cookie jar gets the session), for suites about other screens
 * than the login: quicker than the form, and the same session the form would get.
 */
export async function signInQuickly(context: BrowserContext, account: DemoAccount): Promise<void> {
  const res = await context.request.post('/api/v1/session', {
    data: { email: DEMO_ACCOUNTS[account], password: DEMO_PASSWORD },
  });
  if (!res.ok()) throw new Error(`signing in ${DEMO_ACCOUNTS[account]}: ${res.status()} ${await res.text()}`);
}
