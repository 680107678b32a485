import { RUN_PROGRESS, SYNC_STATUS, TRIGGER_PATTERN, type RunListQuery } from '@synctrail/types';
import type { Access } from '../auth/access.js';
import { parseIdList, parseList, parsePatternList, parseRange } from '../shared/filters.js';
import { canonicalCodes } from '../shared/enum-aliases.js';
import type { RunListFilters } from './run.repository.js';

const TRIGGER = new RegExp(TRIGGER_PATTERN);

/** The filters of `GET /api/v1/runs` (the lists of runs and the histogram), checked, within the caller's organizations. */
export function parseRunFilters(
  access: Access,
  query: Omit<RunListQuery, 'limit' | 'cursor' | 'sort' | 'format' | 'columns' | 'bom'>,
): RunListFilters {
  access.require('read');
  const range = parseRange(query.from, query.to);
  return {
    organizations: access.visible(parseIdList('organizationId', query.organizationId)),
    integrationIds: parseIdList('integrationId', query.integrationId),
    integrationTypes: parseList('integrationType', query.integrationType),
    userIds: parseIdList('userId', query.userId),
    names: parseList('name', query.name),
    triggers: parsePatternList(
      'trigger',
      canonicalCodes(query.trigger),
      TRIGGER,
      'expected FULL_SYNC_JOB, FULL_SYNC_MANUAL or <SYSTEM>_CHANGES',
    ),
    progress: parseList('progress', query.progress, RUN_PROGRESS),
    statuses: parseList('status', query.status, SYNC_STATUS),
    from: range.from,
    to: range.to,
  };
}
