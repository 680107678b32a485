import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import yauzl from 'yauzl';
import { CliError } from '../exit-codes.js';
import type { Downloaded } from './download.js';

/** What a CSV export's trailers and body agree on. */
export interface CsvCheck {
  rows: number;
  bytes: number;
  sha256: string;
}

/**
 * A CSV export is whole when the server sent its trailers (it sends them only after the last row)
 * and the SHA-256 of what arrived is the one it announced.
 */
export function verifyCsv(downloaded: Downloaded): CsvCheck {
  const rows = downloaded.trailers['x-row-count'];
  const sha256 = downloaded.trailers['x-content-sha256'];
  if (!rows || !sha256) {
    throw new CliError(
      'The export is incomplete: the server did not confirm its end (no row count trailer).',
    );
  }
  if (sha256 !== downloaded.sha256) {
    throw new CliError(
      `The export is corrupt: its SHA-256 is ${downloaded.sha256}, the server sent ${sha256}.`,
    );
  }
  return { rows: Number(rows), bytes: downloaded.bytes, sha256 };
}

/** A PDF is whole when it ends with its end-of-file marker. */
export async function verifyPdf(
  file: string,
  downloaded: Downloaded,
): Promise<{ bytes: number; sha256: string }> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(5);
    await handle.read(head, 0, 5, 0);
    const tailSize = Math.min(1024, downloaded.bytes);
    const tail = Buffer.alloc(tailSize);
    await handle.read(tail, 0, tailSize, Math.max(0, downloaded.bytes - tailSize));
    if (head.toString('latin1') !== '%PDF-' || !tail.toString('latin1').includes('%%EOF')) {
      throw new CliError('The PDF is incomplete: it does not end with %%EOF.');
    }
  } finally {
    await handle.close();
  }
  return { bytes: downloaded.bytes, sha256: downloaded.sha256 };
}

interface ManifestFile {
  path: string;
  size: number;
  sha256: string;
}

/** What a verified bundle holds. */
export interface BundleCheck {
  files: number;
  bytes: number;
  runs: number;
  sha256: string;
}

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, autoClose: true }, (error, zip) =>
      error ? reject(error) : resolve(zip),
    ),
  );
}

function readEntry(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
): Promise<{ size: number; sha256: string; text?: string }> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error) return reject(error);
      const hash = createHash('sha256');
      const keep = entry.fileName === 'manifest.json';
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        size += chunk.length;
        if (keep) chunks.push(chunk);
      });
      stream.on('error', reject);
      stream.on('end', () =>
        resolve({
          size,
          sha256: hash.digest('hex'),
          ...(keep ? { text: Buffer.concat(chunks).toString('utf8') } : {}),
        }),
      );
    });
  });
}

/**
 * Opens a bundle and checks it against its `manifest.json`: every file it lists is there with its
 * size and SHA-256, and the zip holds no file it does not list.
 */
export async function verifyBundle(file: string, downloaded: Downloaded): Promise<BundleCheck> {
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(file);
  } catch (error) {
    throw new CliError(`The bundle is not a readable zip: ${(error as Error).message}`, undefined, {
      cause: error,
    });
  }
  const found = new Map<string, { size: number; sha256: string }>();
  let manifestText: string | undefined;
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      if (entry.fileName.endsWith('/')) return zip.readEntry();
      readEntry(zip, entry)
        .then((read) => {
          if (entry.fileName === 'manifest.json') manifestText = read.text;
          else found.set(entry.fileName, read);
          zip.readEntry();
        })
        .catch(reject);
    });
    zip.on('end', () => resolve());
    zip.on('error', reject);
    zip.readEntry();
  }).catch((error: unknown) => {
    throw new CliError(`The bundle is damaged: ${(error as Error).message}`, undefined, { cause: error });
  });
  if (manifestText === undefined) throw new CliError('The bundle has no manifest.json: it is incomplete.');
  const manifest = JSON.parse(manifestText) as { files?: ManifestFile[]; runs?: string[]; runId?: string };
  const listed = manifest.files ?? [];
  for (const entry of listed) {
    const got = found.get(entry.path);
    if (!got) throw new CliError(`The bundle lacks ${entry.path}, which its manifest lists.`);
    if (got.size !== entry.size || got.sha256 !== entry.sha256) {
      throw new CliError(`${entry.path} in the bundle does not match its manifest (size or SHA-256 differ).`);
    }
  }
  const unlisted = [...found.keys()].filter((name) => !listed.some((e) => e.path === name));
  if (unlisted.length > 0)
    throw new CliError(`The bundle holds files its manifest does not list: ${unlisted.join(', ')}.`);
  return {
    files: listed.length,
    bytes: downloaded.bytes,
    runs: manifest.runs?.length ?? (manifest.runId ? 1 : 0),
    sha256: downloaded.sha256,
  };
}
