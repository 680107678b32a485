import { v7 as uuidv7 } from 'uuid';
import { type AllIssuesQuery, type IssueListItem, type IssueListQuery, type Page } from '@synctrail/types';
import type { Access } from '../auth/access.js';
import type { Engine } from '../storage/engine.js';
import { parseIdList } from '../shared/filters.js';
import type { UserService } from '../users/user.service.js';
import type { ActionRecord } from '../actions/action.repository.js';
import { IssueRepository, type IssueListFilters } from './issue.repository.js';
import { parseIssueFilters } from './issue-filters.js';

/** Identity of a synced object: its type, where it comes from, and where it goes. */
export function objectKeyOf(a: ActionRecord): string {
  return `${a.objectType ?? ''}|${a.sourceSystem}:${a.sourceId ?? a.sourceName ?? ''}|${a.targetSystem}`;
}

export class IssueService {
  readonly repository: IssueRepository;

  constructor(
    engine: Engine,
    private readonly users: UserService,
  ) {
    this.repository = new IssueRepository(engine);
  }

  /** A sync user's issues (404 for a user the caller cannot see). */
  async listForUser(access: Access, userId: string, query: IssueListQuery): Promise<Page<IssueListItem>> {
    const user = await this.users.get(access, userId, 'read');
    return this.page(
      { ...parseIssueFilters(query), organizations: [user.organizationId], userIds: [user.id] },
      query,
    );
  }

  /** The issues of every sync user in the organizations the caller can see (scoped as the list of runs). */
  async list(access: Access, query: AllIssuesQuery): Promise<Page<IssueListItem>> {
    access.require('read');
    return this.page(
      {
        ...parseIssueFilters(query),
        organizations: access.visible(parseIdList('organizationId', query.organizationId)),
        userIds: parseIdList('userId', query.userId),
      },
      query,
    );
  }

  private page(filters: IssueListFilters, query: IssueListQuery) {
    return this.repository.list(filters, {
      limit: query.limit ?? 50,
      cursor: query.cursor,
      sort: query.sort ?? 'desc',
    });
  }

  /**
   * Applies a batch of a user's run to their issues, in order: an ERROR action opens an issue for
   * its object and operation (or counts it again); an OK action on the object resolves its open
   * issues. Runs inside the batch's transaction. Returns how many issues the batch opened or saw again.
   */
  async recordBatch(
    run: { id: string; organizationId: string; userId: string },
    actions: readonly ActionRecord[],
  ): Promise<number> {
    const relevant = actions.filter((a) => a.status === 'ERROR' || a.status === 'OK');
    if (relevant.length === 0) return 0;
    const keys = [...new Set(relevant.map(objectKeyOf))];
    const open = new Map<string, string>();
    for (const ref of await this.repository.findOpen(run.userId, keys)) {
      open.set(`${ref.objectKey}#${ref.operation}`, ref.id);
    }
    const touched = new Set<string>();
    /** Issue id → when the OK action that resolves it happened. */
    const toResolve = new Map<string, Date>();
    for (const a of relevant) {
      const key = objectKeyOf(a);
      if (a.status === 'OK') {
        for (const [openKey, id] of open) {
          if (openKey.startsWith(`${key}#`)) {
            toResolve.set(id, a.at);
            open.delete(openKey);
          }
        }
        continue;
      }
      const operation = a.action === 'NONE' ? 'SYNC' : a.action;
      const existing = open.get(`${key}#${operation}`);
      const seen = {
        at: a.at,
        runId: run.id,
        errorCode: a.errorCode ?? 1,
        errorText: a.message,
        objectName: a.sourceName ?? a.targetName,
      };
      if (existing) {
        toResolve.delete(existing);
        await this.repository.recordAgain(existing, seen);
        touched.add(existing);
      } else {
        const id = uuidv7();
        await this.repository.insert({
          id,
          organizationId: run.organizationId,
          userId: run.userId,
          objectKey: key,
          objectType: a.objectType,
          objectId: a.sourceId ?? a.targetId,
          objectName: seen.objectName,
          direction: `${a.sourceSystem} → ${a.targetSystem}`,
          operation,
          errorCode: seen.errorCode,
          errorText: seen.errorText,
          at: a.at,
          runId: run.id,
        });
        open.set(`${key}#${operation}`, id);
        touched.add(id);
      }
    }
    // Resolved when the object was synced fine, not when the batch arrived (reports may come late).
    const byTime = new Map<number, string[]>();
    for (const [id, at] of toResolve) byTime.set(at.getTime(), [...(byTime.get(at.getTime()) ?? []), id]);
    for (const [at, ids] of byTime) await this.repository.resolve(ids, new Date(at));
    return touched.size;
  }
}
