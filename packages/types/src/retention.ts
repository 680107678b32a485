import { Type, type Static } from '@sinclair/typebox';
import { Id, Nullable, StringEnum } from './schema-helpers.js';

const Days = Type.Integer({ minimum: 1, maximum: 36500 });

/** Days to keep; null keeps forever (in an override: the deployment's default). */
export const RetentionDays = Type.Object({
  payloadDays: Nullable(Days),
  days: Nullable(Days),
});
export type RetentionDays = Static<typeof RetentionDays>;

/**
 * Body of `PUT /api/v1/organizations/{id}/retention` (operators only): the organization's own
 * policy; null for a value means "the deployment's default".
 *
 * @example
 * { "payloadDays": 30, "days": null }
 */
export const RetentionUpdate = Type.Object(
  {
    payloadDays: Nullable(
      Type.Integer({
        minimum: 1,
        maximum: 36500,
        description: 'Days request/response bodies and log-file contents are kept.',
      }),
    ),
    days: Nullable(
      Type.Integer({ minimum: 1, maximum: 36500, description: 'Days runs, actions and calls are kept.' }),
    ),
  },
  { additionalProperties: false },
);
export type RetentionUpdate = Static<typeof RetentionUpdate>;

export const RETENTION_SOURCES = ['deployment', 'organization'] as const;

/** The retention in force for an organization, each value with where it comes from. */
export const OrganizationRetention = Type.Object(
  {
    organizationId: Id,
    payloadDays: Nullable(Type.Integer({ description: 'Effective; null keeps payloads forever.' })),
    payloadDaysSource: StringEnum(RETENTION_SOURCES),
    days: Nullable(Type.Integer({ description: 'Effective; null keeps runs, actions and calls forever.' })),
    daysSource: StringEnum(RETENTION_SOURCES),
    deployment: RetentionDays,
    override: Nullable(RetentionDays),
  },
  { $id: 'OrganizationRetention' },
);
export type OrganizationRetention = Static<typeof OrganizationRetention>;
