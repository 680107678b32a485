import { Option, type Command } from 'commander';
import type { TObject } from '@sinclair/typebox';
import type { Query } from '../http/api-client.js';

/** Query parameters of a list that are paging or export settings, not filters. */
const NOT_FILTERS = new Set(['limit', 'cursor', 'format', 'columns', 'bom']);

/** Flags whose name reads better than the query parameter's. */
const FLAG_NAMES: Record<string, string> = { q: 'search' };

interface PropertySchema {
  type?: string;
  enum?: string[];
  format?: string;
  description?: string;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function camel(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** The filters a list takes, read from its query schema in @synctrail/types: one flag each. */
export interface FilterSet {
  /** Query parameter → the attribute commander stores its flag's value under. */
  readonly params: ReadonlyMap<string, string>;
}

/**
 * Adds one flag per filter of a list's query schema (`status` → `--status`, `integrationType` →
 * `--integration-type`, `q` → `--search`), with the schema's description, so that the CLI takes
 * exactly the filters the server does.
 */
export function addFilters(command: Command, schema: TObject, skip: readonly string[] = []): FilterSet {
  const params = new Map<string, string>();
  for (const [name, property] of Object.entries(schema.properties as Record<string, PropertySchema>)) {
    if (NOT_FILTERS.has(name) || skip.includes(name)) continue;
    const flag = FLAG_NAMES[name] ?? kebab(name);
    const value =
      property.type === 'boolean'
        ? '<true|false>'
        : property.format === 'date-time'
          ? '<time>'
          : property.enum
            ? `<${property.enum.join('|')}>`
            : '<value>';
    const description =
      property.format === 'date-time'
        ? `${name === 'to' ? 'until' : 'from'} this ISO 8601 time (UTC)`
        : (property.description ?? name);
    const option = new Option(`--${flag} ${value}`, description);
    if (property.type === 'boolean') option.choices(['true', 'false']);
    command.addOption(option);
    params.set(name, camel(flag));
  }
  return { params };
}

/** The query parameters given on the command line. */
export function filterQuery(filters: FilterSet, options: Record<string, unknown>): Query {
  const query: Query = {};
  for (const [param, attribute] of filters.params) {
    const value = options[attribute];
    if (value !== undefined) query[param] = String(value);
  }
  return query;
}
