import { CallInput, MAX_CALLS_PER_BATCH } from '@synctrail/types';
import type { Access } from '../auth/access.js';
import type { CallService } from '../calls/call.service.js';
import { isUuid } from '../shared/filters.js';
import { bodyChecker } from '../http/validation.js';
import type { ReceivedSpan } from './otlp-spans.js';
import { SYNCTRAIL_ATTRIBUTES, spanToCall } from './span-to-call.js';

/** What became of an export's spans. */
export interface OtlpIngestResult {
  /** Spans stored as calls. */
  stored: number;
  /** Spans that are no HTTP client or server span (not an error: they are not calls). */
  skipped: number;
  /** Spans that are HTTP spans but could not be stored, with why (the first few). */
  rejected: number;
  reasons: string[];
}

const MAX_REASONS = 5;
const checkCall = bodyChecker(CallInput);

/**
 * The OTLP trace receiver: HTTP spans become calls through the call service (so masking, labels and
 * tenant checks are those of `POST /api/v1/calls`). One span that cannot be stored is rejected alone,
 * as OTLP's partial success allows; the others are stored together.
 */
export class OtlpService {
  constructor(private readonly calls: CallService) {}

  async ingest(access: Access, spans: readonly ReceivedSpan[]): Promise<OtlpIngestResult> {
    access.require('ingest');
    const result: OtlpIngestResult = { stored: 0, skipped: 0, rejected: 0, reasons: [] };
    const reject = (span: ReceivedSpan, reason: string) => {
      result.rejected++;
      if (result.reasons.length < MAX_REASONS)
        result.reasons.push(`span ${span.spanId || span.name || '(no id)'}: ${reason}`);
    };
    const mine = access.organizations;
    const implied = mine !== 'all' && mine.length === 1 ? mine[0] : undefined;
    const candidates: { span: ReceivedSpan; call: CallInput; organizationId: string }[] = [];
    for (const span of spans) {
      const outcome = spanToCall(span);
      if ('skipped' in outcome) {
        result.skipped++;
        continue;
      }
      if ('rejected' in outcome) {
        reject(span, outcome.rejected);
        continue;
      }
      const { call } = outcome;
      const problem = checkCall(call);
      if (problem) {
        reject(span, problem);
        continue;
      }
      const organizationId = call.organizationId ?? implied;
      if (organizationId === undefined) {
        reject(
          span,
          `operator credentials name no organization: set the ${SYNCTRAIL_ATTRIBUTES.organizationId} resource attribute, or send with an organization's ingest key`,
        );
        continue;
      }
      if (
        !isUuid(organizationId) ||
        !access.canSee(organizationId) ||
        !access.has('ingest', organizationId)
      ) {
        reject(span, `organization ${organizationId} does not exist or is not visible to you`);
        continue;
      }
      if (call.runId && !isUuid(call.runId)) {
        reject(span, `${SYNCTRAIL_ATTRIBUTES.runId} "${call.runId}" is not a run id`);
        continue;
      }
      candidates.push({ span, call, organizationId });
    }
    const organizations = await this.calls.repository.existingOrganizations([
      ...new Set(candidates.map((c) => c.organizationId)),
    ]);
    const runIds = [...new Set(candidates.flatMap((c) => (c.call.runId ? [c.call.runId] : [])))];
    const runOwners = runIds.length > 0 ? await this.calls.repository.runOrganizations(runIds) : new Map();
    const storable = candidates.filter(({ span, call, organizationId }) => {
      if (!organizations.has(organizationId)) {
        reject(span, `organization ${organizationId} does not exist or is not visible to you`);
        return false;
      }
      if (call.runId && runOwners.get(call.runId) !== organizationId) {
        reject(span, `run ${call.runId} does not exist or is not visible to you`);
        return false;
      }
      return true;
    });
    for (let i = 0; i < storable.length; i += MAX_CALLS_PER_BATCH) {
      const batch = storable.slice(i, i + MAX_CALLS_PER_BATCH);
      const stored = await this.calls.append(
        access,
        batch.map(({ call, organizationId }) => ({ ...call, organizationId })),
      );
      result.stored += stored.accepted;
    }
    return result;
  }
}

/** The `errorMessage` of a partial success: why spans were rejected, and how many were skipped. */
export function partialSuccessMessage(result: OtlpIngestResult): string | undefined {
  const parts: string[] = [];
  if (result.rejected > 0)
    parts.push(
      `${result.rejected} span${result.rejected === 1 ? '' : 's'} rejected (${result.reasons.join('; ')}${result.rejected > result.reasons.length ? '; …' : ''})`,
    );
  if (result.skipped > 0)
    parts.push(
      `${result.skipped} span${result.skipped === 1 ? ' is' : 's are'} not HTTP client or server spans and ${result.skipped === 1 ? 'was' : 'were'} skipped`,
    );
  return parts.length > 0 ? `${parts.join('; ')}.` : undefined;
}
