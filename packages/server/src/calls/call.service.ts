import { v7 as uuidv7 } from 'uuid';
import {
  CALL_ACTION,
  CALL_DIRECTION,
  type Call,
  type CallBatchResult,
  type CallInput,
  type CallListQuery,
  type CallSummary,
  type Page,
} from '@synctrail/types';
import type { Access } from '../auth/access.js';
import type { Engine } from '../storage/engine.js';
import { AppError, notFound } from '../http/errors.js';
import { isUuid, parseIdList, parseList, parsePatternList, parseRange } from '../shared/filters.js';
import { toJson } from '../storage/row-values.js';
import { CallRepository, type CallListFilters, type CallRecord } from './call.repository.js';
import { maskUrl, storable, storableOrNull, toStoredMessage } from './call-payload.js';
import { parseStatusCodes } from './call-filters.js';
import { SsoLabeller } from './sso-labels.js';
import { canonicalCodes } from '../shared/enum-aliases.js';
import type { Masker } from '../masking/masker.js';
import { BASELINE_MASKERS, type MaskerSource } from '../masking/masking-rule.service.js';
import type { CallsIngested, LiveEventService } from '../events/live-event.service.js';
import { Metrics } from '../metrics/metrics.js';

const REQUEST_TYPE = /^[A-Z][A-Z0-9_]{0,63}$/;

function toRecord(input: CallInput, organizationId: string, now: Date, masker: Masker): CallRecord {
  return {
    id: uuidv7(),
    organizationId,
    runId: input.runId ?? null,
    at: input.at ? new Date(input.at) : now,
    direction: input.direction,
    appFrom: storable(input.appFrom),
    appTo: storable(input.appTo),
    action: input.action ?? 'NA',
    requestType: input.requestType ?? null,
    login: storableOrNull(input.login),
    method: input.method,
    url: storable(maskUrl(input.url, masker)),
    statusCode: input.statusCode ?? null,
    durationMs: input.durationMs ?? null,
    request: toJson(toStoredMessage(input.request, masker)),
    response: toJson(toStoredMessage(input.response, masker)),
  };
}

/** A batch's calls per organization and run, for the live stream. */
function ingested(records: readonly CallRecord[]): CallsIngested[] {
  const groups = new Map<string, CallsIngested>();
  for (const r of records) {
    const key = `${r.organizationId}/${r.runId ?? ''}`;
    const group = groups.get(key);
    if (!group)
      groups.set(key, { organizationId: r.organizationId, runId: r.runId, count: 1, latestAt: r.at });
    else {
      group.count++;
      if (r.at > group.latestAt) group.latestAt = r.at;
    }
  }
  return [...groups.values()];
}

export class CallService {
  readonly repository: CallRepository;
  private readonly sso = new SsoLabeller();

  constructor(
    private readonly engine: Engine,
    private readonly events: LiveEventService,
    private readonly masking: MaskerSource = BASELINE_MASKERS,
    private readonly metrics: Metrics = new Metrics(),
  ) {
    this.repository = new CallRepository(engine);
  }

  /**
   * Appends a batch atomically: every call is checked (organization, run), labelled when it is an
   * SSO/SLO call posted without labels, and masked; then all are stored in one bulk load, or none is.
   */
  async append(access: Access, inputs: readonly CallInput[]): Promise<CallBatchResult> {
    access.require('ingest');
    if (inputs.length === 0) return { accepted: 0, ids: [] };
    const startedAt = performance.now();
    const organizationIds = inputs.map((input, index) => this.organizationOf(access, input, index));
    return this.engine.transaction(async () => {
      await this.checkOrganizations(access, [...new Set(organizationIds)]);
      await this.checkRuns(access, inputs, organizationIds);
      const now = new Date();
      // Each organization's own masking rules on top of the baseline.
      const maskers = new Map<string, Masker>();
      for (const id of new Set(organizationIds)) maskers.set(id, await this.masking.maskerFor(id));
      const records = inputs.map((input, i) => {
        const organizationId = organizationIds[i] as string;
        // Labels are read from the payloads before masking removes what they come from (ID tokens).
        return toRecord(
          this.sso.label(organizationId, input),
          organizationId,
          now,
          maskers.get(organizationId)!,
        );
      });
      await this.repository.insertBatch(records);
      await this.events.callsIngested(ingested(records));
      this.engine.afterCommit(() => this.metrics.batchStored('calls', records.length, startedAt));
      return { accepted: records.length, ids: records.map((r) => r.id) };
    });
  }

  async list(access: Access, query: CallListQuery): Promise<Page<CallSummary>> {
    return this.repository.list(this.filtersOf(access, query), this.pagingOf(query));
  }

  /**
   * Every call the list would show, with payloads, in batches (exports): bodies only where the caller
   * may see payloads (a viewer's export has headers but no bodies, as its call detail does).
   */
  async streamWithPayloads(
    access: Access,
    query: CallListQuery,
    batchSize: number,
  ): Promise<AsyncGenerator<Call[]>> {
    const filters = this.filtersOf(access, query);
    const batches = this.repository.stream(filters, query.sort ?? 'desc', batchSize);
    const visible = (call: Call) => this.withVisibleBodies(access, call);
    return (async function* () {
      for await (const batch of batches) yield batch.map(visible);
    })();
  }

  /**
   * The same as CSV the engine writes itself, where it can (see `Engine.copyCsv`) and the caller may
   * see the bodies of every organization in the export (a viewer's export masks them on the way out).
   */
  copyCsv(access: Access, query: CallListQuery, columns: readonly string[]) {
    const filters = this.filtersOf(access, query);
    const scope = filters.organizations;
    const bodies =
      scope === 'all' ? access.organizations === 'all' : scope.every((id) => access.has('payloads', id));
    return bodies ? this.repository.copyCsv(filters, query.sort ?? 'desc', columns) : undefined;
  }

  /** Every call the list would show, without payloads, in batches (the connector log as a PDF). */
  async streamSummaries(
    access: Access,
    query: CallListQuery,
    batchSize: number,
  ): Promise<AsyncGenerator<CallSummary[]>> {
    return this.repository.streamSummaries(this.filtersOf(access, query), query.sort ?? 'desc', batchSize);
  }

  private pagingOf(query: CallListQuery) {
    return { limit: query.limit ?? 50, cursor: query.cursor, sort: query.sort ?? 'desc' };
  }

  private withVisibleBodies(access: Access, call: Call): Call {
    if (access.has('payloads', call.organizationId)) return call;
    return { ...call, request: { ...call.request, body: null }, response: { ...call.response, body: null } };
  }

  private filtersOf(access: Access, query: CallListQuery): CallListFilters {
    access.require('read');
    const range = parseRange(query.from, query.to);
    const login = query.login?.trim();
    const q = query.q?.trim();
    const filters: CallListFilters = {
      organizations: access.visible(parseIdList('organizationId', query.organizationId)),
      runIds: parseIdList('runId', query.runId),
      apps: parseList('app', query.app),
      appsFrom: parseList('appFrom', query.appFrom),
      appsTo: parseList('appTo', query.appTo),
      actions: parseList('action', query.action, CALL_ACTION),
      requestTypes: parsePatternList(
        'requestType',
        canonicalCodes(query.requestType),
        REQUEST_TYPE,
        'expected upper-case identifiers such as AUTHENTICATION_APPLICATIONS or LOGOUT_CONNECTIONS',
      ),
      login: login ? login : undefined,
      q: q ? q : undefined,
      directions: parseList('direction', query.direction, CALL_DIRECTION),
      statusCodes: parseStatusCodes(query.statusCode),
      from: range.from,
      to: range.to,
    };
    return filters;
  }

  /** One call with its request and response; their bodies only for those who may see payloads. */
  async get(access: Access, id: string): Promise<Call> {
    const call = isUuid(id) ? await this.repository.findById(id) : undefined;
    if (!call || !access.canSee(call.organizationId)) throw notFound('call_not_found', 'Call', id);
    access.require('read', call.organizationId);
    return this.withVisibleBodies(access, call);
  }

  /** An organization's credential implies its organization; an operator (or a multi-organization account) names it. */
  private organizationOf(access: Access, input: CallInput, index: number): string {
    if (input.organizationId !== undefined) return input.organizationId;
    const mine = access.organizations;
    if (mine !== 'all' && mine.length === 1 && mine[0] !== undefined) return mine[0];
    const who = access.isOperator
      ? 'operator credentials are not tied to one organization'
      : 'this credential belongs to several organizations';
    throw new AppError(
      'organization_required',
      `Call ${index} has no organizationId, and ${who}; give each call its organizationId. Nothing was stored.`,
      [{ path: `/${index}/organizationId`, message: 'is required' }],
    );
  }

  private async checkOrganizations(access: Access, ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      if (!isUuid(id) || !access.canSee(id)) throw notFound('organization_not_found', 'Organization', id);
      access.require('ingest', id);
    }
    const existing = await this.repository.existingOrganizations(ids);
    const missing = ids.find((id) => !existing.has(id));
    if (missing !== undefined) throw notFound('organization_not_found', 'Organization', missing);
  }

  /** A call's run must exist, be visible and belong to the call's organization. */
  private async checkRuns(access: Access, inputs: readonly CallInput[], organizationIds: readonly string[]) {
    const runIds = [...new Set(inputs.flatMap((input) => (input.runId ? [input.runId] : [])))];
    if (runIds.length === 0) return;
    const runOrganization = await this.repository.runOrganizations(runIds.filter(isUuid));
    inputs.forEach((input, i) => {
      if (!input.runId) return;
      const owner = runOrganization.get(input.runId);
      if (owner === undefined || !access.canSee(owner) || owner !== organizationIds[i]) {
        throw notFound('run_not_found', 'Run', input.runId);
      }
    });
  }
}
