import cronstrue from 'cronstrue';

/**
 * A schedule as the settings screen checks it before saving: a cron expression of five fields
 * (six with seconds), read back in words in UTC as the scheduler runs it. The server checks it
 * again and has the last word.
 */
export type ScheduleCheck = { ok: true; words: string } | { ok: false; message: string };

export function checkSchedule(input: string): ScheduleCheck {
  const cron = input.trim().replace(/\s+/g, ' ');
  if (cron === '')
    return { ok: false, message: 'Enter a cron expression, e.g. "0 3 * * *" for daily at 03:00.' };
  const fields = cron.split(' ').length;
  if (fields < 5 || fields > 6)
    return {
      ok: false,
      message: `A cron expression has 5 fields (minute hour day month weekday); this one has ${fields}.`,
    };
  try {
    const words = cronstrue.toString(cron, { use24HourTimeFormat: true, verbose: false });
    return { ok: true, words: `${words} (UTC)` };
  } catch (error) {
    const reason = typeof error === 'string' ? error : error instanceof Error ? error.message : '';
    return {
      ok: false,
      message: `Not a valid cron expression${reason === '' ? '' : `: ${reason.replace(/^Error: /, '')}`}`,
    };
  }
}

/** The expression as it will be saved: single spaces, no spaces around it. */
export function normalizeSchedule(input: string): string {
  return input.trim().replace(/\s+/g, ' ');
}
