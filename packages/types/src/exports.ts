import { Type, type Static } from '@sinclair/typebox';
import { StringEnum, Timestamp } from './schema-helpers.js';

export const EXPORT_FORMAT = ['json', 'csv', 'pdf'] as const;
export type ExportFormat = (typeof EXPORT_FORMAT)[number];

/**
 * What every list takes besides its filters to answer as a file instead of a page. An export holds
 * every matching row: `limit` and `cursor` are refused with it.
 */
export const ExportQuery = {
  format: Type.Optional(
    StringEnum(EXPORT_FORMAT, {
      description:
        '`csv` (or `Accept: text/csv`) streams every matching row as CSV; `pdf` where documented. Default `json`: a page.',
    }),
  ),
  columns: Type.Optional(
    Type.String({
      maxLength: 2000,
      description:
        'For exports: the columns to write, in order, comma-separated; nested fields by dotted name (`counters.errors`).',
    }),
  ),
  bom: Type.Optional(Type.Boolean({ description: 'For CSV: start with a UTF-8 byte order mark (Excel).' })),
};

/** A bundle of several sessions: the runs requested within the range (`from` inclusive, `to` exclusive). */
export const BundleQuery = Type.Object(
  {
    from: Type.Optional(Timestamp),
    to: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);
export type BundleQuery = Static<typeof BundleQuery>;

export const OrganizationBundleQuery = Type.Object(
  {
    from: Type.Optional(Timestamp),
    to: Type.Optional(Timestamp),
    status: Type.Optional(
      Type.String({ maxLength: 200, description: 'OK, INFO, WARNING, ERROR; comma-separated, any case.' }),
    ),
  },
  { additionalProperties: false },
);
export type OrganizationBundleQuery = Static<typeof OrganizationBundleQuery>;
