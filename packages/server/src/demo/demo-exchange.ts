import type { ActionInput, Integration, Run, RunCreate } from '@synctrail/types';
import { type DemoClock, iso, plusMs, spread } from './demo-clock.js';
import { Random } from './demo-random.js';
import { type DemoTenant, type DemoTally, type TenantSpec } from './demo-tenants.js';
import { FIRST_NAMES, LAST_NAMES, emailLocalPart } from './demo-fixtures.js';
import { OBJECT_TYPES, logPack } from './demo-log-pack.js';
import {
  EXCHANGE,
  ISSUE_TEMPLATES,
  endpoints,
  newMailboxObject,
  regularAction,
  type Crm,
  type MailboxObject,
} from './demo-mailbox.js';
import { sessionFailures, type Failure, type FailureKind } from './demo-session-failures.js';
import { loadTimelineCalls, type DemoSessionRun } from './demo-timeline.js';

/** An Exchange ↔ CRM deployment: an organization whose mailboxes sync with its CRM (first and third seeds). */
export interface ExchangeSpec {
  part: string;
  tenant: TenantSpec;
  domain: string;
  crm: Crm;
  integration: { name: string; schedule: string; configuration: Record<string, unknown> };
  userCount: number;
  /** The last users of the list had their sync switched off a few days before the end. */
  disabledUsers: number;
  /** History from `firstDay` to `lastDay` days ago. */
  firstDay: number;
  lastDay: number;
  issues: number;
  failures: FailureKind[];
  /** Chance of a change-triggered session on a workday. */
  changeChance: number;
  /** Besides every failed session, the latest full sync of this many users has its log files. */
  latestPacks: number;
  /** A session under way right now, which an administrator asked to cancel. */
  liveCancel: boolean;
  /** After the history the organization's sync is switched off and its integration deactivated. */
  disableAtEnd: boolean;
  /**
   * The first user's timeline shows every kind of entry: two of the planned issues are theirs (one
   * resolved, one left open), and their sessions have API calls, matched by run and by login.
   */
  timelineUser: boolean;
  newUserId(rnd: Random): string;
}

interface MailboxUser {
  index: number;
  id: string;
  name: string;
  email: string;
  externalId: string;
  /** Days ago of the user's last session. */
  lastDay: number;
  pool: MailboxObject[];
}

interface Session {
  user: MailboxUser;
  trigger: 'FULL_SYNC_JOB' | 'FULL_SYNC_MANUAL' | 'EXCHANGE_CHANGES';
  startedAt: Date;
  forced: ActionInput[];
  failure?: FailureKind;
  logs: boolean;
}

function sessionActions(session: Session, crm: Crm, rnd: Random): ActionInput[] {
  const regular =
    session.trigger === 'EXCHANGE_CHANGES'
      ? rnd.int(1, 4)
      : rnd.weighted([
          [0, 15],
          [rnd.int(1, 3), 40],
          [rnd.int(4, 8), 30],
          [rnd.int(9, 16), 15],
        ]);
  const actions: ActionInput[] = [];
  for (let i = 0; i < regular; i++) {
    actions.push(regularAction(session.user.pool, crm, rnd, session.trigger === 'EXCHANGE_CHANGES'));
  }
  for (const forced of session.forced) actions.splice(rnd.int(0, actions.length), 0, forced);
  return actions;
}

function runBody(
  integration: Integration,
  session: Session,
  actions: ActionInput[],
  failure: Failure | undefined,
  crm: Crm,
  rnd: Random,
): RunCreate {
  const durationMs =
    (session.trigger === 'EXCHANGE_CHANGES' ? rnd.int(3, 25) : rnd.int(20, 170)) * 1000 +
    actions.length * 400;
  const times = spread(session.startedAt, durationMs, actions.length);
  const timed = actions.map((a, i) => ({ ...a, at: iso(times[i] ?? session.startedAt) }));
  const report: Record<string, { objects: number; changes: number; failures: number }> = {};
  for (const type of OBJECT_TYPES) report[type] = { objects: rnd.int(5, 120), changes: 0, failures: 0 };
  for (const a of actions) {
    const entry = report[a.objectType ?? ''];
    if (!entry) continue;
    if (a.action !== 'NONE') entry.changes++;
    if (a.status === 'ERROR') entry.failures++;
  }
  const firstError = actions.find((a) => a.status === 'ERROR');
  const errorCategories = ['OBJECT_ACTIVE', 'OBJECT_LOCKED', 'OBJECT_REMOVED', 'OBJECT_INACCESSIBLE'];
  const error = failure
    ? { errorSource: failure.source, errorCategory: failure.category, exception: failure.exception }
    : firstError
      ? {
          errorSource: firstError.target.system === EXCHANGE ? 'MICROSOFT_EXCHANGE' : crm.errorSource,
          errorCategory: errorCategories[firstError.errorCode ?? 1] ?? 'OBJECT_LOCKED',
          exception: firstError.message ?? null,
        }
      : {};
  return {
    integrationId: integration.id,
    userId: session.user.id,
    trigger: session.trigger,
    startedAt: iso(session.startedAt),
    finishedAt: iso(plusMs(session.startedAt, durationMs)),
    progress: session.failure === 'aborted' ? 'ABORTED' : 'FINISHED',
    counters: {
      objects: Object.values(report).reduce((n, r) => n + r.objects, 0),
      changes: actions.filter((a) => a.action !== 'NONE' && a.status !== 'ERROR').length,
      failures: actions.filter((a) => a.status === 'ERROR').length,
      conflicts: rnd.chance(0.1) ? rnd.int(1, 2) : 0,
    },
    objectReport: report,
    ...error,
    actions: timed,
  };
}

/** Loads one Exchange ↔ CRM organization: users, weeks of per-user sessions, issues and log files. */
export async function loadExchange(
  spec: ExchangeSpec,
  clock: DemoClock,
  tenantOf: (spec: TenantSpec) => Promise<DemoTenant>,
  tally: DemoTally,
): Promise<void> {
  const rnd = Random.forPart(spec.part);
  const { crm } = spec;
  const tenant = await tenantOf(spec.tenant);
  const integration = await tenant.integration({
    type: 'exchange',
    name: spec.integration.name,
    capabilities: { cancellable: true, partialSync: true },
    schedule: spec.integration.schedule,
    configuration: spec.integration.configuration,
  });

  const names = rnd.sample(
    FIRST_NAMES.flatMap((first) => LAST_NAMES.map((last) => [first, last] as const)),
    spec.userCount,
  );
  const users: MailboxUser[] = [];
  for (const [index, [first, last]] of names.entries()) {
    const disabled = index >= spec.userCount - spec.disabledUsers;
    const user = {
      index,
      name: `${first} ${last}`,
      email: `${emailLocalPart(first, last)}@${spec.domain}`,
      externalId: spec.newUserId(rnd),
      lastDay: disabled ? rnd.int(spec.lastDay + 3, spec.lastDay + 9) : spec.lastDay,
      pool: [] as MailboxObject[],
    };
    const created = await tenant.user({ externalId: user.externalId, email: user.email, name: user.name });
    for (const type of OBJECT_TYPES)
      for (let i = 0; i < 3; i++) user.pool.push(newMailboxObject(type, crm, rnd));
    users.push({ ...user, id: created.id });
  }

  // Plan: a daily full sync per mailbox, change-triggered sessions on workdays.
  const sessions: Session[] = [];
  const fullSync = new Map<string, Session>();
  for (const user of users) {
    for (let day = spec.firstDay; day >= user.lastDay; day--) {
      const full: Session = {
        user,
        trigger: 'FULL_SYNC_JOB',
        startedAt: clock.at(day, 5, 0, user.index * 70 + rnd.int(0, 50)),
        forced: [],
        logs: user.index < spec.latestPacks && day === user.lastDay,
      };
      sessions.push(full);
      fullSync.set(`${user.index}:${day}`, full);
      if (clock.isWorkday(day) && rnd.chance(spec.changeChance)) {
        const at = clock.at(day, rnd.int(8, 17), rnd.int(0, 59), rnd.int(0, 59));
        sessions.push({ user, trigger: 'EXCHANGE_CHANGES', startedAt: at, forced: [], logs: false });
      }
    }
  }
  const session = (user: MailboxUser, day: number) => fullSync.get(`${user.index}:${day}`);
  const active = users.filter((u) => u.lastDay === spec.lastDay);

  // Issues: errors that repeat for a few sessions, then are resolved by an OK action, or stay open.
  for (let i = 0; i < spec.issues; i++) {
    const code = (i % 4) as 0 | 1 | 2 | 3;
    const resolved = i % 3 !== 2;
    const template = rnd.pick(ISSUE_TEMPLATES[code]);
    const picked = rnd.pick(active);
    // Issue 0 is resolved, issue 2 stays open (see `resolved`).
    const user = spec.timelineUser && (i === 0 || i === 2) ? (active[0] ?? picked) : picked;
    const object = newMailboxObject(template.type, crm, rnd);
    const repeats = rnd.int(1, 4);
    const start = resolved
      ? rnd.int(spec.lastDay + repeats, spec.firstDay)
      : rnd.int(spec.lastDay + repeats - 1, Math.min(spec.firstDay, spec.lastDay + repeats + 5));
    const base = {
      ...endpoints(object, template.toCrm, crm),
      objectType: template.type,
      action: template.action,
    };
    for (let r = 0; r < repeats; r++) {
      session(user, start - r)?.forced.push({
        ...base,
        status: 'ERROR',
        message: template.text(crm),
        errorCode: code,
      });
    }
    if (!resolved) continue;
    const fixedOn = start - repeats;
    const fix: ActionInput = {
      ...base,
      status: 'OK',
      message: `${template.type} synchronized after the earlier failure.`,
    };
    if (rnd.chance(0.5)) {
      // A key user fixed the record and pressed "Sync now".
      const at = clock.at(fixedOn, rnd.int(9, 16), rnd.int(0, 59), rnd.int(0, 59));
      sessions.push({ user, trigger: 'FULL_SYNC_MANUAL', startedAt: at, forced: [fix], logs: false });
    } else {
      session(user, fixedOn)?.forced.push(fix);
    }
  }
  const failureKinds = sessionFailures(crm, rnd);
  for (const kind of spec.failures) {
    let user = rnd.pick(active);
    let day = rnd.int(spec.lastDay + 1, spec.firstDay);
    // A failed session fails for one reason: pick one with no planned issue in it.
    while (session(user, day)?.failure !== undefined || (session(user, day)?.forced.length ?? 1) > 0) {
      user = rnd.pick(active);
      day = rnd.int(spec.lastDay + 1, spec.firstDay);
    }
    const failed = session(user, day) as Session;
    failed.failure = kind;
    failed.logs = true;
    const failure = failureKinds[kind];
    if (failure.action) failed.forced.push(failure.action(user));
    const next = session(user, day - 1);
    if (failure.recovery && next) next.forced.push(failure.recovery(user));
  }

  sessions.sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
  const timelineOf = spec.timelineUser ? active[0] : undefined;
  const timeline: DemoSessionRun[] = [];
  for (const s of sessions) {
    const actions = sessionActions(s, crm, rnd);
    if (s.failure) {
      // The session stopped at its failure: nothing after it.
      const at = actions.findIndex((a) => a.status === 'ERROR');
      if (at >= 0) actions.splice(at + 1);
    }
    const body = runBody(integration, s, actions, s.failure ? failureKinds[s.failure] : undefined, crm, rnd);
    const run = await tenant.run(body);
    if (s.user === timelineOf) timeline.push({ run, trigger: s.trigger, startedAt: s.startedAt });
    if (s.logs || run.status === 'ERROR') {
      const files = logPack({
        crm,
        organization: tenant.organization.name,
        user: s.user,
        trigger: s.trigger,
        startedAt: s.startedAt,
        finishedAt: new Date(body.finishedAt ?? body.startedAt ?? iso(s.startedAt)),
        actions,
        known: s.user.pool,
      });
      for (const file of files) await tenant.client.upload(run.id, file);
      tally.artifacts += files.length;
    }
  }

  if (timelineOf) {
    const own = Random.forPart(`${spec.part}-timeline`);
    tally.calls += await loadTimelineCalls(tenant, timelineOf, timeline, own);
  }
  for (const user of users.filter((u) => u.lastDay !== spec.lastDay)) {
    await tenant.client.patch(`/api/v1/users/${user.id}`, { syncEnabled: false });
  }
  if (spec.liveCancel)
    await liveCancelledSession(tenant, integration, users[0] as MailboxUser, clock, crm, rnd);
  if (spec.disableAtEnd) {
    await tenant.client.patch(`/api/v1/integrations/${integration.id}`, { status: 'INACTIVE' });
    await tenant.disableSync();
  }
}

/** A session under way right now that an administrator asked to cancel: it waits for the connector. */
async function liveCancelledSession(
  tenant: DemoTenant,
  integration: Integration,
  user: MailboxUser,
  clock: DemoClock,
  crm: Crm,
  rnd: Random,
): Promise<void> {
  const startedAt = clock.minutesAgo(2);
  const actions = [0, 1, 2].map((i) => ({
    ...regularAction(user.pool, crm, rnd, true),
    at: iso(plusMs(startedAt, i * 9000)),
  }));
  const run = await tenant.run({
    integrationId: integration.id,
    userId: user.id,
    trigger: 'FULL_SYNC_MANUAL',
    startedAt: iso(startedAt),
    actions,
  });
  await tenant.client.post(`/api/v1/runs/${run.id}/heartbeat`);
  await tenant.client.post<Run>(`/api/v1/runs/${run.id}/cancel`);
}
