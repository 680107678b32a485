import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToOthers } from 'node:timers/promises';
import { v7 as uuidv7 } from 'uuid';
import type { OrganizationRetention, RetentionUpdate } from '@synctrail/types';
import type { Engine, PartitionShare, TimePartition } from '../storage/engine.js';
import type { Access } from '../auth/access.js';
import type { AuditService } from '../audit/audit.service.js';
import type { OrganizationService } from '../organizations/organization.service.js';
import { AppError } from '../http/errors.js';
import { RetentionRepository } from './retention.repository.js';
import {
  BatchSizer,
  cutoff,
  effectiveRetention,
  type EffectiveRetention,
  type RetentionDays,
} from './retention-policy.js';

/** Rows one organization lost in one pass, by kind. */
export interface RemovedCounts {
  /** Calls whose request and response bodies were nulled (the calls stay). */
  callPayloads: number;
  /** Log files whose content was removed (their metadata stays). */
  artifactContents: number;
  /** Content chunks deleted with those, or with removed runs. */
  artifactChunks: number;
  runs: number;
  actions: number;
  calls: number;
  artifacts: number;
  /** Issues that pointed at a removed run and now point at none (issues are kept). */
  issuesDetached: number;
}

export interface OrganizationPass {
  organizationId: string;
  policy: EffectiveRetention;
  removed: RemovedCounts;
  /** PostgreSQL: the month partitions dropped whole that held rows of this organization. */
  droppedPartitions?: string[];
}

/** What dropped partitions held of one organization. */
interface DroppedShare {
  actions: number;
  calls: number;
  partitions: string[];
}

/**
 * Whether an organization's rows in a partition ending at `to` have all aged out at `before`: every
 * row is older, and (actions) every run they belong to is one the pass removes (final, requested and
 * finished before), so that no kept run loses an action.
 */
function shareAged(share: PartitionShare, before: Date | null | undefined, to: Date): boolean {
  if (!before || to > before) return false;
  const runs = share.runs;
  if (!runs) return true;
  return (
    runs.progress.every((p) => RetentionRepository.isFinal(p)) &&
    runs.lastRequestedAt !== null &&
    new Date(runs.lastRequestedAt) < before &&
    (runs.lastFinishedAt === null || new Date(runs.lastFinishedAt) < before)
  );
}

/** What a pass did; `skipped` when another process holds the retention lease. */
export interface RetentionPassResult {
  skipped: boolean;
  organizations: OrganizationPass[];
}

export interface RetentionOptions {
  /** Most rows one statement removes (adapted downwards to keep each under `targetMs`). */
  batchRows: number;
  /** Most content chunks (up to 1 MiB each) one statement deletes. */
  chunkBatch: number;
  /** How long one batch's transaction should take at most. */
  targetMs: number;
}

export const DEFAULT_RETENTION_OPTIONS: RetentionOptions = { batchRows: 2000, chunkBatch: 8, targetMs: 50 };

const LEASE = 'retention';
const LEASE_MS = 5 * 60 * 1000;
const RUNS_PER_QUERY = 50;

function noneRemoved(): RemovedCounts {
  return {
    callPayloads: 0,
    artifactContents: 0,
    artifactChunks: 0,
    runs: 0,
    actions: 0,
    calls: 0,
    artifacts: 0,
    issuesDetached: 0,
  };
}

/**
 * Tiered retention: bodies and log-file contents go after the payload days, runs (with their
 * actions, calls and log files) and calls after the metadata days, per organization (its own
 * values over the deployment's). The audit log is never touched; each organization a pass removed
 * something from gets a `retention.pass` audit event with the counts. Default: keep everything.
 */
export class RetentionService {
  readonly repository: RetentionRepository;
  private readonly holder = `process:${uuidv7()}`;
  private readonly sizer: BatchSizer;

  constructor(
    engine: Engine,
    private readonly audit: AuditService,
    private readonly organizations: Pick<OrganizationService, 'get'>,
    private readonly deployment: RetentionDays,
    private readonly options: RetentionOptions = DEFAULT_RETENTION_OPTIONS,
  ) {
    this.repository = new RetentionRepository(engine);
    this.sizer = new BatchSizer(Math.min(50, options.batchRows), options.batchRows, options.targetMs);
  }

  /** The deployment's defaults (null: forever). */
  get defaults(): RetentionDays {
    return this.deployment;
  }

  /** The policy in force for an organization. */
  async policyOf(organizationId: string): Promise<EffectiveRetention> {
    return effectiveRetention(this.deployment, await this.repository.override(organizationId));
  }

  /** An organization's retention as its admins, viewers and operators may read it. */
  async get(access: Access, organizationId: string): Promise<OrganizationRetention> {
    const organization = await this.organizations.get(access, organizationId, 'read');
    const override = (await this.repository.override(organization.id)) ?? null;
    return {
      organizationId: organization.id,
      ...effectiveRetention(this.deployment, override ?? undefined),
      deployment: this.deployment,
      override,
    };
  }

  /**
   * Sets an organization's own retention (operators only: it decides what the deployment deletes);
   * null values fall back to the deployment's. Payloads may not be kept longer than the rows they
   * belong to.
   */
  async update(
    access: Access,
    organizationId: string,
    input: RetentionUpdate,
  ): Promise<OrganizationRetention> {
    const organization = await this.organizations.get(access, organizationId, 'read');
    if (!access.isOperator) {
      throw new AppError(
        'forbidden',
        "Only an operator can change an organization's retention: it decides what the deployment deletes.",
      );
    }
    const days = input.days ?? this.deployment.days;
    if (input.payloadDays !== null && days !== null && input.payloadDays > days) {
      const where = input.days === null ? "the deployment's" : 'its';
      throw new AppError(
        'validation_failed',
        `payloadDays (${input.payloadDays}) exceeds ${where} days (${days}): payloads go with their runs and calls, ` +
          'so keep them at most as long. Nothing was changed.',
        [{ path: '/payloadDays', message: `must be at most ${days}` }],
      );
    }
    await this.repository.setOverride(organization.id, input, access.actor, new Date());
    return this.get(access, organization.id);
  }

  /** One pass over every organization at `now` (a controlled clock in tests). */
  async pass(now = new Date()): Promise<RetentionPassResult> {
    const overrides = await this.repository.overrides();
    const organizationIds = await this.repository.organizationIds();
    const policies = organizationIds
      .map((organizationId) => ({
        organizationId,
        policy: effectiveRetention(this.deployment, overrides.get(organizationId)),
      }))
      .filter(({ policy }) => policy.payloadDays !== null || policy.days !== null);
    if (policies.length === 0) return { skipped: false, organizations: [] };
    const until = () => new Date(now.getTime() + LEASE_MS);
    const recovering = await this.repository.leaseAbandoned(LEASE, this.holder, now);
    if (!(await this.repository.acquireLease(LEASE, this.holder, now, until()))) {
      return { skipped: true, organizations: [] };
    }
    try {
      const dropped = await this.dropAgedPartitions(organizationIds, policies, now);
      await this.repository.acquireLease(LEASE, this.holder, now, until());
      const organizations: OrganizationPass[] = [];
      for (const { organizationId, policy } of policies) {
        const removed = await this.passOrganization(organizationId, policy, now, recovering);
        const share = dropped.get(organizationId);
        if (share) {
          removed.actions += share.actions;
          removed.calls += share.calls;
        }
        await this.repository.acquireLease(LEASE, this.holder, now, until());
        if (Object.values(removed).some((n) => n > 0)) {
          await this.audit.record({
            action: 'retention.pass',
            actor: 'system:retention',
            organizationId,
            target: `organization:${organizationId}`,
            details: {
              payloadDays: policy.payloadDays,
              days: policy.days,
              payloadsBefore: cutoff(now, policy.payloadDays)?.toISOString() ?? null,
              before: cutoff(now, policy.days)?.toISOString() ?? null,
              removed,
              ...(share ? { droppedPartitions: share.partitions } : {}),
            },
          });
        }
        organizations.push({
          organizationId,
          policy,
          removed,
          ...(share ? { droppedPartitions: share.partitions } : {}),
        });
      }
      return { skipped: false, organizations };
    } finally {
      await this.repository.releaseLease(LEASE, this.holder);
    }
  }

  /**
   * PostgreSQL: drops the month partitions of actions and calls that every organization with rows in
   * them has let go (an empty one when every organization has), instead of deleting their rows one
   * batch at a time; answers what they held, per organization, for the counts and the audit.
   */
  private async dropAgedPartitions(
    organizationIds: readonly string[],
    policies: readonly { organizationId: string; policy: EffectiveRetention }[],
    now: Date,
  ): Promise<Map<string, DroppedShare>> {
    const dropped = new Map<string, DroppedShare>();
    const cutoffs = new Map(policies.map((p) => [p.organizationId, cutoff(now, p.policy.days)]));
    const known = [...cutoffs.values()].filter((d): d is Date => d !== null);
    if (known.length === 0) return dropped;
    const latest = new Date(Math.max(...known.map((d) => d.getTime())));
    // An empty partition goes only when it has aged for every organization.
    const everyone = organizationIds.map((id) => cutoffs.get(id) ?? null);
    const earliest = everyone.every((d) => d !== null)
      ? new Date(Math.min(...everyone.map((d) => d!.getTime())))
      : null;
    const decide = (partition: TimePartition) => (shares: PartitionShare[]) =>
      shares.length === 0
        ? earliest !== null && partition.to <= earliest
        : shares.every((s) => shareAged(s, cutoffs.get(s.organizationId), partition.to));
    for (const partition of await this.repository.timePartitions()) {
      if (partition.to > latest) continue;
      const shares = await this.repository.dropTimePartition(partition, decide(partition));
      for (const share of shares ?? []) {
        const entry = dropped.get(share.organizationId) ?? { actions: 0, calls: 0, partitions: [] };
        entry[partition.table] += share.rows;
        entry.partitions.push(partition.name);
        dropped.set(share.organizationId, entry);
      }
    }
    return dropped;
  }

  /** Metadata first (what goes whole need not lose its payload first), then payloads. */
  private async passOrganization(
    organizationId: string,
    policy: EffectiveRetention,
    now: Date,
    recovering: boolean,
  ): Promise<RemovedCounts> {
    const removed = noneRemoved();
    if (recovering) {
      for (;;) {
        const leftovers = await this.repository.artifactsWithLeftoverChunks(organizationId, this.sizer.size);
        for (const id of leftovers) removed.artifactChunks += await this.deleteChunks(id);
        if (leftovers.length === 0) break;
      }
    }
    const before = cutoff(now, policy.days);
    if (before) {
      for (;;) {
        const runs = await this.repository.agedRuns(organizationId, before, RUNS_PER_QUERY);
        for (const runId of runs) await this.removeRun(runId, removed);
        if (runs.length < RUNS_PER_QUERY) break;
      }
      removed.calls += await this.drain((n) => this.repository.deleteCalls(organizationId, before, n));
    }
    const payloadsBefore = cutoff(now, policy.payloadDays);
    if (payloadsBefore) {
      removed.callPayloads += await this.drain((n) =>
        this.repository.removeCallPayloads(organizationId, payloadsBefore, now, n),
      );
      for (;;) {
        const marked = await this.repository.markArtifactContentRemoved(
          organizationId,
          payloadsBefore,
          now,
          this.sizer.size,
        );
        removed.artifactContents += marked.length;
        for (const id of marked) removed.artifactChunks += await this.deleteChunks(id);
        if (marked.length === 0) break;
      }
    }
    return removed;
  }

  /** A run goes whole: its actions, calls and log files, then the run; its issues stay. */
  private async removeRun(runId: string, removed: RemovedCounts): Promise<void> {
    removed.actions += await this.drain((n) => this.repository.deleteActions(runId, n));
    removed.calls += await this.drain((n) => this.repository.deleteRunCalls(runId, n));
    for (const id of await this.repository.runArtifactIds(runId))
      removed.artifactChunks += await this.deleteChunks(id);
    removed.artifacts += await this.repository.deleteRunArtifacts(runId);
    removed.issuesDetached += await this.repository.detachIssues(runId);
    await this.repository.deleteRunTextIndex(runId);
    removed.runs += await this.repository.deleteRun(runId);
  }

  private async deleteChunks(artifactId: string): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.repository.deleteChunks(artifactId, this.options.chunkBatch);
      total += n;
      if (n < this.options.chunkBatch) return total;
      await yieldToOthers();
    }
  }

  /** Repeats a bounded batch until one removes less than it could, sizing batches to their time. */
  private async drain(batch: (limit: number) => Promise<number>): Promise<number> {
    let total = 0;
    for (;;) {
      const limit = this.sizer.size;
      const started = performance.now();
      const n = await batch(limit);
      this.sizer.took(performance.now() - started);
      total += n;
      if (n < limit) return total;
      // Let the requests waiting for the connection (or SQLite's write lock) go first.
      await yieldToOthers();
    }
  }
}
