import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Artifact, ArtifactKind } from '@synctrail/types';
import type { RequestBody, Transport } from './transport.js';

/**
 * What `attach()` accepts as a file: its whole content, or a stream of it (read once, never buffered).
 *
 * @example
 * ```ts
 * const data: ArtifactData = fs.createReadStream('/tmp/sync-dump.json');
 * ```
 */
export type ArtifactData = string | Uint8Array | Readable | AsyncIterable<string | Uint8Array>;

/**
 * Options of `run.attach()`.
 *
 * @example
 * ```ts
 * await run.attach('mapping.xml', 'MAPPING_SCHEME', xml, { contentType: 'application/xml' });
 * ```
 */
export interface AttachOptions {
  /** Content-Type of the file; without one the server guesses it from the name. */
  contentType?: string;
}

async function* bytes(source: AsyncIterable<string | Uint8Array>): AsyncIterable<Uint8Array> {
  for await (const chunk of source) yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
}

function toBody(data: ArtifactData, contentType: string | undefined): RequestBody {
  const type = contentType === undefined ? {} : { contentType };
  // A string is sent as bytes so that fetch adds no `text/plain` of its own and the server can guess from the name.
  if (typeof data === 'string') return { raw: Buffer.from(data), ...type };
  if (data instanceof Uint8Array) return { raw: data, ...type };
  return { stream: bytes(data), ...type };
}

/**
 * Uploads a file to a run. Whole contents are retried under one idempotency key; a stream cannot be
 * read twice, so its upload is attempted once.
 *
 * @example
 * ```ts
 * const artifact = await uploadArtifact(transport, runId, 'job.txt', 'JOB_LIST', 'job 1\n', {});
 * ```
 */
export async function uploadArtifact(
  transport: Transport,
  runId: string,
  name: string,
  kind: ArtifactKind,
  data: ArtifactData,
  options: AttachOptions,
): Promise<Artifact> {
  const answer = await transport.request<Artifact>(
    'POST',
    `/api/v1/runs/${encodeURIComponent(runId)}/artifacts`,
    {
      query: { name, kind },
      body: toBody(data, options.contentType),
      idempotencyKey: randomUUID(),
    },
  );
  return answer.body;
}
