import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Collect = (options: { type: 'minor' }) => void;

let collect: Collect | null | undefined;

/** V8's `gc`, taken from a fresh context once `--expose-gc` is set (the global one stays clean). */
function collector(): Collect | null {
  if (collect !== undefined) return collect;
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    collect = typeof gc === 'function' ? (gc as Collect) : null;
  } catch {
    collect = null;
  }
  return collect;
}

/**
 * Frees the buffers a long stream has finished with, every `everyBytes` of them. A stream's chunks
 * are Buffers whose bytes live outside the JavaScript heap; what dies is freed only when the young
 * generation is collected, and a stream allocates so little on the heap itself that collections come
 * rarely: V8 then waits for 64 MB of dead buffers before it collects, which is what a long export or
 * bundle added to the server's RSS. A young-generation collection (a scavenge: a fraction of a
 * millisecond with the little a server keeps young) every MB or so keeps the garbage to about that.
 * Measured in one process (anonymous RSS, idle → peak): 300,000 actions from SQLite 62 → 122–132 MB
 * without, 67 → 82–88 MB with a scavenge every 2 MB; 1,000,000 actions from PostgreSQL 65–75 →
 * 98–109 MB every 4 MB, 89–92 every 1 MB, 82–85 every 256 kB, all at the same speed within the noise.
 */
export class YoungGarbage {
  #since = 0;

  constructor(private readonly everyBytes = 1024 * 1024) {}

  /** Counts `bytes` of buffers handed on; collects once `everyBytes` have passed since the last time. */
  passed(bytes: number): void {
    this.#since += bytes;
    if (this.#since < this.everyBytes) return;
    this.#since = 0;
    collector()?.({ type: 'minor' });
  }
}
