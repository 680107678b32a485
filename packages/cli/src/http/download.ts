import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SynctrailError } from '@synctrail/sdk';
import { CliError } from '../exit-codes.js';
import type { ApiClient, Query } from './api-client.js';
import type { Progress } from '../output/progress.js';

/** What a download received: its size, SHA-256, headers and trailers. */
export interface Downloaded {
  bytes: number;
  sha256: string;
  headers: http.IncomingHttpHeaders;
  trailers: NodeJS.Dict<string>;
}

/**
 * Streams `GET path` into `file`. node:http rather than fetch: the HTTP trailers an export ends
 * with (row count, SHA-256) are only readable there. Rejects when the server refuses (its error) or
 * the answer is cut short.
 */
export function downloadTo(
  client: ApiClient,
  path: string,
  query: Query,
  file: string,
  progress: (total: number | undefined) => Progress,
): Promise<Downloaded> {
  const url = client.url(path, query);
  const get = url.protocol === 'https:' ? https.get : http.get;
  return new Promise((resolve, reject) => {
    const req = get(
      url,
      { headers: { ...client.authHeaders('GET'), 'user-agent': 'synctrail-cli/0.1.0' } },
      (res) => {
        if (res.statusCode !== 200) {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () =>
            reject(SynctrailError.fromResponse(res.statusCode ?? 0, body, 'GET', url.pathname)),
          );
          res.on('error', reject);
          return;
        }
        const length = Number(res.headers['content-length']);
        const bar = progress(Number.isFinite(length) && length > 0 ? length : undefined);
        const hash = createHash('sha256');
        let bytes = 0;
        const measure = new Transform({
          transform(chunk: Buffer, _encoding, done) {
            hash.update(chunk);
            bytes += chunk.length;
            bar.advance(chunk.length);
            done(null, chunk);
          },
        });
        pipeline(res, measure, createWriteStream(file))
          .then(() => {
            bar.stop();
            if (!res.complete)
              throw new CliError('The download was cut short: the server went away before the end.');
            resolve({ bytes, sha256: hash.digest('hex'), headers: res.headers, trailers: res.trailers });
          })
          .catch((error: unknown) => {
            bar.stop();
            reject(
              error instanceof CliError
                ? error
                : new CliError(`The download was cut short: ${(error as Error).message}`, undefined, {
                    cause: error,
                  }),
            );
          });
      },
    );
    req.on('error', (error) => {
      const cause = error instanceof Error ? error.message : String(error);
      reject(
        new SynctrailError(
          0,
          'network_error',
          `Cannot reach Synctrail at ${url.origin}: ${cause}`,
          undefined,
          { cause: error },
        ),
      );
    });
  });
}

/**
 * Writes a file the safe way: into `FILE.part`, checked by `verify`, renamed to `FILE` only then;
 * on any failure (or Ctrl-C) the part is removed and nothing is left under the final name.
 */
export async function writeVerified<T>(
  file: string,
  write: (part: string) => Promise<Downloaded>,
  verify: (part: string, downloaded: Downloaded) => Promise<T>,
): Promise<T> {
  const part = `${file}.part`;
  const interrupted = () => {
    void rm(part, { force: true }).finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  try {
    const downloaded = await write(part);
    const verified = await verify(part, downloaded);
    await rename(part, file);
    return verified;
  } catch (error) {
    await rm(part, { force: true });
    throw error;
  } finally {
    process.off('SIGINT', interrupted);
  }
}
