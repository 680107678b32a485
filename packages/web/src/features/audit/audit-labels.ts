import type { AuditAction, AuditEvent, AuditVerification } from '@synctrail/types';
import { formatCount } from '../../lib/format';

/**
 * What each audit action reads as. Keyed by the contract's `AuditAction`, so an action added to
 * `AUDIT_ACTIONS` without a label here fails the type check instead of showing a code.
 */
export const AUDIT_ACTION_LABELS: Record<AuditAction, string> = {
  'session.sign_in': 'Signed in',
  'session.sign_in_failed': 'Sign-in failed',
  'session.sign_out': 'Signed out',
  'run.trigger': 'Sync started',
  'run.changes': 'Partial sync started',
  'run.cancel': 'Run cancelled',
  'export.csv': 'Export to CSV',
  'export.pdf': 'Export to PDF',
  'bundle.download': 'Logs downloaded (.zip)',
  'artifact.download': 'Log file downloaded',
  'call.payload_view': 'Call payload viewed',
  'api_key.create': 'API key created',
  'api_key.revoke': 'API key revoked',
  'member.add': 'Member added',
  'member.update': 'Member role changed',
  'member.remove': 'Member removed',
  'account.create': 'Account created',
  'account.update': 'Account changed',
  'organization.create': 'Organization created',
  'organization.update': 'Organization changed',
  'integration.create': 'Integration created',
  'integration.update': 'Integration changed',
  'user.update': 'Sync user changed',
  'masking_rule.create': 'Masking rule added',
  'masking_rule.delete': 'Masking rule removed',
  'settings.update': 'Settings changed',
  'retention.pass': 'Removed by retention',
  'retention.update': 'Retention policy changed',
};

export const AUDIT_ACTION_OPTIONS = (Object.keys(AUDIT_ACTION_LABELS) as AuditAction[]).map((value) => ({
  value,
  label: AUDIT_ACTION_LABELS[value],
}));

export function auditActionLabel(action: string): string {
  return AUDIT_ACTION_LABELS[action as AuditAction] ?? action;
}

const TARGET_KINDS: Record<string, string> = {
  run: 'Run',
  api_key: 'API key',
  member: 'Member',
  masking_rule: 'Masking rule',
  organization: 'Organization',
  integration: 'Integration',
  user: 'Sync user',
  account: 'Account',
  call: 'Call',
  artifact: 'Log file',
};

export interface TargetParts {
  /** `Run`, `API key`…, or the raw kind. */
  kind: string;
  /** The id after the colon (the whole target when it has none). */
  id: string;
  /** How the event's details name it: `“ci”` (`details.name`) or an email (`details.email`). */
  name: string | null;
  /** The run's id when the target is a run (the console links to it). */
  runId: string | null;
}

/** `run:0190…` → Run …; `api_key:…` with `details.name` → API key “ci”. `null` for no target. */
export function targetParts(event: Pick<AuditEvent, 'target' | 'details'>): TargetParts | null {
  if (event.target === null) return null;
  const colon = event.target.indexOf(':');
  const rawKind = colon < 0 ? '' : event.target.slice(0, colon);
  const id = colon < 0 ? event.target : event.target.slice(colon + 1);
  const details = event.details ?? {};
  const named = typeof details.name === 'string' ? details.name : null;
  const email = typeof details.email === 'string' ? details.email : null;
  return {
    kind: TARGET_KINDS[rawKind] ?? rawKind,
    id,
    name: named !== null ? `“${named}”` : email,
    runId: rawKind === 'run' ? id : null,
  };
}

/** The first characters of a hash or id, enough to recognise it: `ab12cd34…`. */
export function shortHash(hash: string, length = 12): string {
  return hash.length <= length ? hash : `${hash.slice(0, length)}…`;
}

/**
 * The end of an id, to tell targets apart at a glance: ids are UUIDv7, whose first characters are
 * a timestamp that events of the same minute share.
 */
export function shortId(id: string): string {
  return id.length <= 10 ? id : `…${id.slice(-8)}`;
}

const PROBLEMS: Record<Extract<AuditVerification, { ok: false }>['problem'], string> = {
  edited: 'an event was changed after it was written',
  inserted: 'an event was inserted into the chain',
  deleted: 'an event is missing from the chain',
};

/** The chain check in words: what a person reads after pressing Verify chain. */
export function verificationText(result: AuditVerification): string {
  if (result.ok)
    return `Chain intact: ${formatCount(result.count)} ${result.count === 1 ? 'event' : 'events'}, head hash ${shortHash(result.headHash, 8)}`;
  const where = result.seq > 0 ? ` at event #${formatCount(result.seq)}` : '';
  return `Chain broken${where}: ${PROBLEMS[result.problem]} (${result.message.replace(/\.$/, '')}).`;
}
