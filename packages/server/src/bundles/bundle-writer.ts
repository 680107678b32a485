import { createHash } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import yazl from 'yazl';
import { YoungGarbage } from '../shared/young-garbage.js';

/** One file of a bundle; its content is opened only when the zip gets to it. */
export interface BundleFile {
  path: string;
  mtime: Date;
  open: () => Readable | AsyncIterable<Buffer | string> | Iterable<Buffer | string>;
}

/** A file as `manifest.json` lists it: what the zip holds, measured as it was written. */
export interface ManifestEntry {
  path: string;
  size: number;
  sha256: string;
}

export interface BundleSummary {
  files: ManifestEntry[];
  complete: boolean;
}

/**
 * A .zip of `files` (ZIP64 where sizes need it), streamed: each file is read when the zip reaches it,
 * hashed on the way, and followed by nothing until the client has taken it, so memory stays flat
 * whatever the size. `manifest` builds `manifest.json` (the last entry) from the files' sizes and
 * SHA-256. An abort (the client went away) stops reading the current file and lists no more.
 */
export function streamBundle(
  files: AsyncIterable<BundleFile>,
  manifest: (entries: ManifestEntry[]) => object,
  options: { signal: AbortSignal; onEnd: (summary: BundleSummary) => Promise<void> },
): Readable {
  const zip = new yazl.ZipFile();
  const output = new PassThrough();
  (zip.outputStream as Readable).on('error', (error) => output.destroy(error)).pipe(output);
  const entries: ManifestEntry[] = [];
  // A log file passes 1 MB at a time, and as much again leaves the zip compressed.
  const garbage = new YoungGarbage(4 * 1024 * 1024);
  let current: Readable | undefined;
  const onAbort = () => current?.destroy(new Error('the client went away'));
  options.signal.addEventListener('abort', onAbort, { once: true });

  const write = async () => {
    for await (const file of files) {
      if (options.signal.aborted) throw new Error('the client went away');
      const hash = createHash('sha256');
      let size = 0;
      const source = file.open();
      const hashed = Readable.from(
        (async function* () {
          for await (const piece of source as AsyncIterable<Buffer | string>) {
            const chunk = Buffer.isBuffer(piece) ? piece : Buffer.from(piece as string | Uint8Array);
            hash.update(chunk);
            size += chunk.length;
            garbage.passed(chunk.length);
            yield chunk;
          }
        })(),
        { objectMode: false },
      );
      current = hashed;
      const done = new Promise<void>((resolve, reject) => {
        hashed.once('end', resolve);
        hashed.once('error', reject);
        hashed.once('close', () => (hashed.readableEnded ? resolve() : reject(new Error('file not read'))));
      });
      zip.addReadStreamLazy(file.path, { mtime: file.mtime, compress: true }, (cb) => cb(null, hashed));
      await done;
      current = undefined;
      entries.push({ path: file.path, size, sha256: hash.digest('hex') });
    }
    zip.addBuffer(Buffer.from(JSON.stringify(manifest(entries), null, 2) + '\n'), 'manifest.json', {
      mtime: new Date(),
      compress: true,
    });
    // Before the central directory: a bundle that could not be put on record is not a valid zip.
    await options.onEnd({ files: entries, complete: true });
    zip.end();
  };

  write().catch(async (error: unknown) => {
    options.signal.removeEventListener('abort', onAbort);
    await options.onEnd({ files: entries, complete: false }).catch(() => undefined);
    output.destroy(error instanceof Error ? error : new Error(String(error)));
  });
  return output;
}
