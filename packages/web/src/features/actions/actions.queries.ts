import type { Action } from '@synctrail/types';
import { pagedQuery } from '@/api/paged';

export const actionListQuery = (runId: string, query: Record<string, string>) =>
  pagedQuery<Action>(['run', runId, 'actions', query], `/runs/${runId}/actions`, query, 200);
