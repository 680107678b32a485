import type { ActionInput } from '@synctrail/types';
import type { Random } from './demo-random.js';
import type { CrmProfile, MailboxObjectType } from './demo-log-pack.js';
import {
  APPOINTMENT_SUBJECTS,
  CUSTOMER_COMPANIES,
  EMAIL_SUBJECTS,
  FIRST_NAMES,
  LAST_NAMES,
  TASK_SUBJECTS,
  fillTemplate,
} from './demo-fixtures.js';

/**
 * What moves in one mailbox during an Exchange ↔ CRM session: its objects, the actions on them, and
 * the errors that become the user's issues (error codes 0–3 of the third seed).
 */

export const EXCHANGE = 'EXCHANGE';

/** Error texts of a CRM, for the issues of the CRM side. */
export interface CrmErrors {
  locked: string;
  validation: string;
  deleted: string;
  inaccessible: string;
}

export interface Crm extends CrmProfile {
  /** `errorSource` of a run whose failure came from the CRM. */
  errorSource: string;
  errors: CrmErrors;
  /** A new record id of the CRM for an object type. */
  newId(type: MailboxObjectType, rnd: Random): string;
}

export interface MailboxObject {
  type: MailboxObjectType;
  exchangeId: string;
  crmId: string;
  name: string;
}

export interface IssueTemplate {
  type: MailboxObjectType;
  action: 'CREATE' | 'UPDATE' | 'DELETE';
  /** Exchange → CRM when true, CRM → Exchange otherwise. */
  toCrm: boolean;
  text(crm: Crm): string;
}

/** Issue kinds per error code: 0 active, 1 locked / operation error, 2 already removed, 3 inaccessible / premature update. */
export const ISSUE_TEMPLATES: Record<0 | 1 | 2 | 3, IssueTemplate[]> = {
  0: [
    {
      type: 'Contact',
      action: 'DELETE',
      toCrm: false,
      text: () =>
        'The contact is still active in Exchange (attendee of an upcoming meeting); the delete is postponed.',
    },
    {
      type: 'Appointment',
      action: 'UPDATE',
      toCrm: false,
      text: () => 'The meeting is in progress (object active); the update will be applied once it has ended.',
    },
  ],
  1: [
    { type: 'Appointment', action: 'UPDATE', toCrm: true, text: (crm) => crm.errors.locked },
    { type: 'E-Mail', action: 'CREATE', toCrm: true, text: (crm) => crm.errors.validation },
    {
      type: 'Contact',
      action: 'UPDATE',
      toCrm: false,
      text: () => 'ErrorItemSaveLocked: the item is locked by another process and cannot be saved.',
    },
  ],
  2: [
    {
      type: 'Task',
      action: 'UPDATE',
      toCrm: false,
      text: () =>
        'ErrorItemNotFound: the specified object was not found in the store (it was already deleted).',
    },
    { type: 'Contact', action: 'UPDATE', toCrm: true, text: (crm) => crm.errors.deleted },
  ],
  3: [
    {
      type: 'Appointment',
      action: 'UPDATE',
      toCrm: false,
      text: () =>
        'ErrorIrresolvableConflict: the item changed in Exchange after it was read (updated prematurely); it is retried next session.',
    },
    { type: 'E-Mail', action: 'CREATE', toCrm: true, text: (crm) => crm.errors.inaccessible },
  ],
};

export function exchangeItemId(rnd: Random): string {
  return `AAMkAD${rnd.alnum(40)}AAA=`;
}

function subject(rnd: Random, templates: readonly string[]): string {
  return fillTemplate(rnd.pick(templates), {
    company: rnd.pick(CUSTOMER_COMPANIES),
    person: `${rnd.pick(FIRST_NAMES)} ${rnd.pick(LAST_NAMES)}`,
    n: rnd.int(10_000, 99_999),
    q: rnd.int(1, 4),
    y: 2026,
  });
}

export function newMailboxObject(type: MailboxObjectType, crm: Crm, rnd: Random): MailboxObject {
  const name =
    type === 'Contact'
      ? `${rnd.pick(FIRST_NAMES)} ${rnd.pick(LAST_NAMES)}`
      : type === 'E-Mail'
        ? subject(rnd, EMAIL_SUBJECTS)
        : type === 'Appointment'
          ? subject(rnd, APPOINTMENT_SUBJECTS)
          : subject(rnd, TASK_SUBJECTS);
  return { type, exchangeId: exchangeItemId(rnd), crmId: crm.newId(type, rnd), name };
}

export function endpoints(
  object: MailboxObject,
  toCrm: boolean,
  crm: Crm,
): Pick<ActionInput, 'source' | 'target'> {
  const exchange = { system: EXCHANGE, id: object.exchangeId, name: object.name };
  const other = { system: crm.system, id: object.crmId, name: object.name };
  return toCrm ? { source: exchange, target: other } : { source: other, target: exchange };
}

const UPDATED_FIELDS: Record<MailboxObjectType, string[]> = {
  Contact: ['Phone', 'Title', 'MailingStreet', 'Email'],
  Appointment: ['Start', 'End', 'Location', 'Attendees'],
  'E-Mail': ['Categories', 'RelatedTo'],
  Task: ['Status', 'DueDate', 'Priority'],
};

const INFO_MESSAGES = [
  'Recurring series expanded: {n} occurrences synchronized.',
  'Attachment "Proposal_{n}.pdf" (7.4 MB) is above the 5 MB limit; linked instead of copied.',
  'Private appointment synchronized without its body (privacy setting).',
  'The item moved to another folder in Exchange; its link was kept.',
];

const WARNING_MESSAGES = [
  'Attendee {email} has no matching contact in {crm}; the event is linked to the account only.',
  'Two contacts in {crm} match {email}; the first match was used.',
  'Time zone "Customized Time Zone" is unknown; UTC was assumed.',
  'Subject was truncated to 255 characters.',
];

/** A change found in the mailbox or the CRM, as the connector reports it. */
export function regularAction(
  pool: MailboxObject[],
  crm: Crm,
  rnd: Random,
  onlyFromExchange: boolean,
): ActionInput {
  const type = rnd.weighted<MailboxObjectType>([
    ['E-Mail', 40],
    ['Appointment', 30],
    ['Contact', 20],
    ['Task', 10],
  ]);
  const existing = pool.filter((o) => o.type === type);
  let kind = rnd.weighted<ActionInput['action']>([
    ['CREATE', 45],
    ['UPDATE', 38],
    ['DELETE', 8],
    ['NONE', 9],
  ]);
  if (kind !== 'CREATE' && existing.length === 0) kind = 'CREATE';
  const object = kind === 'CREATE' ? newMailboxObject(type, crm, rnd) : rnd.pick(existing);
  if (kind === 'CREATE') pool.push(object);
  if (kind === 'DELETE') pool.splice(pool.indexOf(object), 1);
  // E-mails are tracked from Exchange; contacts are mastered in the CRM.
  const toCrm =
    onlyFromExchange || type === 'E-Mail' ? true : type === 'Contact' ? rnd.chance(0.2) : rnd.chance(0.6);
  const ends = endpoints(object, toCrm, crm);
  const targetLabel = toCrm ? crm.label : 'Exchange';
  const status = rnd.weighted<ActionInput['status']>([
    ['OK', 88],
    ['INFO', 7],
    ['WARNING', 5],
  ]);
  const fill = (text: string) =>
    text
      .replace('{n}', String(rnd.int(2, 52)))
      .replace(
        '{email}',
        `${rnd.pick(FIRST_NAMES).toLowerCase()}@${rnd.pick(['gmail.com', 'outlook.com', 'partner.example'])}`,
      )
      .replace('{crm}', crm.label);
  let message: string;
  let details: unknown;
  if (status === 'INFO') message = fill(rnd.pick(INFO_MESSAGES));
  else if (status === 'WARNING') message = fill(rnd.pick(WARNING_MESSAGES));
  else if (kind === 'CREATE')
    message =
      type === 'E-Mail'
        ? `E-mail tracked in ${crm.label} and related to ${rnd.pick(CUSTOMER_COMPANIES)}.`
        : `${type} created in ${targetLabel}.`;
  else if (kind === 'DELETE')
    message = `Deleted in ${targetLabel}: it was deleted in ${toCrm ? 'Exchange' : crm.label}.`;
  else if (kind === 'NONE') message = 'No changes since the last session.';
  else {
    const fields = rnd.sample(UPDATED_FIELDS[type], rnd.int(1, 2));
    message = `Updated ${fields.join(', ')} in ${targetLabel}.`;
    if (rnd.chance(0.4))
      details = { fields: fields.map((field) => ({ field, changedIn: toCrm ? 'Exchange' : crm.label })) };
  }
  return {
    ...ends,
    objectType: type,
    action: kind,
    status,
    message,
    ...(details !== undefined ? { details } : {}),
  };
}
