import type { Command } from 'commander';
import type { Page, Run } from '@synctrail/types';
import { path, type ApiClient } from '../http/api-client.js';
import { liveEvents } from '../http/live-events.js';
import { EXIT, usageError } from '../exit-codes.js';
import { duration, text, time, type Output } from '../output/output.js';
import { contextOf } from './context.js';
import { printRun } from './runs.js';

const FINAL = new Set(['FINISHED', 'ABORTED']);

function counterLine(out: Output, run: Run): string {
  const c = run.counters;
  return (
    `${out.status(run.progress)} ${out.status(run.status)}  processed ${c.processed}  creates ${c.creates}  ` +
    `updates ${c.updates}  deletes ${c.deletes}  warnings ${c.warnings}  errors ${c.errors}` +
    (run.durationMs !== null ? `  ${duration(run.durationMs)}` : '')
  );
}

/** Prints a run's counters each time they change: one line rewritten on a terminal, a line each otherwise. */
class CounterDisplay {
  private last = '';
  private drawn = false;

  constructor(private readonly out: Output) {}

  show(run: Run): void {
    if (this.out.options.ndjson) return this.out.json(run);
    if (this.out.options.json) return;
    const line = counterLine(this.out, run);
    if (line === this.last) return;
    this.last = line;
    if (this.out.stdout.isTTY) {
      this.out.stdout.write(`\r\x1b[2K${line}`);
      this.drawn = true;
    } else {
      this.out.line(line);
    }
  }

  end(): void {
    if (this.drawn) this.out.stdout.write('\n');
  }
}

async function watch(id: string, command: Command) {
  const ctx = contextOf(command);
  const client = ctx.client();
  const get = () => client.json<Run>('GET', path`/api/v1/runs/${id}`);
  let run = await get();
  const display = new CounterDisplay(ctx.out);
  display.show(run);
  if (!FINAL.has(run.progress)) {
    const stop = new AbortController();
    const update = (next: Run) => {
      run = next;
      display.show(run);
      if (FINAL.has(run.progress)) stop.abort();
    };
    // Whatever changed before the stream was open is read once it is.
    const events = liveEvents(client, {
      organizationId: run.organizationId,
      signal: stop.signal,
      onOpen: async () => update(await get()),
    });
    for await (const event of events) {
      if (event.kind === 'run' && event.run.id === id) update(event.run);
      else if (event.kind === 'reset') update(await get());
      if (stop.signal.aborted) break;
    }
  }
  display.end();
  if (ctx.options.json) ctx.out.json(run);
  else if (!ctx.options.ndjson) printRun(ctx.out, run);
  if (run.progress === 'ABORTED' || run.status === 'ERROR') process.exitCode = EXIT.RUN_FAILED;
}

/** The runs still in progress: the ones a tail has already seen. */
async function activeRunIds(client: ApiClient, organizationId: string | undefined): Promise<Set<string>> {
  const ids = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await client.json<Page<Run>>('GET', '/api/v1/runs', {
      query: { progress: 'PENDING,RUNNING,ABORTION_PENDING', organizationId, limit: '1000', cursor },
    });
    for (const run of page.items) ids.add(run.id);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return ids;
}

async function tail(options: { organizationId?: string; max?: string }, command: Command) {
  const max = options.max === undefined ? undefined : Number(options.max);
  if (max !== undefined && (!Number.isInteger(max) || max < 1)) {
    throw usageError(`--max takes a whole number of runs, not "${options.max}".`);
  }
  const ctx = contextOf(command);
  const client = ctx.client();
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  let seen: Set<string> | undefined;
  let count = 0;
  const events = liveEvents(client, {
    ...(options.organizationId ? { organizationId: options.organizationId } : {}),
    signal: stop.signal,
    onOpen: async () => {
      seen ??= await activeRunIds(client, options.organizationId);
      ctx.out.note(ctx.out.stderrColors.dim('waiting for new runs (Ctrl-C to stop)'));
    },
  });
  for await (const event of events) {
    if (event.kind !== 'run' || !seen || seen.has(event.run.id)) continue;
    seen.add(event.run.id);
    const run = event.run;
    if (ctx.out.machine) ctx.out.line(JSON.stringify(run));
    else {
      ctx.out.line(
        [time(run.requestedAt), run.id, run.trigger, text(run.name), ctx.out.status(run.progress)]
          .filter((p) => p.length > 0)
          .join('  '),
      );
    }
    if (max !== undefined && ++count >= max) stop.abort();
  }
}

/** `runs watch ID` and `runs tail`: live, through the server's event stream. */
export function registerRunWatching(runs: Command): void {
  runs
    .command('watch <id>')
    .description(
      'Follow a run live until it ends (exit 4 when it ends with status ERROR or ABORTED); --ndjson prints each change',
    )
    .action((id: string, _options: unknown, command: Command) => watch(id, command));

  runs
    .command('tail')
    .description('Print new runs as they are created, until Ctrl-C (--ndjson: one run a line)')
    .option('--organization-id <ids>', 'only these organizations, comma-separated')
    .option('--max <n>', 'stop after this many runs')
    .action((options: { organizationId?: string; max?: string }, command: Command) => tail(options, command));
}
