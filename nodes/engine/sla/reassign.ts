/**
 * Reassignment through the same routing as Tier Router, passing over the rep who has the lead now
 * (the one who let it lapse). The store locks and loads the team as for a first assignment.
 */
import type { Lead } from '../common/types';
import type { CompiledRouter, OwnerResult, RoutingState } from '../routing';
import type { Contact } from './escalation';
import { lateness } from './lateness';
import type { CompiledPolicy } from './policy';
import { reassignmentRouting, rosterContact, teamManager, teamsOf } from './routing';
import { isRunning, reassignTimer, type ReassignInput, type SlaTimer, type TimerChange } from './timer';

/** The rep to pass over, with why in words ("let the SLA lapse: due 10:00, 2 h overdue"). */
export function passOver(policy: CompiledPolicy, timer: SlaTimer, now: number): Array<{ repId: string; reason: string }> {
	if (timer.ownerId === undefined) return [];
	const standing = lateness(timer.dueAt, now, policy);
	return [{ repId: timer.ownerId, reason: standing.overdue ? `let the SLA lapse (${standing.text})` : 'has the lead now' }];
}

/** The new owner of a timer's lead, chosen by the routing with the current owner passed over. */
export function routeReassignment(router: CompiledRouter, policy: CompiledPolicy, lead: Lead, timer: SlaTimer, now: number, state: RoutingState = {}): OwnerResult {
	return router.assign(lead, now, { ...state, exclude: [...(state.exclude ?? []), ...passOver(policy, timer, now)] });
}

export interface ReassignmentRequest {
	at: number;
	/** A named rep; left out, the next rep through the timer's routing. */
	toRep?: string;
	/** Only if the timer still belongs to this rep: a repeated request then changes nothing. */
	fromOwner?: string;
}

export interface ReassignmentDecision {
	change: TimerChange;
	/** The routing's choice (routed reassignments): via, reasons, reps passed over. */
	routed?: OwnerResult;
	/** The new owner's contact from the roster (the id alone for a rep not on it). */
	owner?: Contact;
	/** The manager of the new owner's team. */
	manager?: Contact;
	/** The team's round-robin counter after the pick, for the store to write back. */
	nextCounter?: number;
}

/**
 * Who a running timer goes to, decided under the store's locks: the named rep, or the rep the
 * routing picks (the current owner passed over) with the counter and loads the store read. The
 * timer's details get the new owner's contact and their team's manager. When the routing finds
 * nobody (everyone out, at capacity, or the fallback is a queue), nothing changes and the
 * message says why.
 */
export function decideReassignment(
	policy: CompiledPolicy,
	timer: SlaTimer,
	request: ReassignmentRequest,
	state: { counter?: number; loads?: RoutingState['loads'] } = {},
): ReassignmentDecision {
	const snapshot = policy.policy.routing;
	const fromOwner = request.fromOwner === undefined ? {} : { fromOwner: request.fromOwner };
	if (request.toRep !== undefined) {
		const ownerId = request.toRep;
		const memberOf = teamsOf(snapshot, ownerId);
		// The lead stays in its team when the rep is a member of it, else moves to the rep's team.
		const team = timer.team !== undefined && memberOf.includes(timer.team) ? timer.team : (memberOf[0] ?? timer.team);
		return withOwner(policy, timer, { at: request.at, ownerId, ...fromOwner, ...(team === undefined ? {} : { team }) }, snapshot);
	}
	if (!isRunning(timer) || (request.fromOwner !== undefined && request.fromOwner !== timer.ownerId)) {
		// The engine's own answer (closed, or owned by someone else now), without routing anybody.
		return { change: reassignTimer(policy, timer, { at: request.at, ownerId: timer.ownerId ?? '', ...fromOwner }) };
	}
	const routing = reassignmentRouting(policy, timer.team);
	const counters = routing.team === undefined ? {} : { [routing.team]: state.counter ?? 0 };
	const routed = routeReassignment(routing.router, policy, {}, timer, request.at, { counters, loads: state.loads ?? {} });
	if (routed.ownerId === undefined) {
		const message = `Nobody could take the lead (${[...routed.reasons, ...routed.skipped.map((s) => `${s.repId}: ${s.reason}`)].join('; ')}); it stays with ${timer.ownerId ?? 'nobody'}, nothing changed`;
		return { change: { changed: false, outcome: 'sameOwner', message, timer }, routed };
	}
	const decision = withOwner(policy, timer, { at: request.at, ownerId: routed.ownerId, ...fromOwner, ...(routed.team === undefined ? {} : { team: routed.team }) }, snapshot);
	return { ...decision, routed, ...(routed.cursor && routed.cursor.team === routing.team ? { nextCounter: routed.cursor.next } : {}) };
}

function withOwner(policy: CompiledPolicy, timer: SlaTimer, input: ReassignInput, snapshot: CompiledPolicy['policy']['routing']): ReassignmentDecision {
	const owner = rosterContact(snapshot, input.ownerId);
	const team = input.team ?? timer.team;
	const manager = team === timer.team && timer.details.manager !== undefined ? (timer.details.manager as Contact) : teamManager(snapshot, team);
	const change = reassignTimer(policy, timer, { ...input, owner: owner as Record<string, unknown> });
	if (!change.changed) return { change };
	const details: Record<string, unknown> = { ...change.timer.details };
	if (manager) details.manager = manager;
	else delete details.manager;
	return { change: { ...change, timer: { ...change.timer, details } }, owner, ...(manager ? { manager } : {}) };
}
