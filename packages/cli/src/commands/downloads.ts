import { basename, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import type { TObject } from '@sinclair/typebox';
import {
  ActionListQuery,
  AllIssuesQuery,
  CallListQuery,
  IssueListQuery,
  OrganizationListQuery,
  RunListQuery,
  SessionListQuery,
  SyncUserListQuery,
} from '@synctrail/types';
import { path, type Query } from '../http/api-client.js';
import { downloadTo, writeVerified } from '../http/download.js';
import { verifyBundle, verifyCsv, verifyPdf } from '../http/verify.js';
import { downloadProgress } from '../output/progress.js';
import { usageError } from '../exit-codes.js';
import { contextOf, type Context } from './context.js';
import { addFilters, filterQuery } from './filters.js';

/** A list that exports: its route (with the ids its arguments give) and its query schema. */
interface ExportList {
  name: string;
  description: string;
  schema: TObject;
  path: (args: string[]) => string;
  pdf?: boolean;
}

const EXPORTS: ExportList[] = [
  {
    name: 'runs',
    description: 'runs (the filters of runs list)',
    schema: RunListQuery,
    path: () => '/api/v1/runs',
  },
  {
    name: 'actions <run>',
    description: "a run's actions",
    schema: ActionListQuery,
    path: ([run]) => path`/api/v1/runs/${run ?? ''}/actions`,
  },
  {
    name: 'calls',
    description: 'calls (csv or pdf)',
    schema: CallListQuery,
    path: () => '/api/v1/calls',
    pdf: true,
  },
  {
    name: 'issues',
    description: 'the issues of every sync user',
    schema: AllIssuesQuery,
    path: () => '/api/v1/issues',
  },
  {
    name: 'user-issues <user>',
    description: "a sync user's issues",
    schema: IssueListQuery,
    path: ([user]) => path`/api/v1/users/${user ?? ''}/issues`,
  },
  {
    name: 'orgs',
    description: 'organizations',
    schema: OrganizationListQuery,
    path: () => '/api/v1/organizations',
  },
  {
    name: 'users <org>',
    description: "an organization's sync users",
    schema: SyncUserListQuery,
    path: ([org]) => path`/api/v1/organizations/${org ?? ''}/users`,
  },
  {
    name: 'sessions <org>',
    description: "an organization's statistics: all its users' sessions",
    schema: SessionListQuery,
    path: ([org]) => path`/api/v1/organizations/${org ?? ''}/runs`,
  },
  {
    name: 'user-sessions <user>',
    description: "a sync user's sessions",
    schema: SessionListQuery,
    path: ([user]) => path`/api/v1/users/${user ?? ''}/runs`,
  },
];

function summary(ctx: Context, file: string, result: object): void {
  if (ctx.out.machine) return ctx.out.json({ file: resolve(file), ...result });
  const parts = Object.entries(result).map(([k, v]) => `${k} ${String(v)}`);
  ctx.out.line(`${file}: ${parts.join(', ')} (verified)`);
}

function registerExports(program: Command): void {
  const exporter = program
    .command('export')
    .description(
      'Export a list as the server filters it, as CSV (or PDF for calls), verified before it is kept',
    );
  for (const spec of EXPORTS) {
    const command = exporter.command(spec.name).description(`Export ${spec.description}`);
    const filters = addFilters(command, spec.schema);
    command
      .addOption(
        new Option('--format <format>', 'file format')
          .choices(spec.pdf ? ['csv', 'pdf'] : ['csv'])
          .default('csv'),
      )
      .option(
        '--columns <columns>',
        'the columns, in order, comma-separated (nested ones dotted: counters.errors)',
      )
      .option('--bom', 'start the CSV with a UTF-8 byte order mark (for Excel)')
      .requiredOption('--out <file>', 'where to write it (through FILE.part, renamed once verified)')
      .action(async (...received: unknown[]) => {
        const self = received[received.length - 1] as Command;
        const options = self.opts<
          Record<string, unknown> & { format: string; columns?: string; bom?: boolean; out: string }
        >();
        const ctx = contextOf(self);
        const client = ctx.client();
        const query: Query = {
          ...filterQuery(filters, options),
          format: options.format,
          columns: options.columns,
          ...(options.bom ? { bom: 'true' } : {}),
        };
        const route = spec.path(self.args.slice(0, self.registeredArguments.length));
        const result = await writeVerified(
          options.out,
          (part) =>
            downloadTo(client, route, query, part, (total) =>
              downloadProgress(ctx.out, basename(options.out), total),
            ),
          async (part, downloaded) =>
            options.format === 'pdf' ? verifyPdf(part, downloaded) : verifyCsv(downloaded),
        );
        summary(ctx, options.out, result);
      });
  }
}

function registerBundle(program: Command): void {
  program
    .command('bundle [run]')
    .description(
      "Download logs as one .zip: a run's, or a sync user's or an organization's sessions in a time range; every file checked against manifest.json",
    )
    .option('--user <id>', "a sync user's sessions")
    .option('--org <id>', "an organization's sessions")
    .option('--from <time>', 'sessions requested from this ISO 8601 time (with --user or --org)')
    .option('--to <time>', 'until this time, exclusive (with --user or --org)')
    .option('--status <statuses>', 'only sessions with these statuses, comma-separated (with --org)')
    .requiredOption('--out <file>', 'where to write it (through FILE.part, renamed once verified)')
    .action(
      async (
        run: string | undefined,
        options: { user?: string; org?: string; from?: string; to?: string; status?: string; out: string },
        command: Command,
      ) => {
        const subjects = [run, options.user, options.org].filter((s) => s !== undefined);
        if (subjects.length !== 1) throw usageError('Give one of RUN_ID, --user ID or --org ID.');
        if (run && (options.from || options.to)) throw usageError('--from and --to go with --user or --org.');
        if (options.status && !options.org) throw usageError('--status goes with --org.');
        const route = run
          ? path`/api/v1/runs/${run}/bundle`
          : options.user
            ? path`/api/v1/users/${options.user}/bundle`
            : path`/api/v1/organizations/${options.org ?? ''}/bundle`;
        const query: Query = { from: options.from, to: options.to, status: options.status };
        const ctx = contextOf(command);
        const client = ctx.client();
        const result = await writeVerified(
          options.out,
          (part) =>
            downloadTo(client, route, query, part, (total) =>
              downloadProgress(ctx.out, basename(options.out), total),
            ),
          verifyBundle,
        );
        summary(ctx, options.out, result);
      },
    );
}

/** `synctrail export …` and `synctrail bundle …`. */
export function registerDownloads(program: Command): void {
  registerExports(program);
  registerBundle(program);
}
