import { v7 as uuidv7 } from 'uuid';
import {
  AUDIT_ACTIONS,
  type AuditAction,
  type AuditEvent,
  type AuditListQuery,
  type AuditVerification,
  type Page,
} from '@synctrail/types';
import type { Access } from '../auth/access.js';
import type { Engine } from '../storage/engine.js';
import { isUuid, parseIdList, parseList, parseRange } from '../shared/filters.js';
import { AppError } from '../http/errors.js';
import { auditHash, storableDetails, storableText } from './audit-hash.js';
import { ChainVerifier } from './audit-chain.js';
import { AuditRepository, type AuditListFilters } from './audit.repository.js';

/** One administrative act, as a caller describes it. */
export interface AuditRecord {
  action: AuditAction;
  /** Who acted; defaults to `options.access.actor`. E.g. `email:<address>` for a failed sign-in. */
  actor?: string;
  organizationId?: string | null;
  /** What was acted on: `run:<id>`, `api_key:<id>`, `member:<id>`, `organization:<id>`… */
  target?: string | null;
  /** Small, non-secret facts (filters of an export, fields changed…). */
  details?: Record<string, unknown> | null;
}

export interface AuditRecordOptions {
  access?: Access;
  /** The request's address (`request.ip`). */
  sourceIp?: string | null;
}

/**
 * The audit log: an append-only, hash-chained record of administrative acts. Events are never updated
 * or deleted (the database refuses both); `verify()` finds the first edited, inserted or deleted one.
 */
export class AuditService {
  readonly repository: AuditRepository;

  constructor(private readonly engine: Engine) {
    this.repository = new AuditRepository(engine);
  }

  /**
   * Appends an event, inside the caller's transaction when there is one (so the act and its record
   * commit together). Appends are serialized on the chain head until that transaction ends: call this
   * as the last statement of a transaction.
   */
  async record(event: AuditRecord, options: AuditRecordOptions = {}): Promise<AuditEvent> {
    const actor = event.actor ?? options.access?.actor;
    if (!actor) throw new Error(`audit event ${event.action} has no actor: pass \`access\` or \`actor\``);
    const organizationId = event.organizationId ? event.organizationId.toLowerCase() : null;
    if (organizationId !== null && !isUuid(organizationId)) {
      throw new Error(`audit event ${event.action}: organizationId ${organizationId} is not a UUID`);
    }
    const fields = {
      actor: storableText(actor),
      organizationId,
      action: event.action,
      target: event.target ? storableText(event.target) : null,
      sourceIp: options.sourceIp ? storableText(options.sourceIp) : null,
      details: storableDetails(event.details),
    };
    return this.engine.transaction(async () => {
      const { seq, prevHash } = await this.repository.claimNext();
      // Taken under the head lock, so times follow seq order (within one clock).
      const unhashed = { seq, id: uuidv7(), at: new Date().toISOString(), ...fields, prevHash };
      const stored: AuditEvent = { ...unhashed, hash: auditHash(unhashed) };
      await this.repository.append(stored);
      return stored;
    });
  }

  /** Operators see every event; an organization's admins see that organization's; others get 403. */
  async list(access: Access, query: AuditListQuery): Promise<Page<AuditEvent>> {
    access.require('admin');
    const visible = access.visible(parseIdList('organizationId', query.organizationId));
    const range = parseRange(query.from, query.to);
    const filters: AuditListFilters = {
      // A member who is admin of one organization and viewer of another sees only the first's.
      organizations: visible === 'all' ? 'all' : visible.filter((id) => access.has('admin', id)),
      actors: parseList('actor', query.actor),
      actions: parseList('action', query.action, AUDIT_ACTIONS),
      targets: parseList('target', query.target),
      from: range.from,
      to: range.to,
    };
    return this.repository.list(filters, {
      limit: query.limit ?? 50,
      cursor: query.cursor,
      sort: query.sort ?? 'desc',
    });
  }

  /** `verify()` for the API: the chain spans every organization, so only an operator may walk it. */
  async verifyFor(access: Access): Promise<AuditVerification> {
    if (!access.isOperator) {
      throw new AppError(
        'forbidden',
        'Only an operator can verify the audit log: its chain spans every organization. Ask an operator, or run `synctrail audit verify` on the server.',
      );
    }
    return this.verify();
  }

  /**
   * Walks the whole chain (constant memory) and reports the first event that was edited, inserted or
   * deleted. Safe while appends go on: it verifies up to the head it read first, then looks for rows
   * beyond the head read last.
   */
  async verify(): Promise<AuditVerification> {
    const head = await this.repository.head();
    if (!head) {
      return {
        ok: false,
        seq: 0,
        problem: 'deleted',
        message: 'the chain head (audit_head) is missing.',
        event: null,
      };
    }
    const verifier = new ChainVerifier<AuditEvent>(head);
    for await (const row of this.repository.scan(0, head.seq)) {
      const problem = verifier.push(row);
      if (problem)
        return {
          ok: false,
          seq: problem.seq,
          problem: problem.problem,
          message: problem.message,
          event: problem.row,
        };
    }
    const result = verifier.finish();
    if ('problem' in result) {
      return {
        ok: false,
        seq: result.seq,
        problem: result.problem,
        message: result.message,
        event: result.row,
      };
    }
    // Rows past that head were appended since (the head has moved over them by the time it is read
    // again, because a row and its head move commit together) or forged. Read them before the head.
    const beyond: AuditEvent[] = [];
    for await (const row of this.repository.scan(head.seq, undefined)) beyond.push(row);
    if (beyond.length > 0) {
      const latest = (await this.repository.head()) ?? head;
      const forged = beyond.find((row) => row.seq > latest.seq);
      if (forged) {
        return {
          ok: false,
          seq: forged.seq,
          problem: 'inserted',
          message: `event ${forged.seq} lies beyond the last event the audit service wrote (${latest.seq}): it was added directly in the database.`,
          event: forged,
        };
      }
    }
    return { ok: true, count: result.count, headHash: head.hash };
  }
}
