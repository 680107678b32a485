import type { Command } from 'commander';
import type { TObject } from '@sinclair/typebox';
import type { Page } from '@synctrail/types';
import type { Column, Output } from '../output/output.js';
import { usageError } from '../exit-codes.js';
import { contextOf } from './context.js';
import { addFilters, filterQuery } from './filters.js';

/** A list command: its route, its query schema (the flags) and its table. */
export interface ListSpec<T> {
  /** `list`, or `actions <id>`: the command's name and arguments. */
  name: string;
  description: string;
  schema: TObject;
  /** Filters that are arguments of the command instead of flags. */
  skip?: string[];
  path: (args: string[]) => string;
  columns: (out: Output) => Column<T>[];
}

function pageSize(value: string): string {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw usageError(`--limit takes a whole number from 1 to 1000, not "${value}".`);
  return String(n);
}

/** Adds a list command: filters as flags, `--limit`, `--cursor`, `--all`; a table, JSON or NDJSON. */
export function listCommand<T>(parent: Command, spec: ListSpec<T>): Command {
  const command = parent.command(spec.name).description(spec.description);
  const filters = addFilters(command, spec.schema, spec.skip);
  command
    .option('--limit <n>', 'rows per page, 1 to 1000 (default 50)')
    .option('--cursor <cursor>', 'the page after this cursor (as a previous page gave it)')
    .option('--all', 'every page, one after the other')
    .action(async (...received: unknown[]) => {
      const self = received[received.length - 1] as Command;
      const args = self.args.slice(0, self.registeredArguments.length);
      const options = self.opts<
        Record<string, unknown> & { limit?: string; cursor?: string; all?: boolean }
      >();
      const ctx = contextOf(self);
      const client = ctx.client();
      const query = {
        ...filterQuery(filters, options),
        ...(options.limit !== undefined ? { limit: pageSize(options.limit) } : {}),
        ...(options.cursor !== undefined ? { cursor: options.cursor } : {}),
      };
      const path = spec.path(args);
      let page = await client.json<Page<T>>('GET', path, { query });
      if (!options.all) return ctx.out.list(page, spec.columns(ctx.out));
      const items: T[] = [];
      for (;;) {
        if (ctx.options.ndjson) ctx.out.list({ items: page.items, nextCursor: null }, []);
        else items.push(...page.items);
        if (!page.nextCursor) break;
        page = await client.json<Page<T>>('GET', path, { query: { ...query, cursor: page.nextCursor } });
      }
      if (!ctx.options.ndjson) ctx.out.list({ items, nextCursor: null }, spec.columns(ctx.out));
    });
  return command;
}
