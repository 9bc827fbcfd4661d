import { addBusinessTime, type BusinessCalendar } from './calendar';

/**
 * A response-time promise. `business` time counts only the calendar's working hours
 * (1 business hour from Friday 17:30 ends Monday 10:00 in a 9-18 calendar); `calendar` time
 * is clock time (24 hours is 24 hours, nights and weekends included).
 */
export interface Sla {
	hours?: number;
	minutes?: number;
	basis: 'business' | 'calendar';
	/** What must happen by the due time: a first contact, or an acknowledgement (MQLs). */
	action?: 'contact' | 'acknowledge';
}

export function slaMinutes(sla: Sla): number {
	return (sla.hours ?? 0) * 60 + (sla.minutes ?? 0);
}

/** When the SLA expires for a lead that arrived at `startMs`. */
export function dueTime(startMs: number, sla: Sla, calendar: BusinessCalendar): number {
	const minutes = slaMinutes(sla);
	return sla.basis === 'business' ? addBusinessTime(startMs, minutes, calendar) : startMs + minutes * 60_000;
}

/** "1 business hour", "24 hours", "90 business minutes": how the SLA reads in a brief. */
export function describeSla(sla: Sla): string {
	const minutes = slaMinutes(sla);
	const business = sla.basis === 'business' ? 'business ' : '';
	if (minutes % 60 === 0) return `${minutes / 60} ${business}hour${minutes === 60 ? '' : 's'}`;
	return `${minutes} ${business}minute${minutes === 1 ? '' : 's'}`;
}
