import type { Action, ActionSearchQuery, Page } from '@synctrail/types';
import type { Access } from '../auth/access.js';
import type { Engine } from '../storage/engine.js';
import { parseIdList, parseRange } from '../shared/filters.js';
import { ActionRepository, type ActionSearchFilters } from './action.repository.js';

/** `GET /api/v1/actions`: find an object's actions in every run the caller can see. */
export class ActionSearchService {
  readonly repository: ActionRepository;

  constructor(engine: Engine) {
    this.repository = new ActionRepository(engine);
  }

  /** A page of actions across runs, newest first by default, within the caller's organizations. */
  async list(access: Access, query: ActionSearchQuery): Promise<Page<Action>> {
    return this.repository.search(this.filtersOf(access, query), {
      limit: query.limit ?? 50,
      cursor: query.cursor,
      sort: query.sort ?? 'desc',
    });
  }

  private filtersOf(access: Access, query: ActionSearchQuery): ActionSearchFilters {
    access.require('read');
    const range = parseRange(query.from, query.to);
    const q = query.q?.trim();
    return {
      organizations: access.visible(parseIdList('organizationId', query.organizationId)),
      q: q ? q : undefined,
      from: range.from,
      to: range.to,
    };
  }
}
