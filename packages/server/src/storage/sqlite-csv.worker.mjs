// The reading half of SqliteEngine.copyCsv, on a worker thread: steps the export's statement on a
// read-only connection of its own and posts the CSV records it selects in chunks of about
// `chunkChars` characters, each record ended with CRLF, while the request thread hashes and sends
// the previous chunks. At most `window` chunks are in flight: past that it waits (Atomics.wait on
// the shared `control` words) until the request thread has taken one, so memory does not grow with a
// slow client. `control[STOP]` set by the request thread (the client went away) ends the statement
// at the next chunk. Plain JavaScript, started as is by the built server and under tsx or vitest.
import { TextEncoder } from 'node:util';
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';

const CONSUMED = 0;
const STOP = 1;

const { file, sql, params, chunkChars, window, control } = workerData;
const state = new Int32Array(control);
const encoder = new TextEncoder();
let sent = 0;

/** Posts one chunk and waits for room; false once the request thread asked to stop. */
function send(text, records) {
  const data = encoder.encode(text);
  parentPort.postMessage({ type: 'chunk', data, records }, [data.buffer]);
  sent++;
  for (;;) {
    if (Atomics.load(state, STOP) !== 0) return false;
    const consumed = Atomics.load(state, CONSUMED);
    if (sent - consumed < window) return true;
    Atomics.wait(state, CONSUMED, consumed, 1000);
  }
}

let connection;
try {
  connection = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  connection.pragma('busy_timeout = 5000');
  // One pass over the rows in order: a page is read once, so a small page cache does (2 MB, not 16).
  connection.pragma('cache_size = -2000');
  const rows = connection
    .prepare(sql)
    .pluck()
    .iterate(...params);
  let complete = true;
  try {
    let text = '';
    let records = 0;
    for (const record of rows) {
      text += record + '\r\n';
      records++;
      if (text.length >= chunkChars) {
        if (!send(text, records)) {
          complete = false;
          break;
        }
        text = '';
        records = 0;
      }
    }
    if (complete && records > 0) complete = send(text, records);
  } finally {
    rows.return?.();
  }
  if (complete) parentPort.postMessage({ type: 'end' });
} catch (error) {
  parentPort.postMessage({
    type: 'error',
    message: error instanceof Error ? error.message : String(error),
    code: typeof error?.code === 'string' ? error.code : undefined,
  });
} finally {
  connection?.close();
}
