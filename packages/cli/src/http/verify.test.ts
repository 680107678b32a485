import { createHash } from 'node:crypto';
import { createWriteStream, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import yazl from 'yazl';
import { describe, expect, it } from 'vitest';
import type { Downloaded } from './download.js';
import { verifyBundle, verifyCsv } from './verify.js';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const dir = mkdtempSync(join(tmpdir(), 'synctrail-verify-'));

/** A zip of `files` with `manifest` as its manifest.json (undefined: none), written with yazl as the server does. */
async function zipOf(name: string, files: Record<string, string>, manifest: unknown): Promise<string> {
  const zip = new yazl.ZipFile();
  for (const [path, content] of Object.entries(files)) zip.addBuffer(Buffer.from(content), path);
  if (manifest !== undefined) zip.addBuffer(Buffer.from(JSON.stringify(manifest)), 'manifest.json');
  zip.end();
  const file = join(dir, name);
  await finished(zip.outputStream.pipe(createWriteStream(file)));
  return file;
}

const FILES = { 'run.json': '{"id":"r1"}', 'trace.txt': 'GET /ews 200\n' };
const listed = (files: Record<string, string>) =>
  Object.entries(files).map(([path, content]) => ({
    path,
    size: Buffer.byteLength(content),
    sha256: sha(content),
  }));
const got = { bytes: 1, sha256: 'ab', headers: {}, trailers: {} } satisfies Downloaded;

describe('verifyBundle', () => {
  it('accepts a zip whose files match their manifest entries', async () => {
    const file = await zipOf('good.zip', FILES, { runId: 'r1', files: listed(FILES) });
    await expect(verifyBundle(file, got)).resolves.toMatchObject({ files: 2, runs: 1 });
  });

  it('refuses a file whose content is not the one the manifest lists', async () => {
    const file = await zipOf(
      'edited.zip',
      { ...FILES, 'trace.txt': 'GET /ews 500\n' },
      { files: listed(FILES) },
    );
    await expect(verifyBundle(file, got)).rejects.toThrow(
      'trace.txt in the bundle does not match its manifest',
    );
  });

  it('refuses a listed file that is missing, and a file that is not listed', async () => {
    const missing = await zipOf('missing.zip', { 'run.json': FILES['run.json'] }, { files: listed(FILES) });
    await expect(verifyBundle(missing, got)).rejects.toThrow('lacks trace.txt');
    const extra = await zipOf('extra.zip', { ...FILES, 'x.txt': 'x' }, { files: listed(FILES) });
    await expect(verifyBundle(extra, got)).rejects.toThrow('does not list: x.txt');
  });

  it('refuses a zip without manifest.json, and a file that is not a zip', async () => {
    await expect(verifyBundle(await zipOf('bare.zip', FILES, undefined), got)).rejects.toThrow(
      'no manifest.json',
    );
    await expect(verifyBundle(join(dir, 'nothing-here.zip'), got)).rejects.toThrow('not a readable zip');
  });
});

describe('verifyCsv', () => {
  it('takes the row count when the trailers came and the SHA-256 matches', () => {
    expect(verifyCsv({ ...got, trailers: { 'x-row-count': '3', 'x-content-sha256': 'ab' } })).toEqual({
      rows: 3,
      bytes: 1,
      sha256: 'ab',
    });
  });

  it('refuses an export without trailers, or whose SHA-256 differs', () => {
    expect(() => verifyCsv(got)).toThrow('incomplete');
    expect(() => verifyCsv({ ...got, trailers: { 'x-row-count': '3', 'x-content-sha256': 'cd' } })).toThrow(
      'corrupt',
    );
  });
});
