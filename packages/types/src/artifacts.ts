import { Type, type Static } from '@sinclair/typebox';
import { Id, Nullable, StringEnum, Timestamp } from './schema-helpers.js';
import { ARTIFACT_KIND } from './enums.js';

/** A log file attached to a run. */
export const Artifact = Type.Object(
  {
    id: Id,
    runId: Id,
    name: Type.String(),
    kind: StringEnum(ARTIFACT_KIND),
    contentType: Type.String(),
    sizeBytes: Type.Integer(),
    sha256: Type.String(),
    createdAt: Timestamp,
    /** When retention removed the content (the metadata stays; downloading it answers 410); null while kept. */
    contentRemovedAt: Type.Optional(Nullable(Timestamp)),
  },
  { $id: 'Artifact' },
);
export type Artifact = Static<typeof Artifact>;

/** Query of `POST /runs/{id}/artifacts`; the request body is the file itself. */
export const ArtifactUploadQuery = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 255,
      pattern: '^[^/\\\\\\u0000]+$',
      description: 'File name.',
    }),
    kind: Type.Optional(StringEnum(ARTIFACT_KIND, { default: 'OTHER' })),
  },
  { additionalProperties: false },
);
export type ArtifactUploadQuery = Static<typeof ArtifactUploadQuery>;
