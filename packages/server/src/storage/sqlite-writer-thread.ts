import { createRequire } from 'node:module';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';

/** The operations of `sqlite-writer.worker.mjs` (see its header). */
const QUERY = 0;
const BULK = 1;
const COMMIT = 2;
const ROLLBACK = 3;
const CLOSE = 4;
/**
 * How long the request thread blocks for a short statement's answer (`queryNow`) before it waits
 * for it like for any other.
 */
const NOW_WAIT_MS = 10;
/** How long `close()` waits for the worker to roll back and close its connection before terminating it. */
const CLOSE_GRACE_MS = 5000;

type Reply = [id: number, result: unknown, error?: { message: string; code?: string; sqlite: boolean }];

interface Pending {
  resolve: (value: any) => void;
  reject: (error: Error) => void;
}

let workerFile: string | undefined;
/** Resolved through the package's own exports: the same file from the sources and from the build. */
function writerWorkerFile(): string {
  workerFile ??= createRequire(import.meta.url).resolve('@synctrail/server/sqlite-writer-worker');
  return workerFile;
}

/** A structured clone turns a Buffer into a plain Uint8Array: blobs come back as Buffers, as inline. */
export function withBuffers(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  for (const row of rows) {
    for (const key in row) {
      const value = row[key];
      if (value instanceof Uint8Array && !Buffer.isBuffer(value))
        row[key] = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    }
  }
  return rows;
}

/**
 * The worker thread that owns the write connection, and the messages in flight to it. Each call
 * posts one message and resolves with the worker's answer; the worker answers in order. When the
 * worker dies every pending call fails with the reason, and so does every later one.
 */
export class WriterThread {
  readonly #worker: Worker;
  /** Counts the answers to `queryNow` the worker posted on `#answers` (it notifies each). */
  readonly #signal = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  readonly #answers: MessagePort;
  readonly #pending = new Map<number, Pending>();
  #next = 1;
  #failure: Error | undefined;
  readonly #exited: Promise<void>;

  constructor(file: string) {
    const { port1, port2 } = new MessageChannel();
    this.#answers = port1;
    this.#worker = new Worker(writerWorkerFile(), {
      workerData: { file, signal: this.#signal.buffer, answers: port2 },
      transferList: [port2],
    });
    // Answers to a `queryNow` that stopped blocking arrive here, as any answer does.
    port1.on('message', (reply: Reply) => this.#settle(reply));
    port1.unref();
    // Referenced only while a call waits for it (a CLI command must not exit before its commit, an
    // idle engine that nobody closed must not keep the process alive).
    this.#worker.unref();
    this.#worker.on('message', (reply: Reply) => this.#settle(reply));
    this.#worker.on('error', (error) =>
      this.#fail(new Error(`The SQLite writer thread failed: ${error.message}`, { cause: error })),
    );
    this.#exited = new Promise((resolve) =>
      this.#worker.once('exit', (code) => {
        this.#fail(new Error(`The SQLite writer thread stopped (exit code ${code}).`));
        resolve();
      }),
    );
  }

  /** Whether the thread is closed or dead (every call fails). */
  get stopped(): boolean {
    return this.#failure !== undefined;
  }

  /** The worker's thread id (tests: where statements run). */
  get threadId(): number {
    return this.#worker.threadId;
  }

  /** One statement; `begin` opens the transaction before it. */
  query(sql: string, params: readonly unknown[], begin: boolean): Promise<any> {
    return this.#post([0, QUERY, sql, params, begin]);
  }

  /**
   * One statement inside a transaction, answered at once: when nothing else is in flight, this
   * thread blocks (Atomics.wait, at most a few ms) until the worker has run it, instead of coming
   * back for the answer once its event loop gets to it. A transaction's short reads and updates then
   * hold the write lock for their own time, not for whatever other requests this thread parses
   * meanwhile (measured with 4 streams: 5-6 ms a round trip for a 0.1 ms statement). Past the wait,
   * or with other work in flight (a bulk insert ahead), it is answered like `query`.
   */
  queryNow(sql: string, params: readonly unknown[], begin: boolean): Promise<any> {
    if (this.#failure || this.#pending.size > 0) return this.query(sql, params, begin);
    const id = this.#next++;
    const seen = Atomics.load(this.#signal, 0);
    this.#worker.postMessage([id, QUERY, sql, params, begin, true]);
    if (Atomics.wait(this.#signal, 0, seen, NOW_WAIT_MS) !== 'timed-out') {
      const received = receiveMessageOnPort(this.#answers);
      // Only this statement is in flight, so the answer is its own; anything else is settled by id.
      if (received && (received.message as Reply)[0] !== id) this.#settle(received.message as Reply);
      else if (received) {
        try {
          return Promise.resolve(this.#outcome(received.message as Reply));
        } catch (error) {
          return Promise.reject(error as Error);
        }
      }
    }
    return this.#waitFor(id);
  }

  /** One prepared INSERT over all `rows`, in one message; `begin` opens the transaction before it. */
  bulk(sql: string, rows: readonly unknown[][], begin: boolean): Promise<void> {
    return this.#post([0, BULK, sql, rows, begin]);
  }

  commit(): Promise<void> {
    return this.#post([0, COMMIT]);
  }

  /**
   * Rolls back the open transaction. Once the thread is closed or dead there is none: closing rolls
   * back, and SQLite ignores what a dead connection never committed.
   */
  rollback(): Promise<void> {
    if (this.#failure) return Promise.resolve();
    return this.#post([0, ROLLBACK]);
  }

  /**
   * Rolls back an open transaction, closes the connection and ends the thread. Calls posted before
   * are answered first (the worker answers in order); calls after fail. A worker that does not end
   * within a few seconds is terminated.
   */
  async close(): Promise<void> {
    if (!this.#failure) {
      const closed = this.#post([0, CLOSE]).catch(() => undefined);
      this.#failure = new Error('The SQLite engine is closed.');
      const timer = setTimeout(() => void this.#worker.terminate(), CLOSE_GRACE_MS);
      await closed;
      await this.#exited;
      clearTimeout(timer);
    } else {
      await this.#worker.terminate();
    }
  }

  /** Kills the thread as a crash would (tests). */
  terminate(): Promise<number> {
    return this.#worker.terminate();
  }

  #post(message: unknown[]): Promise<any> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = this.#next++;
    message[0] = id;
    this.#worker.postMessage(message);
    return this.#waitFor(id);
  }

  #waitFor(id: number): Promise<any> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      if (this.#pending.size === 0) this.#worker.ref();
      this.#pending.set(id, { resolve, reject });
    });
  }

  #settle(reply: Reply): void {
    const pending = this.#pending.get(reply[0]);
    if (!pending) return;
    this.#pending.delete(reply[0]);
    if (this.#pending.size === 0) this.#worker.unref();
    try {
      pending.resolve(this.#outcome(reply));
    } catch (error) {
      pending.reject(error as Error);
    }
  }

  /** The result of an answer, or its error thrown. */
  #outcome([, result, error]: Reply): unknown {
    if (error === undefined) return result;
    if (error.sqlite) throw new BetterSqlite3.SqliteError(error.message, error.code ?? 'SQLITE_ERROR');
    throw Object.assign(new Error(error.message), error.code ? { code: error.code } : {});
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    this.#worker.unref();
    for (const p of pending) p.reject(error);
  }
}
