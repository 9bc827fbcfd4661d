import { slaElapsed, whenSlaClockReads, type BusinessCalendar } from './calendar';

/**
 * A response-time promise. `business` time counts only the calendar's working hours
 * (1 business hour from Friday 17:30 ends Monday 09:30 in a 9-18 calendar; see
 * `slaClockStart` for `keepSlaInOnePeriod`); `calendar` time is clock time (24 hours is 24
 * hours, nights and weekends included).
 */
export interface Sla {
	hours?: number;
	minutes?: number;
	basis: 'business' | 'calendar';
	/** What must happen by the due time: a first contact, or an acknowledgement (MQLs). */
	action?: 'contact' | 'acknowledge';
}

const MS_PER_MINUTE = 60_000;

export function slaMinutes(sla: Sla): number {
	return (sla.hours ?? 0) * 60 + (sla.minutes ?? 0);
}

/** When the SLA expires for a lead that arrived at `startMs`. */
export function dueTime(startMs: number, sla: Sla, calendar: BusinessCalendar): number {
	return timeWhenElapsed(startMs, sla, slaMinutes(sla), calendar);
}

/**
 * How much of the SLA (ms) has been used at `nowMs`: exactly the SLA at `dueTime`, so
 * `elapsedTime / (slaMinutes * 60_000)` is the share an escalation ladder compares with 50 %,
 * 100 % or 200 %.
 */
export function elapsedTime(startMs: number, nowMs: number, sla: Sla, calendar: BusinessCalendar): number {
	return sla.basis === 'business' ? slaElapsed(startMs, nowMs, slaMinutes(sla), calendar) : Math.max(0, nowMs - startMs);
}

/** When `elapsedTime` reaches `minutes`, e.g. half or twice the SLA. */
export function timeWhenElapsed(startMs: number, sla: Sla, minutes: number, calendar: BusinessCalendar): number {
	return sla.basis === 'business' ? whenSlaClockReads(startMs, slaMinutes(sla), minutes, calendar) : startMs + Math.round(minutes * MS_PER_MINUTE);
}

/** "1 business hour", "24 hours", "90 business minutes": how the SLA reads in a brief. */
export function describeSla(sla: Sla): string {
	const minutes = slaMinutes(sla);
	const business = sla.basis === 'business' ? 'business ' : '';
	if (minutes % 60 === 0) return `${minutes / 60} ${business}hour${minutes === 60 ? '' : 's'}`;
	return `${minutes} ${business}minute${minutes === 1 ? '' : 's'}`;
}
