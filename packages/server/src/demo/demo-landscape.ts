import type { ActionInput } from '@synctrail/types';
import type { Random } from './demo-random.js';

/**
 * The objects an EA tool syncs with ServiceNow and Signavio (fact sheets and what they map to), and
 * what happens to each of them on a given day: created, changed, retired, failing, warned about.
 */

export const LEANIX = 'LEANIX';

export interface LandscapeObject {
  /** Fact sheet type (the action's `objectType`). */
  type: string;
  name: string;
  source: { system: string; id: string };
  target: { system: string; id: string };
  /** Days ago it appeared in the source (created in the target that day); absent before. */
  createdDay?: number;
  /** Days ago it was retired in the source (deleted or archived in the target that day); absent after. */
  retiredDay?: number;
  /** Days ago (from, to) it failed every sync; fixed the day after `to`, still open when that day is today. */
  failing?: { from: number; to: number; action: 'CREATE' | 'UPDATE'; message: string };
  /** A data-quality remark the sync makes now and then. */
  warning?: string;
  fields: readonly string[];
}

/** How a full sync goes on a day without failing objects: which remarks it reports. */
export type Mood = 'OK' | 'INFO' | 'WARNING';

const LABEL: Record<string, string> = {
  LEANIX: 'LeanIX',
  SERVICENOW: 'ServiceNow',
  SIGNAVIO: 'Signavio',
};

export function systemLabel(system: string): string {
  return LABEL[system] ?? system;
}

export function idFor(system: string, rnd: Random): string {
  // ServiceNow sys_ids and Signavio revision ids are 32 hex digits; LeanIX ids are UUIDs.
  return system === LEANIX ? rnd.uuid() : rnd.hex(32);
}

export function landscapeObject(
  type: string,
  name: string,
  from: string,
  to: string,
  fields: readonly string[],
  rnd: Random,
): LandscapeObject {
  return {
    type,
    name,
    source: { system: from, id: idFor(from, rnd) },
    target: { system: to, id: idFor(to, rnd) },
    fields,
  };
}

export function existsOn(o: LandscapeObject, day: number): boolean {
  return (
    (o.createdDay === undefined || day <= o.createdDay) && (o.retiredDay === undefined || day >= o.retiredDay)
  );
}

const VALUES: Record<string, readonly string[]> = {
  lifecycle: ['plan', 'phaseIn', 'active', 'phaseOut', 'endOfLife'],
  businessCriticality: [
    'administrativeService',
    'businessOperational',
    'businessCritical',
    'missionCritical',
  ],
  technicalSuitability: ['unreasonable', 'insufficient', 'appropriate', 'perfect'],
  owner: ['a.becker', 'm.santos', 'j.walsh', 'k.tanaka', 'p.kapoor', 'l.moreau'],
  version: ['12.2', '12.4', '19.21', '2.0 SPS07', '8.9', '9.0.85'],
  description: ['(changed)', '(reworded)'],
  revision: ['4', '5', '6', '7', '8'],
};

function change(field: string, rnd: Random) {
  const values = VALUES[field] ?? ['old', 'new'];
  const [from, to] = rnd.sample(values, 2);
  return { field, from: from ?? null, to: to ?? null };
}

/** The action of one object in one sync on one day. */
export function objectAction(o: LandscapeObject, day: number, mood: Mood, rnd: Random): ActionInput {
  const ends = {
    source: { system: o.source.system, id: o.source.id, name: o.name },
    target: { system: o.target.system, id: o.target.id, name: o.name },
    objectType: o.type,
  };
  const from = systemLabel(o.source.system);
  const to = systemLabel(o.target.system);
  if (o.failing && day <= o.failing.from && day >= o.failing.to) {
    return { ...ends, action: o.failing.action, status: 'ERROR', message: o.failing.message };
  }
  if (o.failing && day === o.failing.to - 1) {
    return {
      ...ends,
      action: o.failing.action,
      status: 'OK',
      message: `${o.type} "${o.name}" synchronized after the fix in ${from}.`,
    };
  }
  if (day === o.createdDay) {
    return {
      ...ends,
      action: 'CREATE',
      status: 'OK',
      message: `${o.type} "${o.name}" created in ${to} from ${from}.`,
    };
  }
  if (day === o.retiredDay) {
    return rnd.chance(0.5)
      ? {
          ...ends,
          action: 'DELETE',
          status: 'OK',
          message: `${o.type} "${o.name}" deleted in ${to}: it was retired in ${from}.`,
        }
      : {
          ...ends,
          action: 'DELETE',
          status: 'INFO',
          message: `${o.type} "${o.name}" archived in ${to} instead of deleted: it still has relations.`,
        };
  }
  if (mood === 'WARNING' && o.warning && rnd.chance(0.6)) {
    return { ...ends, action: 'NONE', status: 'WARNING', message: o.warning };
  }
  if (mood !== 'OK' && rnd.chance(0.012)) {
    return {
      ...ends,
      action: 'NONE',
      status: 'INFO',
      message: `Lifecycle of "${o.name}" reaches end of life on ${new Date(Date.UTC(2026, rnd.int(0, 11), 28)).toISOString().slice(0, 10)}.`,
    };
  }
  if (rnd.chance(0.04)) {
    const changes = rnd.sample(o.fields, rnd.int(1, 2)).map((field) => change(field, rnd));
    return {
      ...ends,
      action: 'UPDATE',
      status: 'OK',
      message: `Updated ${changes.map((c) => c.field).join(', ')} of ${o.type} "${o.name}" in ${to}.`,
      details: { changes },
    };
  }
  return { ...ends, action: 'NONE', status: 'OK', message: 'No changes.' };
}

/** A partial sync's action: something changed on one side just now. */
export function changeAction(o: LandscapeObject, rnd: Random): ActionInput {
  const changes = rnd.sample(o.fields, rnd.int(1, 2)).map((field) => change(field, rnd));
  return {
    source: { system: o.source.system, id: o.source.id, name: o.name },
    target: { system: o.target.system, id: o.target.id, name: o.name },
    objectType: o.type,
    action: 'UPDATE',
    status: 'OK',
    message: `Updated ${changes.map((c) => c.field).join(', ')} of ${o.type} "${o.name}" in ${systemLabel(o.target.system)}.`,
    details: { changes },
  };
}
