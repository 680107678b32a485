import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { v7 as uuidv7 } from 'uuid';
import type { Artifact, ArtifactKind, Page } from '@synctrail/types';
import type { Access } from '../auth/access.js';
import type { Engine } from '../storage/engine.js';
import { AppError, notFound } from '../http/errors.js';
import { isUuid } from '../shared/filters.js';
import type { IdempotencyService } from '../idempotency/idempotency.service.js';
import type { RunService } from '../runs/run.service.js';
import { ArtifactRepository } from './artifact.repository.js';

/** Uploads are cut into chunks of this size: big enough for few round trips, small enough to hold. */
export const CHUNK_BYTES = 1024 * 1024;

const BY_EXTENSION: Record<string, string> = {
  xml: 'application/xml',
  json: 'application/json',
  txt: 'text/plain',
  log: 'text/plain',
};

/** Content types that say nothing about the file (curl's `--data-binary` sends the form one). */
const UNINFORMATIVE = new Set(['application/octet-stream', 'application/x-www-form-urlencoded']);
const MEDIA_TYPE = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

export interface ArtifactUpload {
  name: string;
  kind?: ArtifactKind | undefined;
  /** The request's Content-Type, if any; otherwise guessed from the name's extension. */
  contentType?: string | undefined;
  /** The announced length (Content-Length), to refuse an oversized file before reading it. */
  declaredBytes?: number | undefined;
  /** The file itself; undefined for an empty one. */
  body: Readable | undefined;
}

/** An upload's `Idempotency-Key` and a fingerprint of the request it was first used for. */
export interface IdempotencyRequest {
  key: string;
  hash: string;
}

export interface UploadResult {
  artifact: Artifact;
  /** True when the key was used before: the earlier artifact is returned and nothing new is stored. */
  replayed: boolean;
}

function checkName(name: string): string {
  if (name === '.' || name === '..' || CONTROL_CHARS.test(name)) {
    throw new AppError('validation_failed', `Invalid artifact name "${name}": use a plain file name.`, [
      { path: '/name', message: 'must be a plain file name' },
    ]);
  }
  return name;
}

function contentTypeOf(name: string, header: string | undefined): string {
  const declared = header?.trim() ?? '';
  const media = declared.split(';')[0]?.trim().toLowerCase() ?? '';
  if (media === 'multipart/form-data') {
    throw new AppError(
      'unsupported_media_type',
      'Send the file itself as the request body (e.g. curl --data-binary @file), not a multipart form.',
    );
  }
  if (MEDIA_TYPE.test(media) && !UNINFORMATIVE.has(media) && declared.length <= 255) return declared;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  return BY_EXTENSION[extension] ?? 'application/octet-stream';
}

function toBuffer(piece: unknown): Buffer {
  if (Buffer.isBuffer(piece)) return piece;
  if (piece instanceof Uint8Array) return Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
  return Buffer.from(String(piece));
}

/** The next piece of the upload; a stream that breaks off (client gone) is the client's problem, not a 500. */
async function readNext(pieces: AsyncIterator<unknown>): Promise<IteratorResult<unknown>> {
  try {
    return await pieces.next();
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError(
      'invalid_body',
      'The upload broke off before the file ended; nothing was stored. Send it again.',
      undefined,
      { cause: error },
    );
  }
}

/**
 * Log files attached to runs (the first seed's "Download Logs"). Content lives in the database in
 * chunks, so any server process behind a load balancer can serve it.
 */
export class ArtifactService {
  readonly repository: ArtifactRepository;

  constructor(
    engine: Engine,
    private readonly runs: RunService,
    private readonly idempotency: IdempotencyService,
    private readonly maxBytes: number,
  ) {
    this.repository = new ArtifactRepository(engine);
  }

  /**
   * Streams a file into storage chunk by chunk (never whole in memory, never one long transaction),
   * then makes it visible. Anything that goes wrong on the way removes what was stored.
   */
  async upload(
    access: Access,
    runId: string,
    upload: ArtifactUpload,
    idempotency?: IdempotencyRequest,
  ): Promise<UploadResult> {
    access.require('ingest');
    const name = checkName(upload.name);
    const contentType = contentTypeOf(name, upload.contentType);
    if (idempotency) {
      const earlier = await this.replay(access.actor, idempotency);
      if (earlier) return earlier;
    }
    // Final runs accept artifacts: connectors often attach their logs after finishing.
    const run = await this.runs.get(access, runId, 'ingest');
    if (upload.declaredBytes !== undefined && upload.declaredBytes > this.maxBytes) throw this.tooLarge();

    const id = uuidv7();
    await this.repository.insertUploading({
      id,
      organizationId: run.organizationId,
      runId: run.id,
      name,
      kind: upload.kind ?? 'OTHER',
      contentType,
      createdAt: new Date(),
    });
    try {
      const { sizeBytes, sha256 } = await this.receive(id, upload.body);
      return await this.finish(access.actor, id, sizeBytes, sha256, idempotency);
    } catch (error) {
      await this.discard(id, error);
      throw error;
    }
  }

  /** A run's complete artifacts, oldest first (a run has few: no paging). */
  async list(access: Access, runId: string): Promise<Page<Artifact>> {
    const run = await this.runs.get(access, runId, 'read');
    return { items: await this.repository.listComplete(run.id), nextCursor: null };
  }

  /** An artifact whose content the caller may read (viewers may list log files, not open them). */
  async get(access: Access, runId: string, artifactId: string): Promise<Artifact> {
    const run = await this.runs.get(access, runId, 'payloads');
    const artifact = isUuid(artifactId) ? await this.repository.findComplete(run.id, artifactId) : undefined;
    if (!artifact) throw notFound('artifact_not_found', 'Artifact', artifactId);
    return artifact;
  }

  /**
   * The content of an artifact obtained through `get` or `list` (which checked visibility), read one
   * chunk per query as the consumer pulls: memory stays at about one chunk whatever the size.
   */
  content(artifact: Pick<Artifact, 'id'>): Readable {
    const repository = this.repository;
    async function* chunks() {
      let seq = -1;
      for (;;) {
        const chunk = await repository.nextChunk(artifact.id, seq);
        if (!chunk) return;
        seq = chunk.seq;
        yield toBuffer(chunk.data);
      }
    }
    return Readable.from(chunks(), { objectMode: false, highWaterMark: CHUNK_BYTES });
  }

  private async receive(id: string, body: Readable | undefined): Promise<{ sizeBytes: number; sha256: string }> {
    const hash = createHash('sha256');
    let sizeBytes = 0;
    let seq = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async (bytes: number) => {
      const all = Buffer.concat(pending, pendingBytes);
      await this.repository.insertChunk(id, seq++, all.subarray(0, bytes));
      const rest = all.subarray(bytes);
      pending = rest.length > 0 ? [rest] : [];
      pendingBytes = rest.length;
    };
    if (body) {
      // Not destroyed when we stop early: destroying a request kills its socket before the 413 is sent.
      const pieces = body.iterator({ destroyOnReturn: false });
      for (;;) {
        const next = await readNext(pieces);
        if (next.done) break;
        const piece = toBuffer(next.value);
        sizeBytes += piece.length;
        if (sizeBytes > this.maxBytes) throw this.tooLarge();
        hash.update(piece);
        pending.push(piece);
        pendingBytes += piece.length;
        // Awaiting each insert before reading on is the backpressure: the client waits for storage.
        while (pendingBytes >= CHUNK_BYTES) await flush(CHUNK_BYTES);
      }
    }
    if (pendingBytes > 0) await flush(pendingBytes);
    return { sizeBytes, sha256: hash.digest('hex') };
  }

  /** Makes the upload visible, and records it under its Idempotency-Key in the same transaction. */
  private async finish(
    actor: string,
    id: string,
    sizeBytes: number,
    sha256: string,
    idempotency: IdempotencyRequest | undefined,
  ): Promise<UploadResult> {
    const complete = async () => {
      const artifact = await this.repository.complete(id, sizeBytes, sha256);
      if (!artifact) throw new Error(`Artifact ${id} was discarded before it completed.`);
      return { statusCode: 201, body: artifact };
    };
    if (!idempotency) return { artifact: (await complete()).body, replayed: false };
    const result = await this.idempotency.run(actor, idempotency.key, idempotency.hash, complete);
    // A concurrent twin with the same key completed first: keep its artifact, drop ours.
    if (result.replayed) await this.repository.delete(id);
    return { artifact: result.body, replayed: result.replayed };
  }

  /** The earlier answer for this key, checked before reading the body so a retry is not stored again. */
  private async replay(actor: string, request: IdempotencyRequest): Promise<UploadResult | undefined> {
    if (request.key.length === 0 || request.key.length > 200) {
      throw new AppError('validation_failed', 'The Idempotency-Key header must be 1 to 200 characters long.');
    }
    const stored = await this.idempotency.repository.find(actor, request.key);
    if (!stored) return undefined;
    if (stored.requestHash !== request.hash) {
      throw new AppError(
        'idempotency_key_reused',
        'This Idempotency-Key was already used for a different request; use a new key for new data.',
      );
    }
    return { artifact: stored.body as Artifact, replayed: true };
  }

  private async discard(id: string, reason: unknown): Promise<void> {
    try {
      await this.repository.delete(id);
    } catch (cleanup) {
      throw new Error(`Could not remove the partial artifact ${id}.`, { cause: new AggregateError([reason, cleanup]) });
    }
  }

  private tooLarge(): AppError {
    return new AppError(
      'payload_too_large',
      `The file is larger than the ${this.maxBytes.toLocaleString('en-US')} bytes an artifact may hold ` +
        '(SYNCTRAIL_ARTIFACT_MAX_BYTES); nothing was stored. Compress or split it.',
      { limitBytes: this.maxBytes },
    );
  }
}
