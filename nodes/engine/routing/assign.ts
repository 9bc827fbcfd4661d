/**
 * Owner assignment as pure functions over state the store keeps. How a store uses them, so that
 * concurrent executions (n8n queue mode) stay fair and never assign a lead twice:
 *
 * - Round-robin and weighted round-robin: the store keeps one integer counter per team. In one
 *   transaction it locks the row (`SELECT n FROM rr_cursor WHERE team = $1 FOR UPDATE`), reads
 *   the loads, calls `pickOwner(weightedSequence(members), n, eligible)` and writes back
 *   `nextCounter` (`UPDATE rr_cursor SET n = $2`), together with the hand-off row. When every rep
 *   is eligible `nextCounter` is always n + 1, so the lock-free form
 *   `UPDATE rr_cursor SET n = n + 1 RETURNING n - 1` gives the same picks; either way each
 *   counter value is handed out once, so over any run of leads each rep's count is exact.
 * - Skipped reps (out of office, outside hours, at capacity) are passed over by advancing
 *   along the sequence: the lead goes to the next eligible rep, and the counter moves past it.
 * - Least open: lock the team's load rows, call `pickLeastLoaded`, increment the chosen rep's
 *   open count in the same transaction.
 * - Capacity: count the rep's assignments since `capacityWindowStart(rep, 'day' | 'week', now)`.
 */
import { DateTime } from 'luxon';

import { isWithinHours, type BusinessCalendar } from '../calendar';
import { ownEntry } from '../common/paths';
import type { RosterRep } from './protocol';

/** A roster entry after compilation: its calendar and out-of-office ranges ready to test. */
export interface CompiledRep {
	readonly rep: RosterRep;
	readonly id: string;
	readonly weight: number;
	readonly zone: string;
	readonly calendar: BusinessCalendar;
	/** [from, to] epoch ms, both included. */
	readonly outOfOffice: ReadonlyArray<readonly [number, number]>;
}

/** What the store knows about a rep's recent assignments. */
export interface RepLoad {
	/** Assignments since `capacityWindowStart(rep, 'day', now)`. */
	assignedToday?: number;
	/** Assignments since `capacityWindowStart(rep, 'week', now)`. */
	assignedThisWeek?: number;
	/** Hand-offs assigned and not yet closed (for least-open). */
	open?: number;
	/** Epoch ms of the last assignment (breaks ties in least-open). */
	lastAssignedAt?: number;
}

export interface SkippedRep {
	repId: string;
	reason: string;
}

/**
 * A deterministic interleaving of the reps by weight, of length sum(weights): each rep appears
 * exactly `weight` times, and in every prefix of the sequence each rep's count is within
 * 1 - 1/(2(k-1)) of its exact share (k reps), so 3:1 gives [a, a, b, a]. Counter n picks
 * `seq[n % seq.length]`, so any run of whole cycles splits exactly by weight.
 *
 * Why not nginx's smooth weighted round-robin: it can stray more than one pick from the share
 * (weights 1,19,1,1,19 reach 1.05). This is the chairman-assignment bound (Tijdeman 1980), met
 * by earliest-deadline-first over each pick's allowed window (Steiner and Yeomans 1993): the
 * j-th pick of rep i may come no earlier than the first position where it does not run ahead
 * by more than the bound, and no later than the last where the rep has not fallen behind by
 * more. EDF is optimal for unit tasks with release times and deadlines, and Tijdeman proved a
 * schedule within the bound always exists, so it never misses.
 */
export function weightedSequence(reps: ReadonlyArray<{ id: string; weight?: number }>): string[] {
	const weights = reps.map((r) => r.weight ?? 1);
	weights.forEach((w, i) => {
		if (!Number.isInteger(w) || w < 1) throw new RangeError(`weight of ${reps[i].id} must be a positive integer, got ${w}`);
	});
	const total = weights.reduce((a, b) => a + b, 0);
	if (reps.length === 1) return Array.from({ length: total }, () => reps[0].id);
	// The bound is (d - 1) / d with d = 2(k - 1); windows in integers, positions 1-based.
	const d = 2 * (reps.length - 1);
	const earliest = (i: number, j: number) => ceilDiv((j * d - (d - 1)) * total, d * weights[i]);
	const latest = (i: number, j: number) => Math.floor(((j - 1) * d + d - 1) * total / (d * weights[i])) + 1;
	const picked = weights.map(() => 0);
	const sequence: string[] = [];
	for (let t = 1; t <= total; t++) {
		let best = -1;
		let bestDeadline = Infinity;
		for (let i = 0; i < weights.length; i++) {
			const j = picked[i] + 1;
			if (j > weights[i] || earliest(i, j) > t) continue;
			const deadline = latest(i, j);
			// Ties go to the heavier rep, then to the one listed first.
			if (deadline < bestDeadline || (deadline === bestDeadline && weights[i] > weights[best])) {
				best = i;
				bestDeadline = deadline;
			}
		}
		// Unreachable by the theorem above; a loud failure beats a silently uneven team.
		if (best < 0 || bestDeadline < t) throw new Error(`weighted sequence: no rep fits position ${t} of weights ${weights.join(',')}`);
		picked[best]++;
		sequence.push(reps[best].id);
	}
	return sequence;
}

function ceilDiv(a: number, b: number): number {
	return Math.floor((a + b - 1) / b);
}

export interface OwnerPick {
	repId: string;
	/** The counter value that picked the rep. */
	position: number;
	/** What the store writes back as the team's counter. */
	nextCounter: number;
	/** How many positions were passed over because their rep was not eligible. */
	skippedPositions: number;
}

/**
 * The rep at `counter` in the sequence, or the next eligible one after it. Undefined when no rep
 * of the sequence is eligible (the caller falls back).
 */
export function pickOwner(sequence: readonly string[], counter: number, eligible: ReadonlySet<string>): OwnerPick | undefined {
	if (!Number.isSafeInteger(counter) || counter < 0) throw new RangeError(`the counter must be a non-negative integer, got ${counter}`);
	for (let k = 0; k < sequence.length; k++) {
		const repId = sequence[(counter + k) % sequence.length];
		if (eligible.has(repId)) return { repId, position: counter + k, nextCounter: counter + k + 1, skippedPositions: k };
	}
	return undefined;
}

/**
 * Least open hand-offs, relative to weight (a weight-2 rep carries twice the load); ties go to
 * whoever was assigned longest ago, then to roster order.
 */
export function pickLeastLoaded(
	reps: ReadonlyArray<{ id: string; weight: number }>,
	eligible: ReadonlySet<string>,
	loads: Readonly<Record<string, RepLoad | undefined>>,
): string | undefined {
	let best: { id: string; ratio: number; last: number } | undefined;
	for (const rep of reps) {
		if (!eligible.has(rep.id)) continue;
		const load = ownEntry(loads, rep.id);
		const ratio = (load?.open ?? 0) / rep.weight;
		const last = load?.lastAssignedAt ?? -Infinity;
		if (!best || ratio < best.ratio || (ratio === best.ratio && last < best.last)) best = { id: rep.id, ratio, last };
	}
	return best?.id;
}

/** Start (epoch ms) of the rep's current day or week (Monday), in the rep's zone. */
export function capacityWindowStart(rep: Pick<CompiledRep, 'zone'>, period: 'day' | 'week', now: number): number {
	return DateTime.fromMillis(now, { zone: rep.zone }).startOf(period).toMillis();
}

/**
 * Which reps can take a lead now, and why each other one cannot. Order is kept.
 * `outsideHours: 'allow'` ignores working hours (a team that answers leads any time).
 */
export function eligibleReps(
	reps: readonly CompiledRep[],
	loads: Readonly<Record<string, RepLoad | undefined>>,
	now: number,
	options: { outsideHours?: 'skip' | 'allow' } = {},
): { eligible: string[]; skipped: SkippedRep[] } {
	const eligible: string[] = [];
	const skipped: SkippedRep[] = [];
	for (const rep of reps) {
		const reason = unavailability(rep, ownEntry(loads, rep.id), now, options.outsideHours ?? 'skip');
		if (reason) skipped.push({ repId: rep.id, reason });
		else eligible.push(rep.id);
	}
	return { eligible, skipped };
}

/** Why a rep cannot take a lead now, or undefined when they can. */
export function unavailability(rep: CompiledRep, load: RepLoad | undefined, now: number, outsideHours: 'skip' | 'allow' = 'skip'): string | undefined {
	if (rep.rep.active === false) return 'inactive';
	const away = rep.outOfOffice.find(([from, to]) => now >= from && now <= to);
	if (away) return `out of office until ${DateTime.fromMillis(away[1], { zone: rep.zone }).toFormat('yyyy-MM-dd HH:mm')} (${rep.zone})`;
	const capacity = rep.rep.capacity;
	if (capacity?.perDay !== undefined && (load?.assignedToday ?? 0) >= capacity.perDay) {
		return `at daily capacity (${load?.assignedToday ?? 0} of ${capacity.perDay} today)`;
	}
	if (capacity?.perWeek !== undefined && (load?.assignedThisWeek ?? 0) >= capacity.perWeek) {
		return `at weekly capacity (${load?.assignedThisWeek ?? 0} of ${capacity.perWeek} this week)`;
	}
	if (outsideHours === 'skip' && !isWithinHours(now, rep.calendar)) {
		return `outside working hours (${DateTime.fromMillis(now, { zone: rep.zone }).toFormat('ccc HH:mm')} in ${rep.zone})`;
	}
	return undefined;
}
