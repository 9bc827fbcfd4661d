/**
 * How late a hand-off is, in words a rep and a manager read at a glance:
 * "due 10:00, 1 h 12 min overdue, Ana Ruiz". Times read in the calendar's zone; for a
 * business-time SLA the lateness counts working time, and says so when nights or a weekend lie
 * in between ("due Fri 17:00, 12 min overdue in business hours").
 */
import { DateTime } from 'luxon';

import { businessTimeBetween } from '../calendar';
import type { CompiledPolicy } from './policy';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "1 h 12 min", "45 min", "2 d 3 h", "under a minute". */
export function describeDuration(ms: number): string {
	const minutes = Math.floor(Math.abs(ms) / MINUTE);
	if (minutes < 1) return 'under a minute';
	if (minutes < 60) return `${minutes} min`;
	if (Math.abs(ms) < DAY) {
		const rest = minutes % 60;
		return `${Math.floor(minutes / 60)} h${rest ? ` ${rest} min` : ''}`;
	}
	const hours = Math.floor(minutes / 60);
	const restHours = hours % 24;
	return `${Math.floor(hours / 24)} d${restHours ? ` ${restHours} h` : ''}`;
}

/** A time as it reads next to `now`: "10:00" today, "Fri 17:00" within a week, else "13 Mar 17:00". */
export function describeWhen(ms: number, now: number, zone: string): string {
	const at = DateTime.fromMillis(ms, { zone });
	const today = DateTime.fromMillis(now, { zone });
	if (at.hasSame(today, 'day')) return at.toFormat('HH:mm');
	if (Math.abs(ms - now) < 6 * DAY) return at.toFormat('ccc HH:mm');
	return at.toFormat(at.hasSame(today, 'year') ? 'd LLL HH:mm' : 'd LLL yyyy HH:mm');
}

export interface Lateness {
	overdue: boolean;
	/** Clock minutes past the due time (negative: left before it), whole minutes toward zero. */
	clockMinutes: number;
	/** Working minutes past (negative: left), in the SLA's calendar. */
	businessMinutes: number;
	/** "due 10:00, 1 h 12 min overdue, Ana Ruiz". */
	text: string;
}

/** How the SLA stands at `now` for a hand-off due at `dueAt`. */
export function lateness(dueAt: number, now: number, policy: CompiledPolicy, ownerName?: string): Lateness {
	const overdue = now > dueAt;
	const [from, to] = overdue ? [dueAt, now] : [now, dueAt];
	const clock = to - from;
	const business = businessTimeBetween(from, to, policy.calendar);
	const sign = overdue ? 1 : -1;
	const counted = policy.policy.sla.basis === 'business' ? business : clock;
	const inBusiness = policy.policy.sla.basis === 'business' && business !== clock ? ' in business hours' : '';
	const state = now === dueAt ? 'due now' : `${describeDuration(counted)} ${overdue ? 'overdue' : 'left'}${inBusiness}`;
	const who = ownerName ? `, ${ownerName}` : '';
	return {
		overdue,
		clockMinutes: sign * Math.floor(clock / MINUTE),
		businessMinutes: sign * Math.floor(business / MINUTE),
		text: `due ${describeWhen(dueAt, now, policy.calendar.zone)}, ${state}${who}`,
	};
}

/**
 * When a stage fires later than a poll interval after its due time (n8n was down, or the poll
 * was held up), how late, in words: "fired 3 h 5 min late". Undefined when on time.
 */
export function firedLate(stageDueAt: number, firedAt: number, toleranceMs = 2 * MINUTE): string | undefined {
	const late = firedAt - stageDueAt;
	return late > toleranceMs ? `fired ${describeDuration(late)} late` : undefined;
}
