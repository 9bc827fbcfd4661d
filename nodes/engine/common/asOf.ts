/**
 * What counts "as of" a time. Set to a date, the as-of time replays history: nothing after it
 * counts. Live (the option left empty, so the time is now), activity stamped a little after now
 * counts as happening now: events come stamped by other systems (a browser, a form tool, a CRM)
 * whose clocks may run ahead of ours, and a demo request that just arrived must not be missed.
 * Activity stamped further ahead than the allowed skew is left out, and the result says so.
 */
import type { Activity } from './types';

/**
 * How far another system's clock may run ahead of ours. Synchronised clocks differ by well under
 * a second; a device or server without time sync drifts by seconds a day and reaches minutes
 * within weeks. Five minutes covers that drift, and it is the skew Kerberos and most signed-request
 * APIs accept. Further ahead than that, the stamp is more likely wrong (a bad time zone, a
 * scheduled date) than early, and counting it would date the lead's engagement wrongly.
 */
export const CLOCK_SKEW_MS = 5 * 60_000;
const SKEW_WORDS = `${CLOCK_SKEW_MS / 60_000} min`;

/** The time a lead is judged at, and whether it is now (live) or a set time replaying history. */
export interface AsOfOptions {
	/** True when the as-of time is now: activity up to CLOCK_SKEW_MS after it counts as now. */
	live?: boolean;
}

/** Epoch ms an activity stamped `at` counts at, as of `now`; undefined when it does not count. */
export function countedAt(at: number, now: number, live = false): number | undefined {
	if (at <= now) return at;
	return live && at - now <= CLOCK_SKEW_MS ? now : undefined;
}

/**
 * The activities that count as of `now`, stamped at most `now` (activity within the skew of a
 * live as-of is moved to `now`), and how many were left out.
 */
export function activitiesAsOf(activities: readonly Activity[], now: number, live = false): { counted: Activity[]; ignored: number } {
	const counted: Activity[] = [];
	let ignored = 0;
	for (const activity of activities) {
		const at = countedAt(activity.at, now, live);
		if (at === undefined) ignored++;
		else counted.push(at === activity.at ? activity : { ...activity, at });
	}
	return { counted, ignored };
}

/**
 * Why activities were left out, in words; undefined when none were, or when the as-of time was
 * set (replaying history, later activity not counting is what the user asked for).
 */
export function ignoredNote(ignored: number, live = false): string | undefined {
	if (ignored === 0 || !live) return undefined;
	return `${ignored} ${ignored === 1 ? 'activity' : 'activities'} dated after now (clock skew over ${SKEW_WORDS})`;
}
