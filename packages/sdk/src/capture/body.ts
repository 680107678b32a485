import { brotliDecompressSync, constants, gunzipSync, inflateSync } from 'node:zlib';
import type { HeaderRecord } from './masking.js';

/**
 * Keeps the first `limit` bytes of a body that passes by in chunks, and counts them all.
 *
 * @example
 * ```ts
 * const body = new BodyBuffer(65_536);
 * body.add(chunk);
 * ```
 */
export class BodyBuffer {
  private chunks: Buffer[] = [];
  private kept = 0;
  /** Bytes seen, kept or not. */
  total = 0;

  constructor(private readonly limit: number) {}

  add(chunk: unknown, encoding?: BufferEncoding): void {
    let bytes: Buffer;
    if (typeof chunk === 'string') bytes = Buffer.from(chunk, encoding ?? 'utf8');
    else if (chunk instanceof Uint8Array)
      bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    else return;
    this.total += bytes.length;
    if (this.kept >= this.limit) return;
    // Copied: the caller may reuse its buffer once the chunk is written.
    const part = Buffer.from(bytes.subarray(0, this.limit - this.kept));
    this.chunks.push(part);
    this.kept += part.length;
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/**
 * The first value of a header, by lower-case name.
 *
 * @example
 * ```ts
 * headerValue({ 'content-type': 'application/json' }, 'content-type'); // 'application/json'
 * ```
 */
export function headerValue(headers: HeaderRecord, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

const TEXTUAL = /^text\/|json|xml|javascript|ecmascript|x-www-form-urlencoded|graphql|csv|yaml|html/i;

/** Decodes what was kept of a compressed body; a cut-off stream yields what it can. */
function decompress(data: Buffer, encoding: string): Buffer | undefined {
  try {
    switch (encoding) {
      case 'gzip':
      case 'x-gzip':
        return gunzipSync(data, { finishFlush: constants.Z_SYNC_FLUSH });
      case 'deflate':
        return inflateSync(data, { finishFlush: constants.Z_SYNC_FLUSH });
      case 'br':
        return brotliDecompressSync(data, { finishFlush: constants.BROTLI_OPERATION_FLUSH });
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}

function isUtf8Text(data: Buffer, cut: boolean): boolean {
  // A body cut at the limit may end inside a character: ignore its last bytes.
  const probe = cut ? data.subarray(0, Math.max(0, data.length - 3)) : data;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(probe);
    return !probe.includes(0);
  } catch {
    return false;
  }
}

/**
 * The recorded body as text, at most `maxBytes` of it (decompressed if needed). Binary bodies are
 * described rather than recorded. `null` when there was no body.
 *
 * @example
 * ```ts
 * bodyText(body, { 'content-type': 'application/json', 'content-encoding': 'gzip' }, 65_536);
 * ```
 */
export function bodyText(body: BodyBuffer, headers: HeaderRecord, maxBytes: number): string | null {
  if (body.total === 0) return null;
  let data = body.bytes();
  let cut = body.total > data.length;
  const encoding = headerValue(headers, 'content-encoding')?.trim().toLowerCase();
  if (encoding && encoding !== 'identity') {
    const decoded = decompress(data, encoding);
    if (!decoded) return `[${encoding}-encoded body, ${body.total} bytes]`;
    data = decoded;
  }
  if (data.length > maxBytes) {
    data = data.subarray(0, maxBytes);
    cut = true;
  }
  const contentType = headerValue(headers, 'content-type');
  const textual = contentType ? TEXTUAL.test(contentType) : isUtf8Text(data, cut);
  if (!textual) return `[binary body, ${body.total} bytes${contentType ? `, ${contentType}` : ''}]`;
  let text = new TextDecoder('utf-8').decode(data);
  if (!cut) return text;
  text = text.replace(/\uFFFD+$/, '');
  return `${text}…[cut at ${maxBytes} bytes; the body had ${body.total}${encoding ? ` ${encoding}-encoded` : ''} bytes]`;
}
