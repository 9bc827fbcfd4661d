import { DateTime } from 'luxon';

import type { CalendarSpec, Sla } from '../../../nodes/engine/calendar';
import { compilePolicy, DEFAULT_LADDER, makePolicy, startTimer, type Ladder, type StartTimerInput } from '../../../nodes/engine/sla';

export const BERLIN = 'Europe/Berlin';
export const NEW_YORK = 'America/New_York';
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/** Epoch ms of a local wall-clock time in a zone. */
export const local = (iso: string, zone = BERLIN) => DateTime.fromISO(iso, { zone }).toMillis();
/** How a time reads on a wall clock, weekday included, so failures are readable. */
export const wall = (ms: number, zone = BERLIN) => DateTime.fromMillis(ms, { zone }).toFormat('ccc yyyy-MM-dd HH:mm');

/** 9-18 on weekdays, every working minute counted (no SLA moved to the next opening). */
export const nineToSix = (zone = BERLIN, extra: Partial<CalendarSpec> = {}): CalendarSpec & { zone: string } => ({
	zone,
	hours: { start: '09:00', end: '18:00' },
	keepSlaInOnePeriod: false,
	...extra,
});

export const HOT: Sla = { hours: 1, basis: 'business', action: 'contact' };
export const WARM: Sla = { hours: 24, basis: 'calendar', action: 'contact' };
export const MQL: Sla = { hours: 48, basis: 'calendar', action: 'acknowledge' };

export function policyOf(sla: Sla = HOT, calendar = nineToSix(), ladder: Ladder = DEFAULT_LADDER) {
	return compilePolicy(makePolicy(sla, calendar, ladder));
}

export const details = {
	lead: { name: 'Dana Scully', company: 'Globex', email: 'dana@globex.com', crmUrl: 'https://crm.example.com/contacts/1001' },
	owner: { name: 'Ana Ruiz', slackId: 'U0ANA' },
};

export function started(policy = policyOf(), startedAt = local('2026-03-10T10:00'), extra: Partial<StartTimerInput> = {}) {
	return startTimer(policy, { scope: 'default', handoffKey: 'evt-1', leadKey: 'dana@globex.com', ownerId: '101', team: 'emea', tier: 'Hot', startedAt, details, ...extra }).timer;
}

/** Stage name -> local wall time, for readable schedule assertions. */
export const scheduleOf = (timer: { schedule: Array<{ stage: string; dueAt: number }> }, zone = BERLIN) =>
	Object.fromEntries(timer.schedule.map((s) => [s.stage, wall(s.dueAt, zone)]));
