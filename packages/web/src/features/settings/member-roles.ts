import type { MemberRole } from '@synctrail/types';

/** The roles a member can have, keyed by the contract's `MemberRole`, with what each may do. */
export const ROLE_LABELS: Record<MemberRole, string> = { ADMIN: 'Admin', VIEWER: 'Viewer' };

export const ROLE_HINTS: Record<MemberRole, string> = {
  ADMIN: 'Manages members, API keys, masking rules and schedules; starts and cancels syncs; reads payloads.',
  VIEWER: 'Reads the sync logs; no changes, no payloads.',
};
