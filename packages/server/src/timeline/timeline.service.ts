import {
  SYNC_STATUS,
  TIMELINE_KINDS,
  type Page,
  type SyncStatus,
  type TimelineEntry,
  type TimelineKind,
  type TimelineQuery,
} from '@synctrail/types';
import type { Access } from '../auth/access.js';
import type { Engine } from '../storage/engine.js';
import { parseList, parseRange } from '../shared/filters.js';
import type { UserService } from '../users/user.service.js';
import { TimelineRepository, type StreamPage, type TimelineOwner } from './timeline.repository.js';
import {
  compareEntries,
  decodeTimelineCursor,
  encodeTimelineCursor,
  positionOf,
} from './timeline-position.js';

const FAILING: readonly SyncStatus[] = ['WARNING', 'ERROR'];

/**
 * A sync user's timeline: their runs, the failing actions of those runs, their issues (opened and
 * resolved) and the calls of their runs or with their login, interleaved newest first by (at, kind,
 * id). Each stream is read after the cursor for one page's worth; the page is the first `limit` of
 * their merge, and the cursor is its last entry's position, so pages neither skip nor repeat.
 */
export class TimelineService {
  readonly repository: TimelineRepository;

  constructor(
    engine: Engine,
    private readonly users: UserService,
  ) {
    this.repository = new TimelineRepository(engine);
  }

  async list(access: Access, userId: string, query: TimelineQuery): Promise<Page<TimelineEntry>> {
    // As `GET /users/{id}`: 404 outside the caller's organizations; the timeline holds no payloads.
    const user = await this.users.get(access, userId, 'read');
    const kinds = new Set(
      (parseList('kind', query.kind, TIMELINE_KINDS) as TimelineKind[] | undefined) ?? TIMELINE_KINDS,
    );
    const statuses = parseList('status', query.status, SYNC_STATUS) as SyncStatus[] | undefined;
    const range = parseRange(query.from, query.to);
    const limit = query.limit ?? 50;
    const sort = query.sort ?? 'desc';
    const page: StreamPage = {
      sort,
      limit: limit + 1,
      from: range.from,
      to: range.to,
      cursor: query.cursor ? decodeTimelineCursor(query.cursor) : undefined,
    };
    const owner: TimelineOwner = { userId: user.id, organizationId: user.organizationId };
    // The logins the user's calls carry; an email equal to the external id but for case is read once.
    const logins = [
      ...new Map(
        [user.email, user.externalId].filter((l): l is string => !!l).map((l) => [l.toLowerCase(), l]),
      ).values(),
    ];
    const wants = (status: SyncStatus) => !statuses || statuses.includes(status);
    // A call is ERROR (failed) or OK: `failed` narrows the calls to one of them, or neither.
    const calls = wants('ERROR') || wants('OK');
    const failed = wants('ERROR') && wants('OK') ? undefined : wants('ERROR');
    const failing = FAILING.filter(wants);
    const r = this.repository;
    const streams = await Promise.all([
      kinds.has('run') ? r.runs(owner, statuses, page) : [],
      kinds.has('action') && failing.length > 0 ? r.actions(owner, failing, page) : [],
      kinds.has('issue') && wants('ERROR') ? r.issues(owner, 'opened', page) : [],
      kinds.has('issue') && wants('OK') ? r.issues(owner, 'resolved', page) : [],
      kinds.has('call') && calls ? r.calls(owner, 'run', failed, page) : [],
      ...logins.map((login) => (kinds.has('call') && calls ? r.calls(owner, { login }, failed, page) : [])),
    ]);
    const direction = sort === 'desc' ? -1 : 1;
    // By id too: a call whose login is both (an engine's lower() is not JavaScript's) is listed once.
    const merged = [...new Map(streams.flat().map((e) => [e.id, e])).values()].sort(
      (a, b) => direction * compareEntries(positionOf(a), positionOf(b)),
    );
    const items = merged.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items,
      nextCursor: merged.length > limit && last ? encodeTimelineCursor(positionOf(last)) : null,
    };
  }
}
