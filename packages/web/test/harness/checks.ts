import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import axe from 'axe-core';
import type { Page } from 'playwright-core';
import { trackedContext } from './browser.js';

/** Screenshots land in `packages/web/screenshots/<engine>/<name>.png` (git-ignored). */
export const SCREENSHOTS = fileURLToPath(new URL('../../screenshots/', import.meta.url));

const BLOCKING = new Set(['serious', 'critical']);

/**
 * Runs axe-core on the page as it is now and fails, listing each one, on any violation of impact
 * serious or critical. Call it once the screen shows what the test is about (rows loaded, dialog
 * open). Returns the milder violations, for a test that wants to look at them.
 */
export async function expectAccessible(page: Page, screenName: string): Promise<axe.Result[]> {
  // Through the DevTools protocol, so the console's Content-Security-Policy neither blocks nor is loosened.
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(axe.source);
  const violations = await page.evaluate(async () => {
    const { axe: injected } = globalThis as unknown as { axe: typeof axe };
    const result = await injected.run({ resultTypes: ['violations'] });
    return result.violations;
  });
  const blocking = violations.filter((v) => BLOCKING.has(v.impact ?? ''));
  if (blocking.length > 0) {
    const lines = blocking.map((v) => {
      const nodes = v.nodes.slice(0, 5).map((n) => {
        const summary = (n.failureSummary ?? '').replace(/\s+/g, ' ').trim();
        return `    ${n.target.join(' ')}: ${summary}`;
      });
      const more = v.nodes.length > 5 ? [`    … and ${v.nodes.length - 5} more`] : [];
      return [`- ${v.id} (${v.impact}): ${v.help} <${v.helpUrl}>`, ...nodes, ...more].join('\n');
    });
    throw new Error(
      `${screenName} (${page.url()}): ${blocking.length} serious or critical accessibility violation(s)\n${lines.join('\n')}`,
    );
  }
  return violations;
}

/** A screenshot file's path for a page's engine; `name` may hold `/` for a subfolder. */
export function screenshotPath(page: Page, name: string): string {
  const { engine } = trackedContext(page.context());
  const safe = name.replace(/[^\w/.-]+/g, '-');
  return join(SCREENSHOTS, engine, `${safe}.png`);
}

/** A full-page PNG of the page at `packages/web/screenshots/<engine>/<name>.png`; its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const path = screenshotPath(page, name);
  mkdirSync(dirname(path), { recursive: true });
  await page.screenshot({ path, fullPage: true, animations: 'disabled', caret: 'hide' });
  return path;
}
