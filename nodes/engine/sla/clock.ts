/**
 * The SLA clock of one timer window: business minutes in the tier's calendar, or clock minutes.
 * Every stage of a ladder and the SLA's own due time are read off this one clock, so the 100 %
 * stage is the due time and a stage never comes before an earlier one.
 */
import { slaElapsed, whenSlaClockReads, type BusinessCalendar } from '../calendar';

export type SlaBasis = 'business' | 'calendar';

const MS_PER_MINUTE = 60_000;

export interface SlaClock {
	readonly basis: SlaBasis;
	readonly calendar: BusinessCalendar;
	/** When the clock of a window opened at `startMs` reads `minutes`. */
	reads(startMs: number, minutes: number): number;
	/** What the clock of a window opened at `startMs` reads at `nowMs`, in ms (zero before it starts). */
	elapsed(startMs: number, nowMs: number): number;
}

/** The clock of an SLA of `slaMinutes` (the SLA decides where a business clock starts). */
export function slaClock(basis: SlaBasis, slaMinutes: number, calendar: BusinessCalendar): SlaClock {
	if (basis === 'calendar') {
		return {
			basis,
			calendar,
			reads: (startMs, minutes) => startMs + Math.round(minutes * MS_PER_MINUTE),
			elapsed: (startMs, nowMs) => Math.max(0, nowMs - startMs),
		};
	}
	return {
		basis,
		calendar,
		reads: (startMs, minutes) => whenSlaClockReads(startMs, slaMinutes, minutes, calendar),
		elapsed: (startMs, nowMs) => slaElapsed(startMs, nowMs, slaMinutes, calendar),
	};
}
