import { Type, type Static } from '@sinclair/typebox';
import { Id, Nullable, StringEnum, Timestamp } from './schema-helpers.js';

export const API_KEY_SCOPES = ['ingest', 'read', 'admin'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export const MEMBER_ROLES = ['ADMIN', 'VIEWER'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

/** Body of `POST /session`. */
export const SignIn = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 320 }),
    password: Type.String({ minLength: 1, maxLength: 1000 }),
  },
  { additionalProperties: false },
);
export type SignIn = Static<typeof SignIn>;

/** Who is signed in (`GET /session`), and the token to send back as `X-CSRF-Token` on writes. */
export const SessionInfo = Type.Object(
  {
    kind: StringEnum(['account', 'apiKey', 'operatorToken'] as const),
    account: Nullable(
      Type.Object({ id: Id, email: Type.String(), name: Nullable(Type.String()), operator: Type.Boolean() }),
    ),
    memberships: Type.Array(Type.Object({ organizationId: Id, role: StringEnum(MEMBER_ROLES) })),
    csrfToken: Nullable(Type.String()),
    expiresAt: Nullable(Timestamp),
  },
  { $id: 'SessionInfo' },
);
export type SessionInfo = Static<typeof SessionInfo>;

export const Member = Type.Object(
  {
    id: Id,
    organizationId: Id,
    accountId: Id,
    email: Type.String(),
    name: Nullable(Type.String()),
    role: StringEnum(MEMBER_ROLES),
    canSignIn: Type.Boolean({ description: 'False until the account has a password.' }),
    createdAt: Timestamp,
  },
  { $id: 'Member' },
);
export type Member = Static<typeof Member>;

export const MemberCreate = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 320 }),
    name: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    role: StringEnum(MEMBER_ROLES),
    password: Type.Optional(
      Type.String({
        minLength: 12,
        maxLength: 1000,
        description: 'For a new account; at least 12 characters.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type MemberCreate = Static<typeof MemberCreate>;

/** Body of `PATCH /members/{id}`: a member's new role. */
export const MemberPatch = Type.Object({ role: StringEnum(MEMBER_ROLES) }, { additionalProperties: false });
export type MemberPatch = Static<typeof MemberPatch>;

export const ApiKey = Type.Object(
  {
    id: Id,
    organizationId: Id,
    name: Type.String(),
    scopes: Type.Array(StringEnum(API_KEY_SCOPES)),
    prefix: Type.String({ description: 'The first characters of the token, to recognise it.' }),
    createdBy: Nullable(Type.String()),
    createdAt: Timestamp,
    lastUsedAt: Nullable(Timestamp),
    revokedAt: Nullable(Timestamp),
  },
  { $id: 'ApiKey' },
);
export type ApiKey = Static<typeof ApiKey>;

export const ApiKeyCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    scopes: Type.Array(StringEnum(API_KEY_SCOPES), { minItems: 1, uniqueItems: true }),
  },
  { additionalProperties: false },
);
export type ApiKeyCreate = Static<typeof ApiKeyCreate>;

/** The answer to creating a key: the only time its `token` is shown. */
export const ApiKeyCreated = Type.Object({
  key: Type.Ref('ApiKey'),
  token: Type.String({ description: 'Send as `Authorization: Bearer <token>`. Shown once; store it now.' }),
});
export interface ApiKeyCreated {
  key: ApiKey;
  token: string;
}
