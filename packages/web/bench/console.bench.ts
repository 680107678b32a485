/**
 * `npm run bench:console`: how fast the built console shows big lists, and how much JavaScript its
 * first page ships. Expects `npm run build` to have run (it builds nothing itself).
 *
 * - Data: an embedded (SQLite) database with BENCH_RUNS runs (default 1,000,000) over 60 organizations
 *   and 150 integrations of four types, every trigger, progress and status, plus one run of
 *   BENCH_BIG_RUN_ACTIONS actions (default 100,000); built once, cached under `.bench/` (see
 *   packages/server/bench/console-data.ts).
 * - A real `synctrail serve` process on it, an operator signed in; Debian's chromium through
 *   playwright-core.
 * - (a) navigation to `/runs` → the first painted `[data-testid="data-row"]`; (b) navigation to
 *   `/runs/<the big run>` → its first painted action row: the median of BENCH_REPEATS (default 7,
 *   at least 5) navigations, each in a fresh context (cold: empty HTTP and code caches) and in one
 *   context navigated again and again (warm). Timed inside the page, from the navigation's start.
 * - Baselines in the same run: the API requests that screen made before its first row, fetched from
 *   node with the same session cookie, concurrently (the data alone, no browser), median of as many;
 *   and an empty page navigation (a fresh context loading `/healthz` to its load event: the browser's
 *   own cost, which grows as much as the console's when the machine is busy). Figures are also given
 *   as ratios to both.
 * - (c) the JavaScript the first page loads: every script response of a cold `/runs` (signed in) and
 *   a cold `/login` (signed out), each file gzip-compressed (default level) and summed.
 *
 * Targets: (a) ≤ 1 s and (b) ≤ 1 s, cold and warm; (c) ≤ 250 kB (250,000 bytes). Exits 1 on a miss.
 * Environment: BENCH_RUNS, BENCH_BIG_RUN_ACTIONS, BENCH_REPEATS, SYNCTRAIL_TEST_PORTS (a port range).
 */
import { cpus, loadavg } from 'node:os';
import { consoleData } from '../../server/bench/console-data.js';
import { startServerProcess, type ServerProcess } from '../../server/test/server-process.js';
import { assertConsoleBuilt, CONSOLE_DIST, testPort } from '../test/harness/console-server.js';
import { launchBrowser } from '../test/harness/browser.js';
import type { Browser } from 'playwright-core';
import {
  median,
  timeEmptyNavigation,
  timeScreen,
  watchScripts,
  type Navigation,
  type ScreenTimings,
  type ScriptFile,
} from './screen-timing.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 1_000_000);
const BIG_RUN_ACTIONS = Number(process.env.BENCH_BIG_RUN_ACTIONS ?? 100_000);
const REPEATS = Math.max(5, Number(process.env.BENCH_REPEATS ?? 7));
const SCREEN_TARGET_MS = 1_000;
const JS_TARGET_BYTES = 250_000;

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => `${fmt(n)} ms`;
const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;

/** The screen's API requests from node, concurrently, with the browser's session cookie; ms. */
async function fetchData(urls: string[], cookie: string): Promise<number> {
  const started = performance.now();
  await Promise.all(
    urls.map(async (url) => {
      const res = await fetch(url, { headers: { cookie } });
      if (!res.ok) throw new Error(`baseline ${url}: ${res.status}`);
      await res.arrayBuffer();
    }),
  );
  return performance.now() - started;
}

interface ScreenResult {
  name: string;
  timings: ScreenTimings;
  baseline: number;
  /** Each request alone from node: its URL and median ms. */
  requests: { url: string; ms: number }[];
}

async function measure(name: string, timings: ScreenTimings, cookie: string): Promise<ScreenResult> {
  const urls = timings.cold[0]!.apiRequests;
  const samples: number[] = [];
  await fetchData(urls, cookie); // the first fills the server's caches, as the warm-up navigation did
  for (let i = 0; i < REPEATS; i++) samples.push(await fetchData(urls, cookie));
  // Which request the time goes to.
  const requests: { url: string; ms: number }[] = [];
  for (const url of urls) {
    const alone: number[] = [];
    for (let i = 0; i < REPEATS; i++) alone.push(await fetchData([url], cookie));
    requests.push({ url, ms: median(alone) });
  }
  return { name, timings, baseline: median(samples), requests };
}

function screenLines(r: ScreenResult, emptyNavigation: number): { lines: string[]; meets: boolean } {
  const cold = median(r.timings.cold.map((n) => n.firstRow));
  const warm = median(r.timings.warm.map((n) => n.firstRow));
  const meets = cold <= SCREEN_TARGET_MS && warm <= SCREEN_TARGET_MS;
  const part = (pick: (n: Navigation) => number) => ms(median(r.timings.cold.map(pick)));
  const first = r.timings.cold[0]!;
  return {
    meets,
    lines: [
      `${r.name}`,
      `    cold ${ms(cold)} (${(cold / r.baseline).toFixed(1)}× baseline)   warm ${ms(warm)} (${(warm / r.baseline).toFixed(1)}× baseline)   ` +
        `target ≤ ${ms(SCREEN_TARGET_MS)} cold and warm: ${meets ? 'MEETS' : 'MISSES'}`,
      `    baseline: the screen's ${r.requests.length} API request(s) from node ${ms(r.baseline)}; ` +
        `an empty page navigation ${ms(emptyNavigation)} (cold ${(cold / emptyNavigation).toFixed(1)}×, warm ${(warm / emptyNavigation).toFixed(1)}× that)`,
      `    cold, median of each step since navigation start: HTML ${part((n) => n.document)}, ` +
        `last script ${part((n) => n.scripts)}, last API answer ${part((n) => n.api)}, first row painted ${ms(cold)}`,
      `    first cold navigation, request by request (start → end, ms): ${first.timeline
        .map((t) => `${t.path.replace(/-[\w-]{8}\.js$/, '.js')} ${fmt(t.start)}→${fmt(t.end)}`)
        .join(', ')}`,
      `    samples cold: ${r.timings.cold.map((n) => fmt(n.firstRow)).join(', ')}; warm: ${r.timings.warm.map((n) => fmt(n.firstRow)).join(', ')}`,
      `    each API request alone from node (median): ${r.requests
        .map(
          ({ url, ms: t }) => `${decodeURIComponent(new URL(url).pathname + new URL(url).search)} ${ms(t)}`,
        )
        .join(', ')}`,
    ],
  };
}

function jsLines(page: string, files: ScriptFile[]): { lines: string[]; gzip: number } {
  const gzip = files.reduce((sum, f) => sum + f.gzipBytes, 0);
  const raw = files.reduce((sum, f) => sum + f.bytes, 0);
  const encodings = [...new Set(files.map((f) => f.encoding))].join(', ');
  const largest = [...files].sort((a, b) => b.gzipBytes - a.gzipBytes).slice(0, 5);
  return {
    gzip,
    lines: [
      `    ${page}: ${files.length} file(s), ${kB(raw)} raw, ${kB(gzip)} gzip (served with content-encoding ${encodings || 'none'})`,
      ...largest.map((f) => `      ${kB(f.gzipBytes).padStart(9)}  ${f.path}`),
    ],
  };
}

/** A signed-out cold load of /login: its script files. */
async function loginScripts(browser: Browser, baseURL: string): Promise<ScriptFile[]> {
  const context = await browser.newContext({ baseURL });
  try {
    const page = await context.newPage();
    const scripts = watchScripts(page);
    await page.goto('/login');
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    return await scripts.files();
  } finally {
    await context.close();
  }
}

async function main() {
  assertConsoleBuilt();
  // Before this bench adds its own load: what the rest of the machine is doing.
  const loadBefore = loadavg()[0]!;
  console.log(
    `console benchmark: ${fmt(RUNS)} runs and a run of ${fmt(BIG_RUN_ACTIONS)} actions (embedded engine)`,
  );
  const data = await consoleData({ runs: RUNS, bigRunActions: BIG_RUN_ACTIONS });
  console.log(
    data.built
      ? `built the database in ${data.buildSeconds.toFixed(0)} s: ${data.dataDir}`
      : `reusing the cached database ${data.dataDir}`,
  );
  let server: ServerProcess | undefined;
  const browser = await launchBrowser();
  try {
    server = await startServerProcess(
      {
        SYNCTRAIL_DATA_DIR: data.dataDir,
        SYNCTRAIL_CONSOLE_DIR: CONSOLE_DIST,
        PORT: String(await testPort()),
        SYNCTRAIL_BACKGROUND_JOBS: 'off',
        SYNCTRAIL_SIGN_IN_RATE_LIMIT_PER_MINUTE: '10000',
      },
      { startTimeoutMs: 60_000 },
    );
    const baseURL = server.url;
    const signIn = await browser.newContext({ baseURL });
    const res = await signIn.request.post('/api/v1/session', { data: data.operator });
    if (!res.ok()) throw new Error(`signing in ${data.operator.email}: ${res.status()} ${await res.text()}`);
    const storageState = await signIn.storageState();
    await signIn.close();
    const cookie = storageState.cookies.map((c) => `${c.name}=${c.value}`).join('; ');

    const options = { baseURL, storageState };
    const runs = await measure(
      '(a) /runs → first run row',
      await timeScreen(browser, '/runs', REPEATS, options),
      cookie,
    );
    const big = await measure(
      `(b) /runs/${data.bigRunId} (${fmt(BIG_RUN_ACTIONS)} actions) → first action row`,
      await timeScreen(browser, `/runs/${data.bigRunId}`, REPEATS, options),
      cookie,
    );
    const login = await loginScripts(browser, baseURL);
    const emptyNavigation = median(await timeEmptyNavigation(browser, baseURL, REPEATS));

    console.log(
      `\nchromium ${browser.version()}, ${REPEATS} navigations each; 1-minute load average ` +
        `${loadBefore.toFixed(2)} before the bench, ${loadavg()[0]!.toFixed(2)} after (${cpus().length} cores)\n`,
    );
    let failed = false;
    for (const result of [runs, big]) {
      const { lines, meets } = screenLines(result, emptyNavigation);
      if (!meets) failed = true;
      console.log(lines.join('\n'));
    }
    const first = jsLines('/runs, signed in', runs.timings.cold[0]!.scriptFiles ?? []);
    const signedOut = jsLines('/login, signed out', login);
    const worst = Math.max(first.gzip, signedOut.gzip);
    const jsMeets = worst <= JS_TARGET_BYTES;
    if (!jsMeets) failed = true;
    console.log(
      `(c) JavaScript for the first page, gzip: ${kB(worst)}   target ≤ ${kB(JS_TARGET_BYTES)}: ${jsMeets ? 'MEETS' : 'MISSES'}`,
    );
    console.log([...first.lines, ...signedOut.lines].join('\n'));
    if (failed) process.exitCode = 1;
  } finally {
    await browser.close();
    await server?.stop();
  }
}

await main();
