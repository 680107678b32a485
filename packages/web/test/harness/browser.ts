import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium (`apt-get install -y chromium`); browsers that download themselves cannot run here. */
export const CHROMIUM = process.env.SYNCTRAIL_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Flags for a headless chromium on a machine without a display, a GPU or an outside network: without
 * the background-networking ones it keeps dialling Google's hosts, which this network refuses.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches chromium with a fresh, temporary profile (Playwright makes and deletes its user-data-dir). */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `chromium is not installed at ${CHROMIUM}: run \`apt-get install -y chromium\` (or set SYNCTRAIL_CHROMIUM).`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** What went wrong in a browser context while a test ran. */
export interface PageProblems {
  /** Uncaught exceptions and unhandled rejections in the page: any one fails the test. */
  pageErrors: string[];
  /** `console.error` output, including the browser's own "Failed to load resource" lines. */
  consoleErrors: string[];
  /** Requests that got no answer (network error, aborted) or an answer of 400 or more, as `METHOD path → outcome`. */
  failedRequests: string[];
}

export interface TestContextOptions {
  baseURL: string;
  /** Which engine's server the context talks to: screenshots go to a folder of that name. */
  engine: string;
  /** 1440×900 by default. */
  viewport?: { width: number; height: number };
}

/** Per context: where its screenshots go and what went wrong in it. */
const tracked = new WeakMap<BrowserContext, { engine: string; problems: PageProblems }>();

/**
 * A fresh browser context (no cookies, no storage) with a page, fixed locale, time zone and colour
 * scheme so screenshots compare, and listeners that record every problem into `problems`.
 */
export async function openTestPage(
  browser: Browser,
  options: TestContextOptions,
): Promise<{ context: BrowserContext; page: Page; problems: PageProblems }> {
  const context = await browser.newContext({
    baseURL: options.baseURL,
    viewport: options.viewport ?? { width: 1440, height: 900 },
    locale: 'en-US',
    timezoneId: 'UTC',
    colorScheme: 'light',
    reducedMotion: 'reduce',
  });
  const problems: PageProblems = { pageErrors: [], consoleErrors: [], failedRequests: [] };
  tracked.set(context, { engine: options.engine, problems });
  const origin = new URL(options.baseURL).origin;
  const where = (url: string) => (url.startsWith(origin) ? url.slice(origin.length) : url);
  context.on('weberror', (error) => {
    const e = error.error();
    problems.pageErrors.push(e.stack ?? `${e.name}: ${e.message}`);
  });
  context.on('console', (message) => {
    if (message.type() === 'error') {
      const location = message.location();
      problems.consoleErrors.push(
        `${message.text()}${location.url ? ` (${where(location.url)}:${location.lineNumber})` : ''}`,
      );
    }
  });
  context.on('requestfailed', (request) => {
    problems.failedRequests.push(
      `${request.method()} ${where(request.url())} → ${request.failure()?.errorText ?? 'failed'}`,
    );
  });
  context.on('response', (response) => {
    if (response.status() >= 400) {
      problems.failedRequests.push(
        `${response.request().method()} ${where(response.url())} → ${response.status()}`,
      );
    }
  });
  const page = await context.newPage();
  return { context, page, problems };
}

/** The engine and problems of a context made by `openTestPage`. */
export function trackedContext(context: BrowserContext): { engine: string; problems: PageProblems } {
  const found = tracked.get(context);
  if (!found) throw new Error('this browser context was not opened by openTestPage()');
  return found;
}

/** The problems as lines for a failure message; empty when there were none. */
export function describeProblems(problems: PageProblems): string {
  const sections: string[] = [];
  for (const [title, lines] of [
    ['uncaught errors in the page', problems.pageErrors],
    ['console errors', problems.consoleErrors],
    ['failed requests', problems.failedRequests],
  ] as const) {
    if (lines.length > 0) sections.push(`${title}:\n${lines.map((l) => `  ${l}`).join('\n')}`);
  }
  return sections.join('\n');
}
