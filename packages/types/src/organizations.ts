import { Type, type Static } from '@sinclair/typebox';
import { Id, Nullable, StringEnum, Timestamp } from './schema-helpers.js';
import { INTEGRATION_STATUS, RUN_PROGRESS, SYNC_STATUS } from './enums.js';
import { ListFilter, PageQuery } from './pagination.js';
import { ExportQuery } from './exports.js';

const Slug = Type.String({
  pattern: '^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$',
  description: 'URL-safe name.',
});

export const Organization = Type.Object(
  {
    id: Id,
    name: Type.String(),
    slug: Slug,
    syncEnabled: Type.Boolean(),
    createdAt: Timestamp,
  },
  { $id: 'Organization' },
);
export type Organization = Static<typeof Organization>;

export const OrganizationCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    slug: Type.Optional(Slug),
    syncEnabled: Type.Optional(Type.Boolean({ default: true })),
  },
  { additionalProperties: false },
);
export type OrganizationCreate = Static<typeof OrganizationCreate>;

export const OrganizationPatch = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    syncEnabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type OrganizationPatch = Static<typeof OrganizationPatch>;

export const OrganizationListQuery = Type.Object(
  {
    ...PageQuery,
    ...ExportQuery,
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Search in name and slug.' })),
    syncEnabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type OrganizationListQuery = Static<typeof OrganizationListQuery>;

export const Capabilities = Type.Object({
  cancellable: Type.Boolean({ description: 'A run in progress can be cancelled.' }),
  partialSync: Type.Boolean({ description: 'Change notifications start partial syncs.' }),
});
export type Capabilities = Static<typeof Capabilities>;

const IntegrationType = Type.String({
  pattern: '^[a-z0-9][a-z0-9._-]{0,63}$',
  description: 'Free lower-case identifier: `exchange`, `servicenow`, `signavio`, `oauth2-google`…',
});

export const Integration = Type.Object(
  {
    id: Id,
    organizationId: Id,
    type: IntegrationType,
    name: Type.String(),
    status: StringEnum(INTEGRATION_STATUS),
    capabilities: Capabilities,
    schedule: Type.String({ description: 'Cron expression of the full sync job.' }),
    configuration: Type.Record(Type.String(), Type.Unknown(), {
      description: 'Snapshot of the configuration in use (secrets masked).',
    }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Integration' },
);
export type Integration = Static<typeof Integration>;

export const IntegrationCreate = Type.Object(
  {
    type: IntegrationType,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    status: Type.Optional(StringEnum(INTEGRATION_STATUS, { default: 'ACTIVE' })),
    capabilities: Type.Optional(Type.Partial(Capabilities, { additionalProperties: false })),
    schedule: Type.Optional(Type.String({ minLength: 9, maxLength: 120, default: '0 3 * * *' })),
    configuration: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);
export type IntegrationCreate = Static<typeof IntegrationCreate>;

export const IntegrationPatch = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    status: Type.Optional(StringEnum(INTEGRATION_STATUS)),
    capabilities: Type.Optional(Type.Partial(Capabilities, { additionalProperties: false })),
    schedule: Type.Optional(Type.String({ minLength: 9, maxLength: 120 })),
    configuration: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type IntegrationPatch = Static<typeof IntegrationPatch>;

export const IntegrationListQuery = Type.Object(
  {
    ...PageQuery,
    ...ExportQuery,
    type: ListFilter('Integration types, comma-separated.'),
    status: ListFilter('ACTIVE and/or INACTIVE.'),
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Search in name.' })),
  },
  { additionalProperties: false },
);
export type IntegrationListQuery = Static<typeof IntegrationListQuery>;

/** The newest run of an integration (by request time), as the integrations overview shows it. */
export const LastRun = Type.Object({
  id: Id,
  status: StringEnum(SYNC_STATUS),
  progress: StringEnum(RUN_PROGRESS),
  trigger: Type.String(),
  requestedAt: Timestamp,
  finishedAt: Nullable(Timestamp),
});
export type LastRun = Static<typeof LastRun>;

/** An integration in `GET /api/v1/integrations`: with its organization's name and its newest run. */
export const IntegrationOverview = Type.Object(
  {
    ...Integration.properties,
    organizationName: Type.String(),
    lastRun: Nullable(LastRun),
    last24h: Type.Object(
      {
        runs: Type.Integer({ description: 'Runs requested in the last 24 hours.' }),
        errors: Type.Integer({ description: 'Of those, the runs whose status is ERROR.' }),
      },
      { description: 'The error rate of the last 24 hours is `errors / runs`.' },
    ),
  },
  { $id: 'IntegrationOverview' },
);
export type IntegrationOverview = Static<typeof IntegrationOverview>;

export const IntegrationOverviewQuery = Type.Object(
  {
    ...PageQuery,
    ...ExportQuery,
    organizationId: ListFilter('Organization ids, comma-separated.'),
    type: ListFilter('Integration types, comma-separated (any case).'),
    status: ListFilter('ACTIVE and/or INACTIVE (any case).'),
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Search in name.' })),
  },
  { additionalProperties: false },
);
export type IntegrationOverviewQuery = Static<typeof IntegrationOverviewQuery>;

export const SyncUser = Type.Object(
  {
    id: Id,
    organizationId: Id,
    externalId: Type.String(),
    email: Nullable(Type.String()),
    name: Nullable(Type.String()),
    syncEnabled: Type.Boolean(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'SyncUser' },
);
export type SyncUser = Static<typeof SyncUser>;

/** Creates a sync user, or updates the one with the same `externalId` (upsert). */
export const SyncUserUpsert = Type.Object(
  {
    externalId: Type.String({ minLength: 1, maxLength: 200 }),
    email: Type.Optional(Nullable(Type.String({ maxLength: 320 }))),
    name: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    syncEnabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type SyncUserUpsert = Static<typeof SyncUserUpsert>;

export const SyncUserPatch = Type.Object(
  {
    email: Type.Optional(Nullable(Type.String({ maxLength: 320 }))),
    name: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    syncEnabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type SyncUserPatch = Static<typeof SyncUserPatch>;

export const SyncUserListQuery = Type.Object(
  {
    ...PageQuery,
    ...ExportQuery,
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Search in name, email and external id.' })),
    syncEnabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type SyncUserListQuery = Static<typeof SyncUserListQuery>;

/** What the list of organizations shows beside each one; the last 24 hours end at the request. */
export const OrganizationStats = Type.Object({
  integrations: Type.Integer(),
  users: Type.Integer({ description: 'Sync users.' }),
  runs24h: Type.Integer({ description: 'Runs requested in the last 24 hours.' }),
  errors24h: Type.Integer({ description: 'Of those, the runs whose status is ERROR.' }),
});
export type OrganizationStats = Static<typeof OrganizationStats>;

/** An organization in `GET /api/v1/organizations`. */
export const OrganizationListItem = Type.Object(
  { ...Organization.properties, stats: OrganizationStats },
  { $id: 'OrganizationListItem' },
);
export type OrganizationListItem = Static<typeof OrganizationListItem>;

/** A sync user in `GET /api/v1/organizations/{id}/users`: with their newest session and open issues. */
export const SyncUserListItem = Type.Object(
  {
    ...SyncUser.properties,
    lastRun: Nullable(LastRun),
    openIssues: Type.Integer({ description: 'Issues in state OPEN.' }),
  },
  { $id: 'SyncUserListItem' },
);
export type SyncUserListItem = Static<typeof SyncUserListItem>;
