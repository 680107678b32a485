const DAY_MS = 24 * 3600 * 1000;

/**
 * Times of the demo, relative to the day it is loaded: history fills the past weeks (so the console
 * shows recent activity), and a few runs are live right now. Only the dates move between loads.
 */
export class DemoClock {
  /** Midnight UTC of the day of the load. */
  readonly today: Date;

  constructor(readonly now: Date) {
    this.today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  }

  /** `daysAgo` days before today at the given UTC time of day. */
  at(daysAgo: number, hours: number, minutes = 0, seconds = 0): Date {
    return new Date(this.today.getTime() - daysAgo * DAY_MS + ((hours * 60 + minutes) * 60 + seconds) * 1000);
  }

  /** Monday to Friday. */
  isWorkday(daysAgo: number): boolean {
    const day = new Date(this.today.getTime() - daysAgo * DAY_MS).getUTCDay();
    return day !== 0 && day !== 6;
  }

  minutesAgo(minutes: number): Date {
    return new Date(this.now.getTime() - minutes * 60_000);
  }
}

export function plusMs(date: Date, ms: number): Date {
  return new Date(date.getTime() + ms);
}

export function iso(date: Date): string {
  return date.toISOString();
}

/** `count` times evenly spread from `start` over `durationMs` (the times of a run's actions). */
export function spread(start: Date, durationMs: number, count: number): Date[] {
  const step = count > 1 ? durationMs / count : 0;
  return Array.from({ length: count }, (_, i) => new Date(start.getTime() + Math.round(i * step)));
}
