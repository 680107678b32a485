/** Days to keep something; null keeps it forever. */
export interface RetentionDays {
  payloadDays: number | null;
  days: number | null;
}

/** Where an effective value comes from. */
export type RetentionSource = 'deployment' | 'organization';

/** The policy in force for one organization, each value with its source. */
export interface EffectiveRetention {
  payloadDays: number | null;
  payloadDaysSource: RetentionSource;
  days: number | null;
  daysSource: RetentionSource;
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * The organization's own values where it has them (null there: the deployment's). Payloads cannot
 * outlive the rows they belong to, so the shorter of the two wins for payloads.
 */
export function effectiveRetention(
  deployment: RetentionDays,
  override: RetentionDays | undefined,
): EffectiveRetention {
  const days = override?.days ?? deployment.days;
  const daysSource: RetentionSource = override?.days != null ? 'organization' : 'deployment';
  const ownPayload = override?.payloadDays ?? deployment.payloadDays;
  const payloadSource: RetentionSource = override?.payloadDays != null ? 'organization' : 'deployment';
  if (days !== null && (ownPayload === null || ownPayload > days)) {
    return { payloadDays: days, payloadDaysSource: daysSource, days, daysSource };
  }
  return { payloadDays: ownPayload, payloadDaysSource: payloadSource, days, daysSource };
}

/** The moment before which rows kept `days` days are removed at `now`; undefined when kept forever. */
export function cutoff(now: Date, days: number | null): Date | undefined {
  return days === null ? undefined : new Date(now.getTime() - days * DAY_MS);
}

/**
 * Sizes the batches of a retention pass so that each transaction takes about `targetMs` at most:
 * halves after a slow batch, doubles after a quick one, within `[min, max]`.
 */
export class BatchSizer {
  size: number;

  constructor(
    private readonly min: number,
    private readonly max: number,
    private readonly targetMs: number,
  ) {
    this.size = max;
  }

  /** Records how long a batch of the current size took. */
  took(ms: number): void {
    if (ms > this.targetMs) this.size = Math.max(this.min, Math.floor(this.size / 2));
    else if (ms < this.targetMs / 4) this.size = Math.min(this.max, this.size * 2);
  }
}
