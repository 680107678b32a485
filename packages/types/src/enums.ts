/** Values of the enumerations of the API, shared by server, SDK and console. */

export const RUN_PROGRESS = ['PENDING', 'RUNNING', 'ABORTION_PENDING', 'ABORTED', 'FINISHED'] as const;
export type RunProgress = (typeof RUN_PROGRESS)[number];
/** A run in one of these progress states accepts nothing more. */
export const FINAL_PROGRESS: readonly RunProgress[] = ['ABORTED', 'FINISHED'];

/** Ordered from least to most severe: a run's status is the most severe status of its actions. */
export const SYNC_STATUS = ['OK', 'INFO', 'WARNING', 'ERROR'] as const;
export type SyncStatus = (typeof SYNC_STATUS)[number];

export const ACTION_KIND = ['CREATE', 'UPDATE', 'DELETE', 'NONE'] as const;
export type ActionKind = (typeof ACTION_KIND)[number];

/** Built-in triggers; a partial sync's trigger is `<ORIGIN>_CHANGES` (e.g. `SERVICENOW_CHANGES`). */
export const BUILTIN_TRIGGERS = ['FULL_SYNC_JOB', 'FULL_SYNC_MANUAL'] as const;
export const TRIGGER_PATTERN = '^(FULL_SYNC_JOB|FULL_SYNC_MANUAL|[A-Z][A-Z0-9_]{0,46}_CHANGES)$';

export const INTEGRATION_STATUS = ['ACTIVE', 'INACTIVE'] as const;
export type IntegrationStatus = (typeof INTEGRATION_STATUS)[number];

export const CALL_DIRECTION = ['OUTGOING', 'INCOMING'] as const;
export type CallDirection = (typeof CALL_DIRECTION)[number];

export const CALL_ACTION = [
  'SSO_INITIATED',
  'SSO_FAILED',
  'SSO_SUCCESSFUL',
  'SLO_INITIATED',
  'SLO_FAILED',
  'SLO_SUCCESSFUL',
  'NA',
] as const;
export type CallAction = (typeof CALL_ACTION)[number];

/** Well-known request types; any other upper-case identifier is accepted as well. */
export const KNOWN_REQUEST_TYPES = [
  'AUTHENTICATION_APPLICATIONS',
  'AUTHENTICATION_CONNECTIONS',
  'LOGOUT_APPLICATIONS',
  'LOGOUT_CONNECTIONS',
] as const;

export const ISSUE_STATE = ['OPEN', 'RESOLVED'] as const;
export type IssueState = (typeof ISSUE_STATE)[number];

/**
 * Issue error codes: 0 object active / success, 1 object locked / operation error,
 * 2 object already removed, 3 object inaccessible / updated prematurely.
 */
export const ISSUE_ERROR_CODES = [0, 1, 2, 3] as const;
export type IssueErrorCode = (typeof ISSUE_ERROR_CODES)[number];

/** Kinds of log files attached to a run (the first seed document's .zip contents). */
export const ARTIFACT_KIND = [
  'HTTP_TRACE',
  'CONFIGURATION',
  'EXTERNAL_DUMP',
  'SYNC_DUMP',
  'AUTO_RESOLVERS',
  'SITE_SETTINGS',
  'MAPPING_SCHEME',
  'OBJECT_CACHE',
  'JOB_LIST',
  'OTHER',
] as const;
export type ArtifactKind = (typeof ARTIFACT_KIND)[number];

export const SORT_ORDER = ['asc', 'desc'] as const;
export type SortOrder = (typeof SORT_ORDER)[number];
