import type { ActionInput } from '@synctrail/types';
import type { Random } from './demo-random.js';
import { endpoints, newMailboxObject, type Crm, type MailboxObject } from './demo-mailbox.js';

/**
 * Sessions that fail as a whole (the third seed's Error Source, Error Category and Exception
 * columns): the mailbox cannot be opened, the network or the CRM's API limit gives out, the
 * connector has a bug, or the session is aborted.
 */
export type FailureKind = 'auth' | 'network' | 'throttling' | 'connector' | 'aborted';

/** The owner of a mailbox, as the failing action names it. */
export interface MailboxOwner {
  name: string;
  email: string;
  externalId: string;
}

export interface Failure {
  source: string;
  category: string;
  exception: string;
  /** The action that failed (none for an aborted session). */
  action?: (user: MailboxOwner) => ActionInput;
  /** The OK action of the next day's session that resolves the issue. */
  recovery?: (user: MailboxOwner) => ActionInput;
}

function mailboxObject(user: MailboxOwner): MailboxObject {
  return { type: 'Contact', exchangeId: user.email, crmId: user.externalId, name: user.name };
}

export function sessionFailures(crm: Crm, rnd: Random): Record<FailureKind, Failure> {
  const mailbox = (user: MailboxOwner, status: 'ERROR' | 'OK', message: string): ActionInput => ({
    ...endpoints(mailboxObject(user), true, crm),
    objectType: 'Mailbox',
    action: 'NONE',
    status,
    message,
    ...(status === 'ERROR' ? { errorCode: 3 } : {}),
  });
  const throttled = newMailboxObject('E-Mail', crm, rnd);
  const broken = newMailboxObject('Appointment', crm, rnd);
  return {
    auth: {
      source: 'MICROSOFT_EXCHANGE',
      category: 'AUTHENTICATION',
      exception:
        'Microsoft.Exchange.WebServices.Data.ServiceResponseException: The account does not have permission to impersonate the requested user.\n' +
        '   at Microsoft.Exchange.WebServices.Data.ServiceRequestBase.ProcessWebException(WebException webException)\n' +
        '   at Microsoft.Exchange.WebServices.Data.ExchangeService.SyncFolderItems(FolderId folderId, PropertySet properties, Int32 maxChanges, String syncState)\n' +
        '   at Connector.Exchange.MailboxReader.ReadChanges(MailboxContext context)',
      action: (u) =>
        mailbox(
          u,
          'ERROR',
          'ErrorImpersonateUserDenied: the service account may not impersonate this mailbox.',
        ),
      recovery: (u) => mailbox(u, 'OK', 'Mailbox is accessible again; synchronization resumed.'),
    },
    network: {
      source: 'UNKNOWN',
      category: 'NETWORK',
      exception:
        'System.Net.WebException: The operation has timed out.\n' +
        '   at System.Net.HttpWebRequest.GetResponse()\n' +
        '   at Connector.Http.RetryingClient.Send(HttpRequestMessage request, Int32 attempt)',
      action: (u) =>
        mailbox(u, 'ERROR', 'The mailbox could not be reached: the operation has timed out (3 attempts).'),
      recovery: (u) => mailbox(u, 'OK', 'Mailbox reachable again.'),
    },
    throttling: {
      source: crm.errorSource,
      category: 'API_LIMIT',
      exception: `${crm.label} refused further requests (API limit reached); the session stopped and resumes on the next schedule.`,
      action: () => ({
        ...endpoints(throttled, true, crm),
        objectType: 'E-Mail',
        action: 'CREATE',
        status: 'ERROR',
        message: `${crm.label}: REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded.`,
        errorCode: 1,
      }),
      recovery: () => ({
        ...endpoints(throttled, true, crm),
        objectType: 'E-Mail',
        action: 'CREATE',
        status: 'OK',
        message: `E-mail tracked in ${crm.label} after the API limit reset.`,
      }),
    },
    connector: {
      source: 'CONNECTOR',
      category: 'INTERNAL_ERROR',
      exception:
        'System.NullReferenceException: Object reference not set to an instance of an object.\n' +
        '   at Connector.Mapping.AppointmentMapper.MapAttendees(Appointment source, EventRecord target)\n' +
        '   at Connector.Sync.ObjectSynchronizer.Apply(SyncPair pair)',
      action: () => ({
        ...endpoints(broken, true, crm),
        objectType: 'Appointment',
        action: 'UPDATE',
        status: 'ERROR',
        message: 'The appointment could not be mapped: Object reference not set to an instance of an object.',
        errorCode: 1,
      }),
    },
    aborted: {
      source: 'MICROSOFT_EXCHANGE',
      category: 'MAILBOX_MOVE',
      exception:
        'ErrorMailboxMoveInProgress: the mailbox is being moved to another database; the session was aborted and is retried later.',
    },
  };
}
