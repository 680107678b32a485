import { Action, Call, type Artifact, type Page, type Run } from '@synctrail/types';
import type { Access } from '../auth/access.js';
import type { RunService } from '../runs/run.service.js';
import type { ArtifactService } from '../artifacts/artifact.service.js';
import type { CallService } from '../calls/call.service.js';
import type { UserService } from '../users/user.service.js';
import type { OrganizationService } from '../organizations/organization.service.js';
import { columnsOf } from '../exports/export-columns.js';
import { csvChunks } from '../exports/csv-export.js';
import { EXPORT_PAGE_SIZE, allPages } from '../exports/export-pages.js';
import type { BundleFile, ManifestEntry } from './bundle-writer.js';
import { layoutNames, sessionFolder } from './bundle-layout.js';

/** A log file the bundle lists but does not hold: retention removed its content. */
export interface RemovedFile {
  path: string;
  artifactId: string;
  name: string;
  sizeBytes: number;
  sha256: string;
  removedAt: string;
  reason: 'removed by retention';
}

/** What a bundle holds and how to describe it; the files are read only as the zip is written. */
export interface BundlePlan {
  /** For the file name: `run-<id>`, `user-<id>`, `organization-<id>`. */
  subject: string;
  organizationId: string;
  target: string;
  filters: Record<string, string>;
  files: AsyncIterable<BundleFile>;
  manifest: (entries: ManifestEntry[]) => object;
  /** How many sessions the bundle held, once written. */
  sessions: () => number;
}

const ACTION_COLUMNS = columnsOf(Action);
const CALL_COLUMNS = columnsOf(Call);
/** Runs read per query while listing a user's or an organization's sessions. */
const RUN_PAGE = 200;

/**
 * Log bundles: a session's log files with its run, actions and calls, for one run or for the
 * sessions of a sync user or an organization in a time range. The same rules as downloading a log
 * file: payload access in the run's organization (viewers may not).
 */
export class BundleService {
  constructor(
    private readonly runs: RunService,
    private readonly artifacts: ArtifactService,
    private readonly calls: CallService,
    private readonly users: UserService,
    private readonly organizations: OrganizationService,
  ) {}

  async forRun(access: Access, runId: string, exportedAt: Date): Promise<BundlePlan> {
    const run = await this.runs.get(access, runId, 'payloads');
    const removed: RemovedFile[] = [];
    return {
      subject: `run-${run.id}`,
      organizationId: run.organizationId,
      target: `run:${run.id}`,
      filters: {},
      files: this.runFiles(access, run, '', exportedAt, removed),
      manifest: (files) => ({
        runId: run.id,
        exportedAt: exportedAt.toISOString(),
        files,
        removedByRetention: removed,
      }),
      sessions: () => 1,
    };
  }

  async forUser(
    access: Access,
    userId: string,
    query: { from?: string; to?: string },
    exportedAt: Date,
  ): Promise<BundlePlan> {
    const user = await this.users.get(access, userId, 'payloads');
    const list = (paging: { limit: number; cursor?: string }) =>
      this.runs.list(
        access,
        { ...query, ...paging, sort: 'asc' },
        { organizations: [user.organizationId], userIds: [user.id] },
      );
    return this.sessionsPlan(access, await list({ limit: RUN_PAGE }), list, exportedAt, {
      subject: `user-${user.id}`,
      organizationId: user.organizationId,
      target: `user:${user.id}`,
      filters: { ...query },
      about: { userId: user.id, organizationId: user.organizationId },
    });
  }

  async forOrganization(
    access: Access,
    organizationId: string,
    query: { from?: string; to?: string; status?: string },
    exportedAt: Date,
  ): Promise<BundlePlan> {
    const organization = await this.organizations.get(access, organizationId, 'payloads');
    const list = (paging: { limit: number; cursor?: string }) =>
      this.runs.list(access, { ...query, ...paging, sort: 'asc' }, { organizations: [organization.id] });
    return this.sessionsPlan(access, await list({ limit: RUN_PAGE }), list, exportedAt, {
      subject: `organization-${organization.id}`,
      organizationId: organization.id,
      target: `organization:${organization.id}`,
      filters: { ...query },
      about: { organizationId: organization.id },
    });
  }

  /** One folder per session, oldest first; the runs are listed page by page as the zip is written. */
  private sessionsPlan(
    access: Access,
    first: Page<Run>,
    next: (paging: { limit: number; cursor: string }) => Promise<Page<Run>>,
    exportedAt: Date,
    about: Pick<BundlePlan, 'subject' | 'organizationId' | 'target' | 'filters'> & { about: object },
  ): BundlePlan {
    const runIds: string[] = [];
    const removed: RemovedFile[] = [];
    const runFiles = (run: Run) => this.runFiles(access, run, sessionFolder(run), exportedAt, removed);
    async function* files(): AsyncGenerator<BundleFile> {
      for await (const page of allPages(first, (cursor) => next({ limit: RUN_PAGE, cursor }))) {
        for (const run of page) {
          runIds.push(run.id);
          yield* runFiles(run);
        }
      }
    }
    return {
      subject: about.subject,
      organizationId: about.organizationId,
      target: about.target,
      filters: about.filters,
      files: files(),
      manifest: (entries) => ({
        ...about.about,
        filters: about.filters,
        exportedAt: exportedAt.toISOString(),
        runs: runIds,
        files: entries,
        removedByRetention: removed,
      }),
      sessions: () => runIds.length,
    };
  }

  /** A session's files: its log files under the layout's names, then run.json, actions.csv, calls.csv. */
  private async *runFiles(
    access: Access,
    run: Run,
    folder: string,
    exportedAt: Date,
    removed: RemovedFile[],
  ): AsyncGenerator<BundleFile> {
    const artifacts: Artifact[] = (await this.artifacts.list(access, run.id)).items;
    const names = layoutNames(artifacts);
    for (const artifact of artifacts) {
      // Listed in the manifest, not held: its content is gone.
      if (artifact.contentRemovedAt) {
        removed.push({
          path: folder + names.get(artifact.id)!,
          artifactId: artifact.id,
          name: artifact.name,
          sizeBytes: artifact.sizeBytes,
          sha256: artifact.sha256,
          removedAt: artifact.contentRemovedAt,
          reason: 'removed by retention',
        });
        continue;
      }
      yield {
        path: folder + names.get(artifact.id)!,
        mtime: new Date(artifact.createdAt),
        open: () => this.artifacts.content(artifact),
      };
    }
    const runJson = JSON.stringify(
      {
        ...run,
        artifacts: artifacts.map((a) => ({
          ...a,
          path: a.contentRemovedAt ? null : folder + names.get(a.id)!,
        })),
      },
      null,
      2,
    );
    yield { path: `${folder}run.json`, mtime: exportedAt, open: () => [runJson + '\n'] };
    const runs = this.runs;
    const calls = this.calls;
    yield {
      path: `${folder}actions.csv`,
      mtime: exportedAt,
      open: async function* () {
        const batches = await runs.streamActions(access, run.id, {}, EXPORT_PAGE_SIZE);
        yield* csvChunks(batches, { columns: ACTION_COLUMNS, bom: false });
      },
    };
    yield {
      path: `${folder}calls.csv`,
      mtime: exportedAt,
      open: async function* () {
        const batches = await calls.streamWithPayloads(
          access,
          { runId: run.id, sort: 'asc' },
          EXPORT_PAGE_SIZE,
        );
        yield* csvChunks(batches, { columns: CALL_COLUMNS, bom: false });
      },
    };
  }
}
