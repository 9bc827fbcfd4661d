/**
 * A lead sales already has: handed off for this very event (the event arrived again), or handed
 * off within the cool-down and not recycled since. Such a lead goes neither to sales a second
 * time nor to nurture; the gate (from version 2) sends it to its own output, Already Handed Off,
 * with the earlier hand-off on the item.
 */
import { applyCooldown, redelivered, type Decision, type GateResult } from './gate';

/** Where the gate sends an item; 'alreadyHandedOff' is Not Yet for gates before version 2. */
export type GateOutput = Decision | 'alreadyHandedOff';

/** The hand-off that makes the lead sales' own. */
export interface EarlierHandoff {
	/** Epoch ms. */
	at: number;
	/** The event that caused it. */
	eventKey?: string;
	/** Why it was handed off, as recorded then. */
	reasons?: string[];
}

export interface GateVerdict {
	result: GateResult;
	output: GateOutput;
	earlier?: EarlierHandoff;
	/** The same event, delivered again. */
	redelivery?: true;
}

/** The lead's fire-once record, as the store keeps it. */
export interface LastHandoff {
	at: number;
	eventKey?: string;
	recycledAt?: number;
}

/** An event that handed the lead off already, arriving again. */
export function redeliveredVerdict(result: GateResult, earlier: EarlierHandoff): GateVerdict {
	return { result: redelivered(result, earlier.at), output: 'alreadyHandedOff', earlier, redelivery: true };
}

/**
 * The gate's verdict on a new event of a lead with a past hand-off (`last`): a lead within its
 * cool-down is sales' own, whether or not this event would qualify on its own; past the
 * cool-down, or recycled to nurture, the cool-down rule decides as for any lead.
 */
export function verdictAfter(result: GateResult, last: LastHandoff | undefined, cooldownDays: number, now: number): GateVerdict {
	if (result.decision === 'disqualified' || last === undefined) return { result, output: result.decision };
	// A Not Yet is asked as if it had qualified: the cool-down's own rule and words say whether sales has the lead.
	const asked = result.decision === 'handoff' ? result : { ...result, decision: 'handoff' as const, fired: [] };
	const cooled = applyCooldown(asked, last, cooldownDays, now);
	if (cooled.cooldownUntil !== undefined) {
		return { result: cooled, output: 'alreadyHandedOff', earlier: { at: last.at, ...(last.eventKey === undefined ? {} : { eventKey: last.eventKey }) } };
	}
	return result.decision === 'handoff' ? { result: cooled, output: cooled.decision } : { result, output: 'notYet' };
}
