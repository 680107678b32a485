import type { CallsLiveEvent, Page, Run, RunLiveEvent } from '@synctrail/types';
import type { InfiniteData, QueryClient, QueryKey } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import { apiUrl } from './client';

/**
 * Live updates over the server's event stream (`GET /api/v1/events`): a run's progress and counters
 * change in place wherever the run is shown, and lists learn that something new arrived. The
 * browser's EventSource reconnects by itself and resumes with `Last-Event-ID`.
 */

type Listener = () => void;

/** Shared, non-URL state of the live feed: whether it is connected and whether the user paused it. */
class LiveState {
  paused = false;
  connected = false;
  private listeners = new Set<Listener>();
  private snapshot = { paused: false, connected: false };

  subscribe = (listener: Listener) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  get = () => this.snapshot;

  set(patch: Partial<{ paused: boolean; connected: boolean }>) {
    Object.assign(this, patch);
    this.snapshot = { paused: this.paused, connected: this.connected };
    for (const listener of this.listeners) listener();
  }
}

export const liveState = new LiveState();

export function useLive() {
  return useSyncExternalStore(liveState.subscribe, liveState.get);
}

/** Refreshes at most once per `ms` per query key, so a busy ingest does not refetch on every batch. */
class Throttle {
  private pending = new Map<string, ReturnType<typeof setTimeout>>();

  run(key: QueryKey, ms: number, action: () => void) {
    const id = JSON.stringify(key);
    if (this.pending.has(id)) return;
    this.pending.set(
      id,
      setTimeout(() => {
        this.pending.delete(id);
        action();
      }, ms),
    );
  }
}

/**
 * A list whose first page is all that is loaded is simply refetched; one scrolled deeper is kept
 * as it is (refetching would move the rows under the reader) and the new rows wait for a reload.
 */
function refreshHead(client: QueryClient, key: QueryKey) {
  const data = client.getQueryData<InfiniteData<Page<unknown>>>(key);
  if (data === undefined || data.pages.length <= 1)
    void client.invalidateQueries({ queryKey: key, exact: true });
}

/** Puts the run as it is now into every loaded list under `prefix` that shows it; true when one did. */
function replaceRun(client: QueryClient, run: Run, prefix: QueryKey = ['runs', 'list']): boolean {
  let found = false;
  for (const [key, data] of client.getQueriesData<InfiniteData<Page<Run>>>({ queryKey: prefix })) {
    if (data?.pages === undefined) continue;
    let changed = false;
    const pages = data.pages.map((page) => ({
      ...page,
      items: page.items.map((item) => {
        if (item.id !== run.id) return item;
        changed = true;
        // Lists of sessions carry more than the run (the user's name): keep it.
        return { ...item, ...run };
      }),
    }));
    if (changed) {
      found = true;
      client.setQueryData(key, { ...data, pages });
    }
  }
  return found;
}

/**
 * The admin panel's lists: an organization's sessions (Statistics), its users (their last session)
 * and the organizations (runs and errors of the last 24 hours) move with the runs.
 */
function onOrganizationRun(client: QueryClient, throttle: Throttle, run: Run) {
  const sessions = ['organization', run.organizationId, 'sessions'];
  const known = replaceRun(client, run, sessions);
  if (liveState.paused) return;
  const lists: QueryKey[] = [
    ['organization', run.organizationId, 'users', 'list'],
    ['organizations', 'list'],
  ];
  if (!known || run.finishedAt !== null) lists.push(sessions);
  for (const prefix of lists)
    for (const query of client.getQueryCache().findAll({ queryKey: prefix }))
      throttle.run(query.queryKey, 2000, () => refreshHead(client, query.queryKey));
}

function onRun(client: QueryClient, throttle: Throttle, run: Run) {
  if (client.getQueryData(['run', run.id]) !== undefined) client.setQueryData(['run', run.id], run);
  const known = replaceRun(client, run);
  if (!liveState.paused) {
    if (!known)
      for (const query of client.getQueryCache().findAll({ queryKey: ['runs', 'list'] }))
        throttle.run(query.queryKey, 1000, () => refreshHead(client, query.queryKey));
    for (const query of client.getQueryCache().findAll({ queryKey: ['run', run.id, 'actions'] }))
      throttle.run(query.queryKey, 1500, () => refreshHead(client, query.queryKey));
    // A user's session changed: their timeline and issues may have new entries; so may /issues
    // (which reads every matching issue, so at most every ten seconds).
    if (run.userId !== null) {
      for (const query of client.getQueryCache().findAll({ queryKey: ['user', run.userId] }))
        if (query.queryKey[2] === 'timeline' || query.queryKey[2] === 'issues')
          throttle.run(query.queryKey, 1500, () => refreshHead(client, query.queryKey));
      throttle.run(['issues'], 10_000, () => void client.invalidateQueries({ queryKey: ['issues'] }));
    }
    throttle.run(
      ['runs', 'histogram'],
      5000,
      () => void client.invalidateQueries({ queryKey: ['runs', 'histogram'] }),
    );
  }
  throttle.run(['integrations'], 3000, () => void client.invalidateQueries({ queryKey: ['integrations'] }));
  onOrganizationRun(client, throttle, run);
}

function onCalls(client: QueryClient, throttle: Throttle, event: CallsLiveEvent) {
  if (liveState.paused) return;
  for (const query of client.getQueryCache().findAll({ queryKey: ['calls', 'list'] }))
    throttle.run(query.queryKey, 1000, () => refreshHead(client, query.queryKey));
  if (event.runId !== null)
    throttle.run(['run', event.runId, 'calls'], 1500, () =>
      refreshHead(client, ['run', event.runId, 'calls']),
    );
  // Calls are matched to a user by run and by login: an open timeline looks again.
  for (const query of client.getQueryCache().findAll({ queryKey: ['user'] }))
    if (query.queryKey[2] === 'timeline')
      throttle.run(query.queryKey, 1500, () => refreshHead(client, query.queryKey));
}

let source: EventSource | null = null;

function setConnected(connected: boolean) {
  liveState.set({ connected });
  // Browser suites wait for this before they change data behind the page's back.
  document.documentElement.dataset.live = connected ? 'connected' : 'disconnected';
}

/**
 * Opens the stream once a session is known, before the first screen loads its data, so that no
 * change made while the screen loads is missed. Idempotent; `stopLive` on sign-out.
 */
export function startLive(client: QueryClient): void {
  if (source !== null) return;
  const throttle = new Throttle();
  let opened = false;
  source = new EventSource(apiUrl('/events'), { withCredentials: true });
  source.onopen = () => {
    // A reconnect resumes with Last-Event-ID; the server answers `reset` when it cannot.
    if (opened) void client.invalidateQueries({ queryKey: ['run'] });
    opened = true;
    setConnected(true);
  };
  source.onerror = () => setConnected(false);
  source.addEventListener('run', (message) => {
    const data = JSON.parse((message as MessageEvent<string>).data) as RunLiveEvent;
    onRun(client, throttle, data.run);
  });
  source.addEventListener('calls', (message) => {
    onCalls(client, throttle, JSON.parse((message as MessageEvent<string>).data) as CallsLiveEvent);
  });
  // Events were missed (the stream was away longer than the server keeps them): read everything again.
  source.addEventListener('reset', () => void client.invalidateQueries());
}

export function stopLive(): void {
  source?.close();
  source = null;
  setConnected(false);
}
