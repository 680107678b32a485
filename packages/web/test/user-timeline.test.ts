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
import { arrangeUserStory, pick, searchParam } from './user-fixtures.js';

interface Entry {
  kind: string;
  status: string;
  at: string;
  text: string;
  links: string[];
}

async function entries(page: BrowserPage): Promise<Entry[]> {
  return page.getByTestId('timeline-entry').evaluateAll((items) =>
    items.map((li) => ({
      kind: li.getAttribute('data-kind') ?? '',
      status: li.getAttribute('data-status') ?? '',
      at: li.querySelector('time')?.getAttribute('datetime') ?? '',
      text: (li as HTMLElement).innerText,
      links: [...li.querySelectorAll('a')].map((a) => a.getAttribute('href') ?? ''),
    })),
  );
}

async function entryCount(page: BrowserPage, count: number): Promise<Entry[]> {
  let last: Entry[] = [];
  await waitFor(`${count} timeline entries`, async () => {
    last = await entries(page);
    return last.length === count;
  });
  return last;
}

function nonIncreasing(list: Entry[]): boolean {
  return list.every((e, i) => i === 0 || Date.parse(list[i - 1]!.at) >= Date.parse(e.at));
}

function countBy(list: Entry[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of list) counts[e.kind] = (counts[e.kind] ?? 0) + 1;
  return counts;
}

for (const kind of ENGINES) {
  describe(`A sync user's timeline [${kind}]`, () => {
    const e2e = useConsole(kind);

    it('interleaves sessions, failing actions, issues and API calls newest first, by day', async () => {
      const { page } = e2e;
      const story = await arrangeUserStory(e2e.arrange);
      await signInQuickly(e2e.context, 'admin');
      await page.goto(`/users/${story.ada.id}/statistics`);
      await waitForScreen(page, 'Ada Quist');
      await page.getByRole('navigation', { name: 'User' }).getByRole('link', { name: 'Timeline' }).click();
      await waitForPath(page, `/users/${story.ada.id}/timeline`);

      // 4 sessions; the 4 WARNING/ERROR actions in them; 2 issues opened and 1 resolved; 4 calls.
      const all = await entryCount(page, 15);
      expect(nonIncreasing(all)).toBe(true);
      expect(countBy(all)).toEqual({ run: 4, action: 4, issue: 3, call: 4 });
      // Newest: the failing action of the session two hours ago, then that session; oldest: the first session.
      expect(all.slice(0, 2).map((e) => e.kind)).toEqual(['action', 'run']);
      expect(all.at(-1)!.kind).toBe('run');
      const sessions = all.filter((e) => e.kind === 'run');
      expect(sessions.map((e) => e.links[0])).toEqual(
        [...story.adaRuns].reverse().map((run) => `/runs/${run.id}`),
      );
      expect(sessions.map((e) => e.status)).toEqual(['ERROR', 'WARNING', 'ERROR', 'OK']);
      // Calls sit between the sessions they happened between: the failed sign-in between the second and third.
      const kinds = all.map((e) => `${e.kind}:${e.status}`);
      const failedSignIn = all.findIndex((e) => e.kind === 'call' && e.text.includes('SSO Failed'));
      expect(failedSignIn).toBeGreaterThan(kinds.indexOf('run:WARNING'));
      expect(failedSignIn).toBeLessThan(kinds.lastIndexOf('run:ERROR'));
      expect(all[failedSignIn]!.text).toContain('401');
      expect(all[failedSignIn]!.text).toContain('https://workplace.northwind.example/auth/callback');
      const resolved = all.find((e) => e.kind === 'issue' && e.text.includes('Issue resolved'))!;
      expect(resolved.text).toContain('Offer 4711 – revised');
      expect(resolved.text).toContain('Inaccessible / updated prematurely');
      const action = all[0]!;
      expect(action.text).toContain('Quarterly review with Contoso');
      expect(action.text).toContain('Locked / operation error');
      expect(action.links[0]).toBe(`/runs/${story.adaRuns[3]!.id}?seq=1`);

      // A separator per day, in the browser's zone (UTC here), newest day first.
      const days = [...new Set(all.map((e) => e.at.slice(0, 10)))];
      const headings = await page.getByRole('heading', { level: 2 }).allInnerTexts();
      expect(headings).toHaveLength(days.length);
      expect(headings[0]).toBe(
        new Intl.DateTimeFormat('en-GB', {
          weekday: 'long',
          day: 'numeric',
          month: 'long',
          year: 'numeric',
          timeZone: 'UTC',
        }).format(new Date(all[0]!.at)),
      );
      await expectAccessible(page, 'user timeline');
      await screenshot(page, 'user-timeline');

      await page.getByRole('link', { name: 'Open action #1' }).first().click();
      await waitForPath(page, `/runs/${story.adaRuns[3]!.id}`);
      // The run opens with that action's panel over its list.
      await page.getByRole('dialog', { name: 'UPDATE Appointment · action #1' }).waitFor();
    });

    it('filters by kind and status in the URL; a new session arrives at the top while the timeline is open', async () => {
      const { page } = e2e;
      const story = await arrangeUserStory(e2e.arrange);
      await signInQuickly(e2e.context, 'operator');
      await page.goto(`/users/${story.ada.id}/timeline`);
      await waitForScreen(page, 'Ada Quist');
      await entryCount(page, 15);

      await pick(page, 'Show', 'API calls');
      await searchParam(page, 'kind', 'call');
      const calls = await entryCount(page, 4);
      expect(calls.every((e) => e.kind === 'call')).toBe(true);
      expect(nonIncreasing(calls)).toBe(true);
      await pick(page, 'Show', 'Issues');
      await searchParam(page, 'kind', 'issue,call');
      const some = await entryCount(page, 7);
      expect(countBy(some)).toEqual({ issue: 3, call: 4 });
      expect(nonIncreasing(some)).toBe(true);
      await pick(page, 'Status', 'ERROR');
      await searchParam(page, 'status', 'ERROR');
      // Issues opened and the failed calls (401, 400): not the resolution, not the sign-ins that went well.
      const failed = await entryCount(page, 4);
      expect(failed.every((e) => e.status === 'ERROR')).toBe(true);
      expect(countBy(failed)).toEqual({ issue: 2, call: 2 });
      await screenshot(page, 'user-timeline-filtered');

      await page.reload();
      await waitForScreen(page, 'Ada Quist');
      await entryCount(page, 4);
      await expect(page.getByRole('button', { name: /^Show:/ }).innerText()).resolves.toBe(
        'Issues, API calls',
      );

      await page.getByRole('button', { name: 'Clear' }).click();
      await waitFor('no filter left', () => new URL(page.url()).search === '');
      await entryCount(page, 15);
      await waitFor('live updates connected', async () =>
        page.evaluate(() => document.documentElement.dataset.live === 'connected'),
      );
      const run = await e2e.arrange.startRun(story.key, {
        integrationId: story.integration.id,
        userId: story.ada.id,
        trigger: 'FULL_SYNC_MANUAL',
      });
      const live = await entryCount(page, 16);
      expect(live[0]!.kind).toBe('run');
      expect(live[0]!.links[0]).toBe(`/runs/${run.id}`);
      expect(live[0]!.text).toContain('RUNNING');
    });

    it('reads older entries as the end of the list comes into view', async () => {
      const { page } = e2e;
      const story = await arrangeUserStory(e2e.arrange);
      const started = Date.now() - 10 * 24 * 3_600_000;
      for (let i = 0; i < 110; i++) {
        await e2e.arrange.startRun(story.key, {
          integrationId: story.integration.id,
          userId: story.cy.id,
          trigger: 'FULL_SYNC_JOB',
          progress: 'FINISHED',
          startedAt: new Date(started + i * 3_600_000).toISOString(),
          finishedAt: new Date(started + i * 3_600_000 + 60_000).toISOString(),
        });
      }
      await signInQuickly(e2e.context, 'operator');
      await page.goto(`/users/${story.cy.id}/timeline?kind=run`);
      await waitForScreen(page, 'Cy Lindgren');
      // A page is 100 entries; Cy has 111 sessions.
      await entryCount(page, 100);
      await page.getByTestId('timeline-entry').last().scrollIntoViewIfNeeded();
      const all = await entryCount(page, 111);
      expect(nonIncreasing(all)).toBe(true);
      expect(new Set(all.map((e) => e.links[0])).size).toBe(111);
      await page.getByText('No older entries.').waitFor();
    });
  });
}
