import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { v7 as uuidv7 } from 'uuid';
import type { Artifact, ArtifactKind, Page } from '@synctrail/types';
import type { Access } from '../auth/access.js';
import type { Engine } from '../storage/engine.js';
import { Metrics } from '../metrics/metrics.js';
import { AppError, notFound } from '../http/errors.js';
import { isUuid } from '../shared/filters.js';
import type { IdempotencyService } from '../idempotency/idempotency.service.js';
import type { RunService } from '../runs/run.service.js';
import type { Masker } from '../masking/masker.js';
import type { TextMaskStream } from '../masking/text-stream.js';
import { BASELINE_MASKERS, type MaskerSource } from '../masking/masking-rule.service.js';
import { ArtifactRepository } from './artifact.repository.js';

/** Uploads are cut into chunks of this size: big enough for few round trips, small enough to hold. */
export const CHUNK_BYTES = 1024 * 1024;

const BY_EXTENSION: Record<string, string> = {
  xml: 'application/xml',
  json: 'application/json',
  txt: 'text/plain',
  log: 'text/plain',
};

/** Media types of text files, which are masked on their way in (archives, images… are stored as sent). */
const TEXT_MEDIA = /^text\/|[/+](?:xml|json)$|^application\/(?:x-ndjson|jsonl|x-yaml|yaml|x-har)$/;
/** Extensions of text files, for an upload whose type says nothing (`application/octet-stream`). */
const TEXT_EXTENSIONS = new Set([
  'txt',
  'log',
  'xml',
  'json',
  'csv',
  'har',
  'ndjson',
  'jsonl',
  'yaml',
  'yml',
  'ini',
  'cfg',
  'conf',
  'properties',
  'trace',
]);
/** A NUL byte this early means the file is binary after all (a compressed log named .log): it is stored as sent. */
const SNIFF_BYTES = 8192;
const NOTHING = Buffer.alloc(0);

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

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/** Text kinds (.txt, .xml, .json, .log, HTTP traces…) are masked; binary ones are not. */
function isText(name: string, contentType: string, kind: ArtifactKind): boolean {
  const media = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (TEXT_MEDIA.test(media)) return true;
  if (media !== 'application/octet-stream') return false;
  // The kinds other than OTHER are the text files of a sync session's log pack; a compressed one is caught by the sniff.
  return TEXT_EXTENSIONS.has(extensionOf(name)) || kind !== 'OTHER';
}

/**
 * Masks a text file on its way into storage, a piece at a time (see Masker.textStream). Bytes are read
 * as latin1, so whatever is not a secret is stored byte for byte whatever the file's encoding; a file
 * with a NUL byte in its first 8 KiB is binary after all (or UTF-16, which is not scanned) and passes as sent.
 */
class TextFileMasking {
  private head: Buffer[] = [];
  private headBytes = 0;
  /** undefined until the first 8 KiB are seen; null for a binary file. */
  private stream: TextMaskStream | null | undefined;

  constructor(private readonly masker: Masker) {}

  push(piece: Buffer): Buffer {
    if (this.stream === undefined) {
      this.head.push(piece);
      this.headBytes += piece.length;
      return this.headBytes < SNIFF_BYTES ? NOTHING : this.decide();
    }
    return this.stream === null ? piece : Buffer.from(this.stream.push(piece.toString('latin1')), 'latin1');
  }

  end(): Buffer {
    const head = this.stream === undefined ? this.decide() : NOTHING;
    const rest = this.stream ? Buffer.from(this.stream.end(), 'latin1') : NOTHING;
    return rest.length === 0 ? head : Buffer.concat([head, rest]);
  }

  private decide(): Buffer {
    const head = Buffer.concat(this.head, this.headBytes);
    this.head = [];
    if (head.subarray(0, SNIFF_BYTES).includes(0)) {
      this.stream = null;
      return head;
    }
    this.stream = this.masker.textStream();
    return Buffer.from(this.stream.push(head.toString('latin1')), 'latin1');
  }
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
    private readonly masking: MaskerSource = BASELINE_MASKERS,
    private readonly metrics: Metrics = new Metrics(),
  ) {
    this.repository = new ArtifactRepository(engine);
  }

  /**
   * Streams a file into storage chunk by chunk (never whole in memory, never one long transaction),
   * then makes it visible. Text files are masked on the way (the organization's rules included); size
   * and SHA-256 are those of what is stored. Anything that goes wrong on the way removes what was stored.
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
    const kind = upload.kind ?? 'OTHER';
    const masker = isText(name, contentType, kind)
      ? await this.masking.maskerFor(run.organizationId)
      : undefined;

    const id = uuidv7();
    await this.repository.insertUploading({
      id,
      organizationId: run.organizationId,
      runId: run.id,
      name,
      kind,
      contentType,
      createdAt: new Date(),
    });
    try {
      const { sizeBytes, sha256 } = await this.receive(id, upload.body, masker);
      const result = await this.finish(access.actor, id, sizeBytes, sha256, idempotency);
      if (!result.replayed) this.metrics.ingested('artifact_bytes', sizeBytes);
      return result;
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
    if (artifact.contentRemovedAt) {
      throw new AppError(
        'artifact_content_removed',
        `The content of log file "${artifact.name}" was removed by retention on ${artifact.contentRemovedAt} ` +
          "(the organization's payload retention); its name, size and SHA-256 are kept.",
        { removedAt: artifact.contentRemovedAt, sizeBytes: artifact.sizeBytes, sha256: artifact.sha256 },
      );
    }
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

  /** Stores the body (masked when a masker is given); the limit counts the bytes received. */
  private async receive(
    id: string,
    body: Readable | undefined,
    masker: Masker | undefined,
  ): Promise<{ sizeBytes: number; sha256: string }> {
    const hash = createHash('sha256');
    const masking = masker && new TextFileMasking(masker);
    let receivedBytes = 0;
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
    const keep = (piece: Buffer) => {
      if (piece.length === 0) return;
      sizeBytes += piece.length;
      hash.update(piece);
      pending.push(piece);
      pendingBytes += piece.length;
    };
    if (body) {
      // Not destroyed when we stop early: destroying a request kills its socket before the 413 is sent.
      const pieces = body.iterator({ destroyOnReturn: false });
      for (;;) {
        const next = await readNext(pieces);
        if (next.done) break;
        const piece = toBuffer(next.value);
        receivedBytes += piece.length;
        if (receivedBytes > this.maxBytes) throw this.tooLarge();
        keep(masking ? masking.push(piece) : piece);
        // Awaiting each insert before reading on is the backpressure: the client waits for storage.
        while (pendingBytes >= CHUNK_BYTES) await flush(CHUNK_BYTES);
      }
    }
    if (masking) keep(masking.end());
    while (pendingBytes >= CHUNK_BYTES) await flush(CHUNK_BYTES);
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
      throw new Error(`Could not remove the partial artifact ${id}.`, {
        cause: new AggregateError([reason, cleanup]),
      });
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
