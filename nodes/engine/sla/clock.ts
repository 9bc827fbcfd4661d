/**
 * The SLA clock of one timer window: business minutes in the tier's calendar, or clock minutes.
 * Every stage of a ladder and the SLA's own due time are read off this one clock, so the 100 %
 * stage is the due time and a stage never comes before an earlier one.
 */
import { addBusinessTime, slaClockStart, slaElapsed, whenSlaClockReads, type BusinessCalendar } from '../calendar';

export type SlaBasis = 'business' | 'calendar';

const MS_PER_MINUTE = 60_000;

export interface SlaClock {
	readonly basis: SlaBasis;
	readonly calendar: BusinessCalendar;
	/** When the clock of a window opened at `startMs` reads `minutes`. */
	reads(startMs: number, minutes: number): number;
	/** `reads` for several readings of one window at once (a ladder's stages), in their order. */
	readsAll(startMs: number, minutes: readonly number[]): number[];
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
			readsAll: (startMs, minutes) => minutes.map((m) => startMs + Math.round(m * MS_PER_MINUTE)),
			elapsed: (startMs, nowMs) => Math.max(0, nowMs - startMs),
		};
	}
	return {
		basis,
		calendar,
		reads: (startMs, minutes) => whenSlaClockReads(startMs, slaMinutes, minutes, calendar),
		readsAll(startMs, minutes) {
			// Working minutes add up: from one reading the next is the difference further on.
			const order = minutes.map((m, i) => [m, i] as const).sort((a, b) => a[0] - b[0]);
			const out: number[] = new Array(minutes.length);
			let at = slaClockStart(startMs, slaMinutes, calendar);
			let read = 0;
			for (const [m, i] of order) {
				if (m > read) at = addBusinessTime(at, m - read, calendar);
				else if (read === 0) at = addBusinessTime(at, 0, calendar);
				read = m;
				out[i] = at;
			}
			return out;
		},
		elapsed: (startMs, nowMs) => slaElapsed(startMs, nowMs, slaMinutes, calendar),
	};
}
