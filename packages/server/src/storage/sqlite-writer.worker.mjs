// The writing half of SqliteEngine, on a worker thread: it owns the database's one write connection
// (WAL, synchronous=FULL, foreign keys, busy timeout: the pragmas the engine always had) and runs
// what the request thread posts, one message at a time, in order, so that the request thread parses,
// validates and masks the next batch while this one inserts and commits. The request thread
// serializes transactions (see `sqlite-writer.ts`): while one is open, only its statements arrive.
//
// Messages in: [id, op, sql, values, begin]. QUERY runs one statement (values: its parameters),
// BULK runs one prepared INSERT over every row of a batch (values: the rows), in one message;
// `begin` opens the transaction first (a transaction's BEGIN travels with its first statement).
// COMMIT, ROLLBACK, CLOSE. Messages out: [id, result] or [id, undefined, error]. A QUERY whose
// message ends with `true` is one the request thread blocks for (`queryNow`): its answer goes to the
// `answers` port, and the shared `signal` word is incremented and notified.
// The request thread does not wait for a BULK's answer (nothing in it is needed): when one fails, its
// error is the answer to every later statement of that transaction and to its COMMIT, so the
// transaction fails, and rolls back, as if the bulk insert itself had thrown.
// Plain JavaScript, started as is by the built server and under tsx or vitest.
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';

const QUERY = 0;
const BULK = 1;
const COMMIT = 2;
const ROLLBACK = 3;
const CLOSE = 4;
/** Prepared statements kept (by SQL text); past this the cache starts again. */
const STATEMENTS = 500;

const signal = new Int32Array(workerData.signal);
const answers = workerData.answers;

function reply(message, answer) {
  if (message[5] === true) {
    answers.postMessage(answer);
    Atomics.add(signal, 0, 1);
    Atomics.notify(signal, 0);
  } else parentPort.postMessage(answer);
}

const db = new BetterSqlite3(workerData.file);
db.pragma('journal_mode = WAL');
// FULL: a commit is on disk before the API acknowledges it.
db.pragma('synchronous = FULL');
db.pragma('foreign_keys = ON');
db.pragma('busy_timeout = 5000');

const statements = new Map();
function prepared(sql) {
  let statement = statements.get(sql);
  if (statement === undefined) {
    if (statements.size >= STATEMENTS) statements.clear();
    statement = db.prepare(sql);
    statements.set(sql, statement);
  }
  return statement;
}

/** What Kysely's SQLite driver answers for a statement (rows for readers, counts for the rest). */
function run(sql, params) {
  const statement = prepared(sql);
  if (statement.reader) return { rows: statement.all(params) };
  const { changes, lastInsertRowid } = statement.run(params);
  return { changes, lastInsertRowid };
}

/** The error of the open transaction's failed bulk insert (see the header), posted again as is. */
let failedBulk;

function errorOf(error) {
  return {
    message: error instanceof Error ? error.message : String(error),
    code: typeof error?.code === 'string' ? error.code : undefined,
    sqlite: error instanceof BetterSqlite3.SqliteError,
  };
}

parentPort.on('message', (message) => {
  const id = message[0];
  const op = message[1];
  if (op === QUERY || op === BULK) {
    if (message[4]) failedBulk = undefined;
    else if (failedBulk !== undefined && db.inTransaction) {
      reply(message, [id, undefined, failedBulk]);
      return;
    }
  }
  try {
    let result = null;
    switch (op) {
      case QUERY:
        if (message[4]) db.exec('begin');
        result = run(message[2], message[3]);
        break;
      case BULK: {
        if (message[4]) db.exec('begin');
        const statement = prepared(message[2]);
        try {
          for (const row of message[3]) statement.run(row);
        } catch (error) {
          failedBulk = errorOf(error);
          throw error;
        }
        break;
      }
      case COMMIT:
        if (failedBulk !== undefined) {
          const error = failedBulk;
          failedBulk = undefined;
          if (db.inTransaction) db.exec('rollback');
          reply(message, [id, undefined, error]);
          return;
        }
        db.exec('commit');
        break;
      case ROLLBACK:
        failedBulk = undefined;
        // SQLite may have rolled back already (some errors end the transaction themselves).
        if (db.inTransaction) db.exec('rollback');
        break;
      case CLOSE:
        if (db.inTransaction) db.exec('rollback');
        db.close();
        parentPort.postMessage([id, null]);
        answers.close();
        parentPort.close();
        return;
      default:
        throw new Error(`unknown writer operation ${message[1]}`);
    }
    reply(message, [id, result]);
  } catch (error) {
    reply(message, [id, undefined, errorOf(error)]);
  }
});
