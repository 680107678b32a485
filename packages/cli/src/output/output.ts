import Table from 'cli-table3';
import { createColors } from 'picocolors';

/** How a command prints: the output flags and what the terminal allows. */
export interface OutputOptions {
  json?: boolean;
  ndjson?: boolean;
  quiet?: boolean;
  color?: boolean;
}

/** A column of a table: its heading and how a row's cell reads. */
export interface Column<T> {
  header: string;
  cell: (row: T) => string;
  /** Colours the cell's text (on a terminal only). */
  paint?: (text: string, row: T) => string;
}

type Colors = ReturnType<typeof createColors>;

/** Colours only on a terminal, never with NO_COLOR (https://no-color.org) or `--no-color`. */
export function colorsWanted(
  stream: NodeJS.WriteStream,
  flag: boolean | undefined,
  env = process.env,
): boolean {
  if (flag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream.isTTY === true;
}

const BORDERLESS = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '  ',
};

/** Everything a command writes: data to stdout (JSON, NDJSON or a table), notes and progress to stderr. */
export class Output {
  readonly colors: Colors;
  readonly stderrColors: Colors;

  constructor(
    readonly options: OutputOptions,
    readonly stdout: NodeJS.WriteStream = process.stdout,
    readonly stderr: NodeJS.WriteStream = process.stderr,
  ) {
    this.colors = createColors(colorsWanted(stdout, options.color));
    this.stderrColors = createColors(colorsWanted(stderr, options.color));
  }

  /** Machine-readable output was asked for. */
  get machine(): boolean {
    return this.options.json === true || this.options.ndjson === true;
  }

  /** True when progress may be drawn: stderr is a terminal and `--quiet` was not given. */
  get interactive(): boolean {
    return this.stderr.isTTY === true && this.options.quiet !== true;
  }

  line(text = ''): void {
    this.stdout.write(`${text}\n`);
  }

  /** A note for the person (stderr), silenced by `--quiet`. */
  note(text: string): void {
    if (!this.options.quiet) this.stderr.write(`${text}\n`);
  }

  /** A value as `--json` prints it (indented) or `--ndjson` (one line). */
  json(value: unknown): void {
    this.line(this.options.ndjson ? JSON.stringify(value) : JSON.stringify(value, null, 2));
  }

  /** Rows as a table, or as JSON (`{ items, nextCursor }`) / NDJSON (one item a line). */
  list<T>(page: { items: T[]; nextCursor: string | null }, columns: Column<T>[]): void {
    if (this.options.ndjson) {
      for (const item of page.items) this.line(JSON.stringify(item));
      return;
    }
    if (this.options.json) return this.json(page);
    this.table(page.items, columns);
    if (page.nextCursor) this.note(this.stderrColors.dim(`more: --cursor ${page.nextCursor}  (or --all)`));
  }

  /** Rows as an aligned table; `(none)` when there are none. */
  table<T>(rows: T[], columns: Column<T>[]): void {
    if (rows.length === 0) {
      this.note('(none)');
      return;
    }
    const table = new Table({
      head: columns.map((c) => this.colors.bold(c.header)),
      chars: BORDERLESS,
      style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
    });
    for (const row of rows) {
      table.push(columns.map((c) => (c.paint ? c.paint(c.cell(row), row) : c.cell(row))));
    }
    this.line(
      table
        .toString()
        .split('\n')
        .map((l) => l.trimEnd())
        .join('\n'),
    );
  }

  /** A record as `key  value` lines, or as JSON. */
  record(value: object, fields: [string, string][]): void {
    if (this.machine) return this.json(value);
    const width = Math.max(...fields.map(([k]) => k.length));
    for (const [key, text] of fields) this.line(`${this.colors.dim(key.padEnd(width))}  ${text}`);
  }

  /** A status in its colour: ERROR red, WARNING yellow, INFO cyan, OK green. */
  status(text: string, colors: Colors = this.colors): string {
    switch (text) {
      case 'ERROR':
      case 'ABORTED':
        return colors.red(text);
      case 'WARNING':
      case 'ABORTION_PENDING':
        return colors.yellow(text);
      case 'INFO':
      case 'RUNNING':
        return colors.cyan(text);
      case 'OK':
      case 'FINISHED':
        return colors.green(text);
      default:
        return text;
    }
  }
}

/** `2026-12-02 16:04:05` (UTC), or '' without a time. */
export function time(iso: string | null | undefined): string {
  return iso ? iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '') : '';
}

/** `1.2 s`, `3 min 4 s`, '' without a duration. */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** A cell's text: '' for null and undefined. */
export function text(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}
