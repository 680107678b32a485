import type { Selectable } from 'kysely';
import type { Artifact, ArtifactKind } from '@synctrail/types';
import type { Engine } from '../storage/engine.js';
import type { ArtifactsTable } from '../storage/database.js';
import { toIso, toIsoOrNull } from '../storage/row-values.js';

type ArtifactRow = Selectable<ArtifactsTable>;

/** Only COMPLETE artifacts are listed or read; UPLOADING ones are still arriving (or were abandoned). */
export type ArtifactState = 'UPLOADING' | 'COMPLETE';

function toArtifact(row: ArtifactRow): Artifact {
  return {
    id: row.id,
    runId: row.run_id,
    name: row.name,
    kind: row.kind as ArtifactKind,
    contentType: row.content_type,
    sizeBytes: Number(row.size_bytes),
    sha256: row.sha256,
    createdAt: toIso(row.created_at),
    contentRemovedAt: toIsoOrNull(row.content_removed_at),
  };
}

export interface NewArtifact {
  id: string;
  organizationId: string;
  runId: string;
  name: string;
  kind: ArtifactKind;
  contentType: string;
  createdAt: Date;
}

export class ArtifactRepository {
  constructor(private readonly engine: Engine) {}

  /** The row an upload's chunks hang off; it stays invisible until `complete`. */
  async insertUploading(artifact: NewArtifact): Promise<void> {
    await this.engine.db
      .insertInto('artifacts')
      .values({
        id: artifact.id,
        organization_id: artifact.organizationId,
        run_id: artifact.runId,
        name: artifact.name,
        kind: artifact.kind,
        content_type: artifact.contentType,
        size_bytes: 0,
        sha256: '',
        state: 'UPLOADING' satisfies ArtifactState,
        created_at: artifact.createdAt,
      })
      .execute();
  }

  /** One short statement per chunk, so an upload never holds a long transaction. */
  async insertChunk(artifactId: string, seq: number, data: Uint8Array): Promise<void> {
    await this.engine.db
      .insertInto('artifact_chunks')
      .values({ artifact_id: artifactId, seq, data })
      .execute();
  }

  /** Makes an upload visible; undefined when it is no longer UPLOADING (discarded meanwhile). */
  async complete(id: string, sizeBytes: number, sha256: string): Promise<Artifact | undefined> {
    const row = await this.engine.db
      .updateTable('artifacts')
      .set({ size_bytes: sizeBytes, sha256, state: 'COMPLETE' satisfies ArtifactState })
      .where('id', '=', id)
      .where('state', '=', 'UPLOADING' satisfies ArtifactState)
      .returningAll()
      .executeTakeFirst();
    return row && toArtifact(row);
  }

  /** Removes an artifact and (by cascade) its chunks. */
  async delete(id: string): Promise<void> {
    await this.engine.db.deleteFrom('artifacts').where('id', '=', id).execute();
  }

  async listComplete(runId: string): Promise<Artifact[]> {
    const rows = await this.engine.db
      .selectFrom('artifacts')
      .selectAll()
      .where('run_id', '=', runId)
      .where('state', '=', 'COMPLETE' satisfies ArtifactState)
      .orderBy('created_at', 'asc')
      .orderBy('id', 'asc')
      .execute();
    return rows.map(toArtifact);
  }

  async findComplete(runId: string, id: string): Promise<Artifact | undefined> {
    const row = await this.engine.db
      .selectFrom('artifacts')
      .selectAll()
      .where('id', '=', id)
      .where('run_id', '=', runId)
      .where('state', '=', 'COMPLETE' satisfies ArtifactState)
      .executeTakeFirst();
    return row && toArtifact(row);
  }

  /** The chunk after `afterSeq` (keyset, so reading never depends on the chunk size used to write). */
  async nextChunk(
    artifactId: string,
    afterSeq: number,
  ): Promise<{ seq: number; data: Uint8Array } | undefined> {
    return this.engine.db
      .selectFrom('artifact_chunks')
      .select(['seq', 'data'])
      .where('artifact_id', '=', artifactId)
      .where('seq', '>', afterSeq)
      .orderBy('seq', 'asc')
      .limit(1)
      .executeTakeFirst();
  }
}
