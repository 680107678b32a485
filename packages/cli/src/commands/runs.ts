import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { ActionListQuery, RunListQuery, type Action, type Run } from '@synctrail/types';
import { path } from '../http/api-client.js';
import { duration, text, time, type Column, type Output } from '../output/output.js';
import { contextOf } from './context.js';
import { listCommand } from './list.js';
import { registerRunWatching } from './runs-live.js';

/** The columns of a list of runs. */
export function runColumns(out: Output): Column<Run>[] {
  return [
    { header: 'ID', cell: (r) => r.id },
    { header: 'REQUESTED', cell: (r) => time(r.requestedAt) },
    { header: 'TRIGGER', cell: (r) => r.trigger },
    { header: 'NAME', cell: (r) => text(r.name) },
    { header: 'PROGRESS', cell: (r) => r.progress, paint: (t) => out.status(t) },
    { header: 'STATUS', cell: (r) => r.status, paint: (t) => out.status(t) },
    { header: 'PROCESSED', cell: (r) => String(r.counters.processed) },
    { header: 'ERRORS', cell: (r) => String(r.counters.errors) },
    { header: 'DURATION', cell: (r) => duration(r.durationMs) },
  ];
}

/** A run as `runs show` prints it. */
export function printRun(out: Output, run: Run): void {
  const c = run.counters;
  out.record(run, [
    ['id', run.id],
    ['organization', run.organizationId],
    ['integration', run.integrationId],
    ['user', text(run.userId)],
    ['name', text(run.name)],
    ['trigger', run.trigger],
    ['progress', out.status(run.progress)],
    ['status', out.status(run.status)],
    ['requested', time(run.requestedAt)],
    ['started', time(run.startedAt)],
    ['finished', time(run.finishedAt)],
    ['duration', duration(run.durationMs)],
    [
      'counters',
      `processed ${c.processed}, creates ${c.creates}, updates ${c.updates}, deletes ${c.deletes}, ` +
        `warnings ${c.warnings}, errors ${c.errors}, issues ${c.issues}`,
    ],
    ['error source', text(run.errorSource)],
    ['error category', text(run.errorCategory)],
    ['exception', text(run.exception)],
  ]);
}

function endpoint(e: Action['source']): string {
  return [e.system, e.name ?? e.id].filter(Boolean).join(': ');
}

function actionColumns(out: Output): Column<Action>[] {
  return [
    { header: 'AT', cell: (a) => time(a.at) },
    { header: 'ACTION', cell: (a) => a.action },
    { header: 'STATUS', cell: (a) => a.status, paint: (t) => out.status(t) },
    { header: 'TYPE', cell: (a) => text(a.objectType) },
    { header: 'SOURCE', cell: (a) => endpoint(a.source) },
    { header: 'TARGET', cell: (a) => endpoint(a.target) },
    { header: 'MESSAGE', cell: (a) => text(a.message).replace(/\s+/g, ' ').slice(0, 80) },
  ];
}

/** `synctrail runs …`: list, show, actions, trigger, cancel, watch, tail. */
export function registerRuns(program: Command): void {
  const runs = program
    .command('runs')
    .description('Sync runs (sessions): list, inspect, trigger, cancel, watch');

  listCommand(runs, {
    name: 'list',
    description: 'List runs, newest first',
    schema: RunListQuery,
    path: () => '/api/v1/runs',
    columns: runColumns,
  });

  runs
    .command('show <id>')
    .description('Show a run: progress, status, times, counters, error')
    .action(async (id: string, _options: unknown, command: Command) => {
      const ctx = contextOf(command);
      printRun(ctx.out, await ctx.client().json<Run>('GET', path`/api/v1/runs/${id}`));
    });

  listCommand(runs, {
    name: 'actions <id>',
    description: "List a run's actions, in the order they were reported",
    schema: ActionListQuery,
    path: ([id]) => path`/api/v1/runs/${id ?? ''}/actions`,
    columns: actionColumns,
  });

  runs
    .command('trigger <integration>')
    .description('Queue a manual full sync of an integration (for its connector to pick up)')
    .option('--user <id>', 'only this sync user')
    .action(async (integration: string, options: { user?: string }, command: Command) => {
      const ctx = contextOf(command);
      const run = await ctx.client().json<Run>('POST', path`/api/v1/integrations/${integration}/sync`, {
        json: options.user ? { userId: options.user } : {},
        headers: { 'idempotency-key': randomUUID() },
      });
      if (ctx.out.machine) return ctx.out.json(run);
      ctx.out.line(`queued run ${run.id} (${run.trigger}, ${ctx.out.status(run.progress)})`);
    });

  runs
    .command('cancel <id>')
    .description(
      'Cancel a run: a pending one is ABORTED, a running one ABORTION_PENDING until its connector stops',
    )
    .action(async (id: string, _options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const run = await ctx.client().json<Run>('POST', path`/api/v1/runs/${id}/cancel`);
      if (ctx.out.machine) return ctx.out.json(run);
      ctx.out.line(`run ${run.id}: ${ctx.out.status(run.progress)}`);
    });

  registerRunWatching(runs);
}
