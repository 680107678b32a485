/** Reading values back the same way from either engine (see database.ts). */

export function toDate(value: Date | number | string): Date {
  return value instanceof Date ? value : new Date(value);
}

export function toIso(value: Date | number | string): string {
  return toDate(value).toISOString();
}

export function toIsoOrNull(value: Date | number | string | null | undefined): string | null {
  return value === null || value === undefined ? null : toIso(value);
}

export function toBool(value: boolean | number): boolean {
  return value === true || value === 1;
}

export function fromJson<T = unknown>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

export function toJson(value: unknown): string {
  return JSON.stringify(value);
}

export function toJsonOrNull(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}
