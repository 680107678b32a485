import { Type, type Static } from '@sinclair/typebox';
import { Id, Nullable, Timestamp } from './schema-helpers.js';
import type { Run } from './runs.js';

/** Body of `POST /integrations/{id}/sync`: a manual full sync, optionally for one sync user. */
export const SyncTrigger = Type.Object(
  {
    userId: Type.Optional(Nullable(Id)),
    name: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
  },
  { additionalProperties: false },
);
export type SyncTrigger = Static<typeof SyncTrigger>;

/** Body of `POST /integrations/{id}/changes`: a change notification that asks for a partial sync. */
export const ChangeNotification = Type.Object(
  {
    origin: Type.String({
      pattern: '^[A-Z][A-Z0-9_]{0,46}$',
      description:
        'Where the change happened, e.g. `SERVICENOW` or `LEANIX`; the run trigger becomes `<ORIGIN>_CHANGES`.',
    }),
    userId: Type.Optional(Nullable(Id)),
  },
  { additionalProperties: false },
);
export type ChangeNotification = Static<typeof ChangeNotification>;

/** Body of `POST /integrations/{id}/lease`. */
export const LeaseRequest = Type.Object(
  {
    worker: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'Name of the connector instance.' }),
    ),
  },
  { additionalProperties: false },
);
export type LeaseRequest = Static<typeof LeaseRequest>;

/** Answer of a lease: the run the connector now owns (it is RUNNING). 204 when none is pending. */
export const LeaseResult = Type.Object({
  run: Type.Ref('Run'),
  leaseExpiresAt: Timestamp,
});
export interface LeaseResult {
  run: Run;
  leaseExpiresAt: string;
}
