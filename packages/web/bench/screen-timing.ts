/** How long a console screen takes to show its first row, measured inside chromium. */
import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

/** Every list row carries this test id (the console's UI contract). */
export const ROW = '[data-testid="data-row"]';

/**
 * Installed before the console's scripts: notes when the first row enters the DOM and the animation
 * frame after it (the frame that paints it), in ms since the navigation started.
 */
const FIRST_ROW_PROBE = `(() => {
  const probe = { found: undefined, painted: undefined };
  globalThis.__benchFirstRow = probe;
  const observer = new MutationObserver(() => {
    if (probe.found !== undefined || !document.querySelector(${JSON.stringify(ROW)})) return;
    probe.found = performance.now();
    observer.disconnect();
    requestAnimationFrame(() => { probe.painted = performance.now(); });
  });
  observer.observe(document, { childList: true, subtree: true });
})();`;

/** One navigation's timings, in ms since it started. */
export interface Navigation {
  /** The animation frame that painted the first row. */
  firstRow: number;
  /** The HTML document received. */
  document: number;
  /** The last script received. */
  scripts: number;
  /** The last API answer received before the first row. */
  api: number;
  /** The successful API requests answered before the first row (for the node baseline). */
  apiRequests: string[];
  /** The JavaScript files the page loaded (only when asked: reading them takes a while). */
  scriptFiles?: ScriptFile[];
  /** Each script and API request received before the first row: path, start and end (ms). */
  timeline: { path: string; start: number; end: number }[];
}

/** One JavaScript file a page loaded. */
export interface ScriptFile {
  path: string;
  bytes: number;
  /** Its size compressed with gzip's default level, as a server would send it. */
  gzipBytes: number;
  /** How the server actually sent it (`content-encoding`), and how many bytes that was when known. */
  encoding: string;
  sentBytes: number | undefined;
}

interface InPage {
  firstRow: number;
  document: number;
  resources: { name: string; initiatorType: string; startTime: number; responseEnd: number }[];
}

const READ_TIMINGS = `(() => {
  const nav = performance.getEntriesByType('navigation')[0];
  return {
    firstRow: globalThis.__benchFirstRow.painted,
    document: nav ? nav.responseEnd : 0,
    resources: performance.getEntriesByType('resource').map((r) => ({
      name: r.name, initiatorType: r.initiatorType, startTime: r.startTime, responseEnd: r.responseEnd,
    })),
  };
})()`;

export interface ScreenOptions {
  baseURL: string;
  /** A signed-in context's storage state (the session cookie). */
  storageState: StorageState;
  timeoutMs?: number;
}

/** Opens a page in `context`, navigates to `path` and waits for the first painted row. */
async function navigate(
  context: BrowserContext,
  path: string,
  timeoutMs: number,
  collectScripts = false,
): Promise<Navigation> {
  const page = context.pages()[0] ?? (await context.newPage());
  const answered: string[] = [];
  const onResponse = (response: Response) => {
    const type = response.request().resourceType();
    const api = new URL(response.url()).pathname.startsWith('/api/');
    if ((type === 'fetch' || type === 'xhr') && api && response.ok()) answered.push(response.url());
  };
  page.on('response', onResponse);
  const scripts = collectScripts ? watchScripts(page) : undefined;
  try {
    await page.goto(path, { waitUntil: 'commit', timeout: timeoutMs });
    try {
      // A function, not a string: the console's CSP forbids eval, and a function is not eval'ed.
      await page.waitForFunction(
        () => (globalThis as any).__benchFirstRow?.painted !== undefined,
        undefined,
        {
          timeout: timeoutMs,
          polling: 50,
        },
      );
    } catch (error) {
      throw new Error(`${path}: no ${ROW} appeared in ${timeoutMs} ms (at ${page.url()})`, { cause: error });
    }
    const t = (await page.evaluate(READ_TIMINGS)) as InPage;
    const before = t.resources.filter((r) => r.responseEnd <= t.firstRow);
    const apiBefore = before.filter((r) => new URL(r.name).pathname.startsWith('/api/'));
    const apiEnds = apiBefore.map((r) => r.responseEnd);
    // The successful API requests answered before the first row: what the row could wait on.
    const apiRequests = answered.filter((url) => apiBefore.some((r) => r.name === url));
    const scriptEnds = before.filter((r) => r.initiatorType === 'script' || r.name.endsWith('.js'));
    const navigation: Navigation = {
      firstRow: t.firstRow,
      document: t.document,
      scripts: Math.max(t.document, ...scriptEnds.map((r) => r.responseEnd)),
      api: Math.max(0, ...apiEnds),
      apiRequests,
      timeline: [...apiBefore, ...scriptEnds]
        .sort((a, b) => a.startTime - b.startTime)
        .map((r) => ({ path: new URL(r.name).pathname, start: r.startTime, end: r.responseEnd })),
    };
    if (scripts) navigation.scriptFiles = await scripts.files();
    return navigation;
  } finally {
    page.off('response', onResponse);
    scripts?.stop();
  }
}

/**
 * Records every JavaScript file the page receives from now on; `files()` waits for the page's load
 * event and a moment more (chunks still arriving as the first screen shows count too), then reads them.
 */
export function watchScripts(page: Page): { files(): Promise<ScriptFile[]>; stop(): void } {
  const seen: Promise<ScriptFile>[] = [];
  const onResponse = (response: Response) => {
    const contentType = response.headers()['content-type'] ?? '';
    if (response.request().resourceType() === 'script' || contentType.includes('javascript'))
      seen.push(scriptFile(response));
  };
  page.on('response', onResponse);
  return {
    async files() {
      await page.waitForLoadState('load');
      await page.waitForTimeout(500);
      return Promise.all(seen);
    },
    stop: () => page.off('response', onResponse),
  };
}

async function scriptFile(response: Response): Promise<ScriptFile> {
  const body = await response.body();
  const headers = await response.allHeaders();
  const sizes = await response.request().sizes();
  return {
    path: new URL(response.url()).pathname,
    bytes: body.length,
    gzipBytes: gzipSync(body).length,
    encoding: headers['content-encoding'] ?? 'identity',
    sentBytes: sizes.responseBodySize || undefined,
  };
}

export interface ScreenTimings {
  /** A fresh context (empty HTTP and code caches) per navigation. */
  cold: Navigation[];
  /** The same page navigated again and again, after one navigation that fills the caches. */
  warm: Navigation[];
}

/** `repeats` cold and `repeats` warm navigations to `path`. */
export async function timeScreen(
  browser: Browser,
  path: string,
  repeats: number,
  options: ScreenOptions,
): Promise<ScreenTimings> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const fresh = async () => {
    const context = await browser.newContext({
      baseURL: options.baseURL,
      storageState: options.storageState,
      viewport: { width: 1440, height: 900 },
    });
    await context.addInitScript(FIRST_ROW_PROBE);
    return context;
  };
  const cold: Navigation[] = [];
  for (let i = 0; i < repeats; i++) {
    const context = await fresh();
    try {
      cold.push(await navigate(context, path, timeoutMs, i === 0));
    } finally {
      await context.close();
    }
  }
  const warm: Navigation[] = [];
  const context = await fresh();
  try {
    await navigate(context, path, timeoutMs);
    for (let i = 0; i < repeats; i++) warm.push(await navigate(context, path, timeoutMs));
  } finally {
    await context.close();
  }
  return { cold, warm };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The browser's own cost of a navigation, for scale: a fresh context loading `/healthz` (a few bytes
 * of JSON, no script) until its load event, in ms since the navigation started.
 */
export async function timeEmptyNavigation(
  browser: Browser,
  baseURL: string,
  repeats: number,
): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const context = await browser.newContext({ baseURL });
    try {
      const page = await context.newPage();
      await page.goto('/healthz', { waitUntil: 'load' });
      samples.push(
        (await page.evaluate(`performance.getEntriesByType('navigation')[0].loadEventEnd`)) as number,
      );
    } finally {
      await context.close();
    }
  }
  return samples;
}
