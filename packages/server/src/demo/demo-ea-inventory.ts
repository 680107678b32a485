import type { ActionInput } from '@synctrail/types';
import type { Random } from './demo-random.js';
import {
  APPLICATIONS,
  BUSINESS_CAPABILITIES,
  IT_COMPONENTS,
  PROCESSES,
  PROVIDERS,
  SUBPROCESSES,
} from './demo-fixtures.js';
import { LEANIX, landscapeObject, systemLabel, type LandscapeObject } from './demo-landscape.js';

/**
 * What the EA organization syncs and what goes wrong: the ServiceNow and Signavio inventories with
 * their planned problems, and the runs that fail as a whole (source, category, exception).
 */

/** Days of history of the EA organization. */
export const DAYS = 28;

/** How a whole run fails. */
export interface RunFailure {
  errorSource: string;
  errorCategory: string;
  exception: string;
  /** The run stops after this share of its objects, with this error. */
  stopAt?: number;
  error?: ActionInput;
  aborted?: boolean;
}

const WARNINGS = [
  'Value "Tier 0 - Mission critical" of business_criticality has no mapping; businessCriticality left unchanged.',
  'Owner "{owner}" was not found in LeanIX; the subscription was skipped.',
  'No provider is set in ServiceNow; the relation to a Provider fact sheet was not created.',
  'Two ServiceNow records point to this fact sheet; the most recently updated one was used.',
  'Description is longer than 2,000 characters and was truncated.',
];

const SIGNAVIO_WARNINGS = [
  'The process links to 3 applications unknown in LeanIX; those relations were skipped.',
  'The dictionary entry is used in 12 diagrams; renaming it changes all of them.',
  'The process owner is not a Signavio user of this workspace; the owner was left empty.',
];

export function connection(system: string, message: string): ActionInput {
  return {
    source: { system, id: null, name: `${systemLabel(system)} API` },
    target: { system: LEANIX, id: null, name: 'LeanIX workspace' },
    objectType: 'Connection',
    action: 'NONE',
    status: 'ERROR',
    message,
  };
}

export function serviceNowObjects(rnd: Random): LandscapeObject[] {
  const objects = [
    ...APPLICATIONS.map((n) =>
      landscapeObject(
        'Application',
        n,
        'SERVICENOW',
        LEANIX,
        ['lifecycle', 'businessCriticality', 'owner', 'description'],
        rnd,
      ),
    ),
    ...IT_COMPONENTS.map((n) =>
      landscapeObject(
        'ITComponent',
        n,
        'SERVICENOW',
        LEANIX,
        ['lifecycle', 'version', 'technicalSuitability'],
        rnd,
      ),
    ),
    ...PROVIDERS.map((n) =>
      landscapeObject('Provider', n, 'SERVICENOW', LEANIX, ['description', 'owner'], rnd),
    ),
    ...BUSINESS_CAPABILITIES.map((n) =>
      landscapeObject('BusinessCapability', n, LEANIX, 'SERVICENOW', ['description', 'owner'], rnd),
    ),
  ];
  const byName = (name: string) => objects.find((o) => o.name === name) as LandscapeObject;
  for (const o of rnd.sample(objects.slice(0, APPLICATIONS.length), 5)) o.createdDay = rnd.int(2, DAYS - 2);
  byName('Siebel CRM (legacy)').retiredDay = 19;
  byName('Windows Server 2012 R2').retiredDay = 8;
  byName('Legacy Order Entry (AS/400)').retiredDay = 3;
  const duplicate = landscapeObject(
    'Application',
    'Salesforce Sales Cloud (EMEA)',
    'SERVICENOW',
    LEANIX,
    ['lifecycle'],
    rnd,
  );
  duplicate.createdDay = 20;
  duplicate.failing = {
    from: 20,
    to: 18,
    action: 'CREATE',
    message:
      'Duplicate: the fact sheet "Salesforce Sales Cloud" already carries the ServiceNow id of this business application; merge or unlink one of them.',
  };
  objects.push(duplicate);
  byName('Treasury').failing = {
    from: 12,
    to: 10,
    action: 'UPDATE',
    message:
      '403 Forbidden from ServiceNow: user "leanix.integration" lacks write access to cmdb_ci_business_capability.u_leanix_id (ACL).',
  };
  byName('Java 8 (Oracle)').failing = {
    from: 7,
    to: 5,
    action: 'UPDATE',
    message:
      'Required field "end_of_life" is empty in the ServiceNow software model; the lifecycle was not updated.',
  };
  byName('Kronos Workforce').failing = {
    from: 2,
    to: 1,
    action: 'UPDATE',
    message: 'Owner "r.hill" does not exist in LeanIX; assign an existing user as application owner.',
  };
  for (const o of rnd.sample(objects, 16)) {
    o.warning = rnd.pick(WARNINGS).replace('{owner}', rnd.pick(['j.doe', 'svc_cmdb', 'm.ortiz']));
  }
  return objects;
}

function signavioObjects(
  rnd: Random,
  processes: readonly string[],
  applications: readonly string[],
): LandscapeObject[] {
  const objects = [
    ...processes.map((n) =>
      landscapeObject('Process', n, 'SIGNAVIO', LEANIX, ['description', 'revision', 'owner'], rnd),
    ),
    ...applications.map((n) =>
      landscapeObject('Application', n, LEANIX, 'SIGNAVIO', ['description', 'lifecycle'], rnd),
    ),
  ];
  for (const o of rnd.sample(objects, 6)) o.warning = rnd.pick(SIGNAVIO_WARNINGS);
  return objects;
}

/** The two Signavio workspaces: corporate processes, and IT processes. */
export function signavioWorkspaces(rnd: Random): {
  corporate: LandscapeObject[];
  itProcesses: LandscapeObject[];
} {
  const corporate = signavioObjects(
    rnd,
    [...PROCESSES.slice(0, 7), ...SUBPROCESSES.slice(0, 16)],
    APPLICATIONS.slice(0, 40),
  );
  const itProcesses = signavioObjects(
    rnd,
    [
      'Issue to Resolution',
      'Request to Fulfil',
      'Acquire to Retire',
      'Log Incident',
      'Resolve Incident',
      'Handle Change Request',
      'Retire Asset',
    ],
    APPLICATIONS.slice(5, 30),
  );
  const fail = (
    objects: LandscapeObject[],
    name: string,
    failing: NonNullable<LandscapeObject['failing']>,
  ) => {
    const found = objects.find((o) => o.name === name);
    if (found) found.failing = failing;
  };
  fail(corporate, 'Verify Supplier Invoice', {
    from: 18,
    to: 15,
    action: 'UPDATE',
    message:
      'Process model "Verify Supplier Invoice" has no published revision; publish it in Signavio to sync it.',
  });
  fail(corporate, 'Workato', {
    from: 3,
    to: 1,
    action: 'UPDATE',
    message:
      'Dictionary category "IT Systems" is missing in the workspace; the dictionary entry was not updated.',
  });
  fail(itProcesses, 'Handle Change Request', {
    from: 8,
    to: 6,
    action: 'UPDATE',
    message: '409 Conflict from Signavio: the model is locked by another user (open editor session).',
  });

  return { corporate, itProcesses };
}

/** Runs that fail as a whole, by `<workspace or integration type>:<days ago>`. */
export function runFailures(): Map<string, RunFailure> {
  return new Map<string, RunFailure>([
    [
      'servicenow:17',
      {
        errorSource: 'SERVICENOW',
        errorCategory: 'AUTHENTICATION',
        exception:
          'com.leanix.integration.servicenow.AuthenticationException: 401 Unauthorized (invalid_client)\n' +
          '\tat com.leanix.integration.servicenow.TokenClient.refresh(TokenClient.java:61)\n' +
          '\tat com.leanix.integration.servicenow.ServiceNowClient.page(ServiceNowClient.java:142)',
        stopAt: 0.35,
        error: connection(
          'SERVICENOW',
          '401 Unauthorized from /oauth_token.do: the client secret has expired; renew it in the integration settings.',
        ),
      },
    ],
    [
      'servicenow:4',
      {
        errorSource: 'CONNECTOR',
        errorCategory: 'PROGRAMMING_ERROR',
        exception:
          'java.lang.NullPointerException: Cannot invoke "String.trim()" because the return value of "SoftwareModel.getVersion()" is null\n' +
          '\tat com.leanix.integration.servicenow.mapping.ItComponentMapper.version(ItComponentMapper.java:88)\n' +
          '\tat com.leanix.integration.servicenow.mapping.ItComponentMapper.map(ItComponentMapper.java:41)',
        error: {
          source: { system: 'SERVICENOW', id: null, name: 'Apache Tomcat 9' },
          target: { system: LEANIX, id: null, name: 'Apache Tomcat 9' },
          objectType: 'ITComponent',
          action: 'UPDATE',
          status: 'ERROR',
          message: 'Internal error while mapping the software model: its version is empty.',
        },
      },
    ],
    [
      'Corporate Processes:9',
      {
        errorSource: 'SIGNAVIO',
        errorCategory: 'RATE_LIMIT',
        exception:
          'HTTP 429 Too Many Requests from https://editor.signavio.com/p/revision (Retry-After: 120); retry budget exhausted after 5 attempts.',
        stopAt: 0.6,
        error: connection(
          'SIGNAVIO',
          '429 Too Many Requests: the workspace API limit was reached; the sync stopped.',
        ),
      },
    ],
    [
      'IT Processes:13',
      {
        errorSource: 'CONNECTOR',
        errorCategory: 'SHUTDOWN',
        exception:
          'The connector instance signavio-sync-2 was restarted during a deployment; the run was aborted.',
        stopAt: 0.4,
        aborted: true,
      },
    ],
  ]);
}
