/**
 * Filters as the console keeps them: every value lives in the URL as a plain string
 * (`?status=ERROR,WARNING&range=24h&login=karin`), so a link reproduces the view and the back
 * button undoes a change. A screen declares its filters once; the same definitions drive the
 * filter bar, the URL validation and the API query.
 */

export interface FilterOption {
  value: string;
  label: string;
}

interface FilterBase {
  /** The search parameter, and the API's parameter of the same name unless `apiKey` says otherwise. */
  key: string;
  label: string;
  /**
   * Where the filter's control is: in the filter bar (the default), or at the top of its column (the
   * screen draws it there); either way it is parsed, sent to the API and removed by Clear.
   */
  placement?: 'bar' | 'column';
}

/**
 * Choices are either fixed (`options`: only those values are kept from a URL) or loaded at run time
 * (organizations, users, integration types: any value matching `pattern` is kept, and the screen
 * passes the options it loaded to the filter bar).
 */
type Choices = { options: readonly FilterOption[]; pattern?: never } | { options?: never; pattern: RegExp };

export type FilterDef =
  | (FilterBase & { kind: 'multi' } & Choices)
  | (FilterBase & { kind: 'select' } & Choices)
  | (FilterBase & {
      kind: 'text';
      placeholder?: string;
      maxLength?: number;
      /** Values offered as the person types (the input becomes a combobox); any text may still be typed. */
      suggestions?: readonly string[];
      /** Only text matching `pattern` is applied (and kept from a URL); `hint` says what to type instead. */
      accept?: { pattern: RegExp; hint: string };
    })
  | (FilterBase & { kind: 'range' });

export const RANGE_PRESETS = [
  { value: '1h', label: 'Last hour', ms: 3_600_000 },
  { value: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { value: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { value: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number]['value'];

/** The validated search of a list screen: filter values by key, plus the sort order. */
export type Search = Record<string, string | undefined>;

const MULTI_SEPARATOR = ',';

export function splitMulti(value: string | undefined): string[] {
  return value === undefined || value === '' ? [] : value.split(MULTI_SEPARATOR).filter((v) => v !== '');
}

export function joinMulti(values: readonly string[]): string | undefined {
  return values.length === 0 ? undefined : values.join(MULTI_SEPARATOR);
}

function isIsoTime(value: string): boolean {
  return (
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(value) &&
    !Number.isNaN(Date.parse(value))
  );
}

function stringOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/**
 * Keeps of a raw URL search only what the definitions allow: known option values (in the
 * definitions' order, once each), trimmed text within its length, a known preset or a valid
 * custom range, a known sort. Anything else is dropped rather than sent to the API.
 */
export function parseSearch(defs: readonly FilterDef[], raw: Record<string, unknown>): Search {
  const search: Search = {};
  for (const def of defs) {
    switch (def.kind) {
      case 'multi': {
        const wanted = [...new Set(splitMulti(stringOf(raw[def.key])))];
        const { options, pattern } = def;
        search[def.key] = joinMulti(
          options !== undefined
            ? options.filter((o) => wanted.includes(o.value)).map((o) => o.value)
            : wanted.filter((v) => pattern.test(v)),
        );
        break;
      }
      case 'select': {
        const value = stringOf(raw[def.key]);
        const { options, pattern } = def;
        const valid =
          value !== undefined &&
          (options !== undefined ? options.some((o) => o.value === value) : pattern.test(value));
        search[def.key] = valid ? value : undefined;
        break;
      }
      case 'text': {
        const value = stringOf(raw[def.key])
          ?.trim()
          .slice(0, def.maxLength ?? 200);
        search[def.key] =
          value === undefined || value === '' || (def.accept !== undefined && !def.accept.pattern.test(value))
            ? undefined
            : value;
        break;
      }
      case 'range': {
        const range = stringOf(raw.range);
        if (RANGE_PRESETS.some((p) => p.value === range)) search.range = range;
        else {
          const from = stringOf(raw.from);
          const to = stringOf(raw.to);
          const validFrom = from !== undefined && isIsoTime(from) ? from : undefined;
          const validTo = to !== undefined && isIsoTime(to) ? to : undefined;
          if (validFrom !== undefined && validTo !== undefined && Date.parse(validFrom) > Date.parse(validTo))
            break;
          if (validFrom !== undefined) search.from = validFrom;
          if (validTo !== undefined) search.to = validTo;
        }
        break;
      }
    }
  }
  const sort = stringOf(raw.sort);
  if (sort === 'asc' || sort === 'desc') search.sort = sort;
  return dropUndefined(search);
}

function dropUndefined(search: Search): Search {
  return Object.fromEntries(Object.entries(search).filter(([, v]) => v !== undefined));
}

/**
 * The moment a view resolves its preset ranges against: the current minute, so that a screen's
 * loader (which starts the first page while the screen's code loads) and the screen itself ask for
 * the same window and share one request.
 */
export function viewMoment(now: number = Date.now()): number {
  return Math.floor(now / 60_000) * 60_000;
}

/** The time window a search stands for, presets resolved against `now`. */
export function timeWindow(search: Search, now: number): { from?: string; to?: string } {
  const preset = RANGE_PRESETS.find((p) => p.value === search.range);
  if (preset !== undefined) return { from: new Date(now - preset.ms).toISOString() };
  return dropUndefined({ from: search.from, to: search.to });
}

/** The API query of a list for a search: the same keys, presets turned into `from`/`to`. */
export function toApiQuery(defs: readonly FilterDef[], search: Search, now: number): Record<string, string> {
  const query: Record<string, string> = {};
  for (const def of defs) {
    if (def.kind === 'range') Object.assign(query, timeWindow(search, now));
    else {
      const value = search[def.key];
      if (value !== undefined) query[def.key] = value;
    }
  }
  if (search.sort !== undefined) query.sort = search.sort;
  return query;
}

/** True when any filter (not the sort) is set: the Clear button and the empty state read it. */
export function hasFilters(defs: readonly FilterDef[], search: Search): boolean {
  return defs.some((def) =>
    def.kind === 'range'
      ? search.range !== undefined || search.from !== undefined || search.to !== undefined
      : search[def.key] !== undefined,
  );
}

/** The search with every filter removed; the sort and anything not a filter are kept. */
export function clearFilters(defs: readonly FilterDef[], search: Search): Search {
  const keys = new Set(defs.flatMap((d) => (d.kind === 'range' ? ['range', 'from', 'to'] : [d.key])));
  return Object.fromEntries(Object.entries(search).filter(([k]) => !keys.has(k)));
}

/** The search with one filter set (or removed when `value` is empty). */
export function withFilter(search: Search, key: string, value: string | undefined): Search {
  return dropUndefined({ ...search, [key]: value === '' ? undefined : value });
}

/** The search with a custom range (or a preset), replacing whatever range it had. */
export function withRange(
  search: Search,
  range: { preset: RangePreset } | { from?: string; to?: string },
): Search {
  const rest = { ...search, range: undefined, from: undefined, to: undefined };
  return dropUndefined('preset' in range ? { ...rest, range: range.preset } : { ...rest, ...range });
}

/** URL search strings for the router: plain `key=value` pairs, no JSON quoting. */
export function parseSearchString(searchString: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(searchString));
}

export function stringifySearch(search: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(search)) {
    const text = stringOf(value);
    if (text !== undefined) params.set(key, text);
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}
