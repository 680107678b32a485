import type { Command } from 'commander';
import { CallListQuery, type Call, type CallSummary } from '@synctrail/types';
import { path } from '../http/api-client.js';
import { text, time, type Output } from '../output/output.js';
import { contextOf } from './context.js';
import { listCommand } from './list.js';

/** A payload for reading: JSON indented, anything else as it is. */
export function pretty(body: string | null): string {
  if (body === null || body === '') return '(empty)';
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

function printMessage(out: Output, title: string, message: Call['request']): void {
  out.line(out.colors.bold(title));
  for (const [name, value] of Object.entries(message.headers)) {
    out.line(`  ${out.colors.dim(`${name}:`)} ${Array.isArray(value) ? value.join(', ') : value}`);
  }
  out.line(
    pretty(message.body)
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n'),
  );
}

function statusPaint(out: Output, code: string): string {
  if (code.startsWith('5') || code.startsWith('4')) return out.colors.red(code);
  return code;
}

/** `synctrail calls list|show`. */
export function registerCalls(program: Command): void {
  const calls = program.command('calls').description('Connector API calls (SSO/SLO and application calls)');

  listCommand<CallSummary>(calls, {
    name: 'list',
    description: 'List calls, newest first',
    schema: CallListQuery,
    path: () => '/api/v1/calls',
    columns: (out) => [
      { header: 'ID', cell: (c) => c.id },
      { header: 'AT', cell: (c) => time(c.at) },
      { header: 'DIRECTION', cell: (c) => c.direction },
      { header: 'FROM', cell: (c) => c.appFrom },
      { header: 'TO', cell: (c) => c.appTo },
      {
        header: 'ACTION',
        cell: (c) => c.action,
        paint: (t) => (t.endsWith('FAILED') ? out.colors.red(t) : t),
      },
      { header: 'LOGIN', cell: (c) => text(c.login) },
      { header: 'REQUEST', cell: (c) => `${c.method} ${c.url}`.slice(0, 60) },
      { header: 'STATUS', cell: (c) => text(c.statusCode), paint: (t) => statusPaint(out, t) },
    ],
  });

  calls
    .command('show <id>')
    .description('Show a call with its request and response (payloads pretty-printed)')
    .action(async (id: string, _options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const call = await ctx.client().json<Call>('GET', path`/api/v1/calls/${id}`);
      const out = ctx.out;
      out.record(call, [
        ['id', call.id],
        ['at', time(call.at)],
        ['direction', call.direction],
        ['from → to', `${call.appFrom} → ${call.appTo}`],
        ['action', call.action],
        ['request type', text(call.requestType)],
        ['login', text(call.login)],
        ['request', `${call.method} ${call.url}`],
        ['status', text(call.statusCode)],
        ['duration', call.durationMs === null ? '' : `${call.durationMs} ms`],
        ['run', text(call.runId)],
      ]);
      if (out.machine) return;
      out.line();
      printMessage(out, 'Request', call.request);
      out.line();
      printMessage(out, 'Response', call.response);
    });
}
