import type { Access } from '../auth/access.js';
import { AppError } from '../http/errors.js';
import { parseIdList } from '../shared/filters.js';
import type { OrganizationService } from '../organizations/organization.service.js';
import type { LiveEventRepository } from './live-event.repository.js';
import type { LiveEventHub } from './live-event-hub.js';
import type { StreamOpening } from './event-stream.js';

/** The rules of opening `GET /api/v1/events`: who may listen to what, and where a reconnect resumes. */
export class LiveStreamService {
  constructor(
    private readonly events: LiveEventRepository,
    readonly hub: LiveEventHub,
    private readonly organizations: OrganizationService,
    /** How long events are kept, for the message of a reset. */
    private readonly retentionMs: number,
  ) {}

  /**
   * The organizations whose events the caller gets: all it may see, or those it names, each of which
   * must be visible (404 otherwise, as for `/organizations/{id}/runs`) and readable (403).
   */
  async scope(access: Access, organizationId: string | undefined): Promise<'all' | readonly string[]> {
    access.require('read');
    const asked = parseIdList('organizationId', organizationId);
    if (!asked) return access.visible();
    for (const id of asked) await this.organizations.get(access, id, 'read');
    return asked;
  }

  /** `Last-Event-ID` (header, or the `lastEventId` parameter) as a sequence number. */
  lastEventId(header: string | string[] | undefined, param: string | undefined): number | undefined {
    const raw = (Array.isArray(header) ? header[0] : header) ?? param;
    if (raw === undefined || raw.trim() === '') return undefined;
    if (!/^\d{1,15}$/.test(raw.trim())) {
      throw new AppError(
        'invalid_cursor',
        'Last-Event-ID is not an id this stream sent; reconnect without it (and refetch).',
        { lastEventId: raw.slice(0, 40) },
      );
    }
    return Number(raw.trim());
  }

  /**
   * What a stream starts with for a client that last saw `lastEventId`, the hub having registered it
   * at `watermark`: the events in between (coalesced), or a reset when they are no longer all kept,
   * too many, or the id is not this database's.
   */
  async opening(
    lastEventId: number | undefined,
    watermark: number,
    organizations: 'all' | readonly string[],
  ): Promise<StreamOpening> {
    if (lastEventId === undefined) return { live: true };
    const reset = (reason: string): StreamOpening => ({ reset: { id: watermark, reason } });
    const bounds = await this.events.bounds();
    if (!bounds || lastEventId > bounds.max)
      return lastEventId === 0 && !bounds
        ? { live: true }
        : reset(`Event ${lastEventId} is not one of this server's (was the database replaced?).`);
    if (lastEventId < bounds.min - 1) {
      const minutes = Math.round(this.retentionMs / 60_000);
      return reset(`The events after ${lastEventId} are no longer kept (they are kept ${minutes} minutes).`);
    }
    const replay = await this.hub.replay(lastEventId, watermark, organizations);
    return replay ? { replay } : reset(`Too much changed since event ${lastEventId}.`);
  }
}
