import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { CsvChunk } from './engine.js';

/** What `sqlite-csv.worker.mjs` is started with. */
export interface CsvWorkerJob {
  file: string;
  sql: string;
  params: unknown[];
  chunkChars: number;
  window: number;
}

type WorkerMessage =
  | { type: 'chunk'; data: Uint8Array; records: number }
  | { type: 'end' }
  | { type: 'error'; message: string; code?: string };

/** The control words shared with the worker (see the worker's header). */
const CONSUMED = 0;
const STOP = 1;
/** How long a stopped worker may take to close its connection before it is terminated. */
const STOP_GRACE_MS = 2000;

let workerFile: string | undefined;
/** Resolved through the package's own exports: the same file from the sources and from the build. */
function csvWorkerFile(): string {
  workerFile ??= createRequire(import.meta.url).resolve('@synctrail/server/sqlite-csv-worker');
  return workerFile;
}

/**
 * Runs `job` on a worker thread and yields its chunks as they arrive. Each chunk taken lets the
 * worker post one more, so it stays at most `job.window` chunks ahead. An SQLite error in the worker
 * is thrown here with its message and code; a worker that dies without finishing fails the
 * iteration rather than end it as if the CSV were complete.
 */
export async function* readCsvOnWorker(job: CsvWorkerJob): AsyncGenerator<CsvChunk> {
  const control = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
  const state = new Int32Array(control);
  // The worker makes a short-lived string per record: a small young generation is collected often
  // and cheaply, where the default one grows to tens of MB over a long export.
  const worker = new Worker(csvWorkerFile(), {
    workerData: { ...job, control },
    resourceLimits: { maxYoungGenerationSizeMb: 4 },
  });
  const inbox: WorkerMessage[] = [];
  let failure: Error | undefined;
  let exited = false;
  let wake: (() => void) | undefined;
  const exit = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      exited = true;
      wake?.();
      resolve();
    }),
  );
  worker.on('message', (message: WorkerMessage) => {
    inbox.push(message);
    wake?.();
  });
  worker.on('error', (error) => {
    failure = error;
    wake?.();
  });
  try {
    for (;;) {
      const message = inbox.shift();
      if (message === undefined) {
        if (failure) throw failure;
        if (exited) throw new Error('The CSV reader thread stopped before the end of the export.');
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        continue;
      }
      if (message.type === 'end') return;
      if (message.type === 'error') {
        throw Object.assign(new Error(message.message), message.code ? { code: message.code } : {});
      }
      const { data, records } = message;
      yield { data: Buffer.from(data.buffer, data.byteOffset, data.byteLength), records };
      Atomics.add(state, CONSUMED, 1);
      Atomics.notify(state, CONSUMED);
    }
  } finally {
    if (!exited) {
      Atomics.store(state, STOP, 1);
      Atomics.notify(state, CONSUMED);
      const timer = setTimeout(() => void worker.terminate(), STOP_GRACE_MS);
      await exit;
      clearTimeout(timer);
    }
  }
}
