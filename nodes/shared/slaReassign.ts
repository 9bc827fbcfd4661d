/**
 * Reassigning a hand-off's SLA timer, as SLA Timer's Reassign and the SLA Breach Trigger's
 * reassignment stage both do it: to a named rep, or to the next rep through the routing the timer
 * keeps in its policy (Tier Router's teams and roster when it started), passing over the current
 * owner. The store runs the engine's decision under the timer's lock, the team's round-robin
 * counter and the reps' load rows, so the new owner, the turn and the moved load commit together.
 */
import { capacityWindowStart } from '../engine/routing';
import { compilePolicy, decideReassignment, reassignmentRouting, type Contact, type ReassignmentDecision, type SlaTimer } from '../engine/sla';
import type { HandoffStore, SlaReassignOutcome } from '../store';

export interface ReassignRequest {
	scope: string;
	handoffKey: string;
	/** The reassignment time, epoch ms: the new owner's window opens then. */
	at: number;
	/** A named rep (roster id); left out, the next rep through the timer's routing. */
	toRep?: string;
	/** Only if the timer still belongs to this rep: a repeated request then changes nothing. */
	fromOwner?: string;
	/**
	 * The SLA Breach Trigger's Reassignment stage, leased by its claim: the stage fires in the same
	 * transaction as the reassignment (or, when nobody can take the lead, with the reason kept on
	 * the timer), only while the lease is this one; otherwise 'leaseLost' and nothing changes.
	 */
	held?: { stage: string; until: number };
}

/** What the Reassignment stage did, kept on the timer (`details.reassignment`) when the stage fires. */
export interface ReassignmentRecord {
	at: number;
	reassigned: boolean;
	message: string;
}

export type ReassignResult =
	| { status: 'notFound'; message: string }
	| {
			status: 'reassigned' | 'unchanged';
			/** What happened, in words ("Reassigned from 101 to 102: ...", "Already contacted ...; nothing changed"). */
			message: string;
			before: SlaTimer;
			after: SlaTimer;
			/** The zone of the timer's calendar, for showing its times. */
			zone: string;
			/** The new owner's contact (reassigned only). */
			owner?: Contact;
			/** The manager of the new owner's team, when the routing names one. */
			manager?: Contact;
			/** The routing's choice: how the rep was picked and who was passed over (routed reassignments). */
			via?: string;
			reasons?: string[];
			skipped?: Array<{ repId: string; reason: string }>;
	  };

/** A held stage's reassignment: also 'leaseLost', when the lease is no longer this one's (another poll fired it, or will). */
export type HeldReassignResult = ReassignResult | { status: 'leaseLost'; message: string };

/** Tries again when the timer changed team between the look and the lock (another reassignment). */
const ATTEMPTS = 3;

/** Thrown inside the transaction to roll a held stage's firing back and look again. */
class TeamMoved extends Error {}

function noted(timer: SlaTimer, record: ReassignmentRecord): SlaTimer {
	return { ...timer, details: { ...timer.details, reassignment: { ...record } } };
}

const LEASE_LOST = 'This Reassignment stage was fired by another poll (its lease had run out, or the timer changed meanwhile); nothing changed here';

export async function reassignByRouting(store: HandoffStore, request: ReassignRequest & { held?: undefined }): Promise<ReassignResult>;
export async function reassignByRouting(store: HandoffStore, request: ReassignRequest): Promise<HeldReassignResult>;
export async function reassignByRouting(store: HandoffStore, request: ReassignRequest): Promise<HeldReassignResult> {
	for (let attempt = 1; ; attempt++) {
		const found = await store.getSlaTimer<SlaTimer>(request.scope, request.handoffKey);
		if (!found) return { status: 'notFound', message: `No SLA timer for the hand-off "${request.handoffKey}"` };
		const policy = compilePolicy(found.policy);
		const held = request.held;
		if (request.toRep === undefined && !policy.policy.routing?.teams?.length) {
			const message = 'The timer was started without a routing with teams (by SLA Timer, or by Tier Router without teams), so there is no next rep to route to; name the rep to reassign to. Nothing changed';
			if (!held) return { status: 'unchanged', message, before: found.timer, after: found.timer, zone: policy.calendar.zone };
			// The held stage fires all the same, with the reason kept on the timer.
			return fireWithoutReassigning(store, { ...request, held }, message, policy.calendar.zone);
		}
		// The team whose counter and loads the store locks: the routing's, or none for a named rep.
		const routing = request.toRep === undefined ? reassignmentRouting(policy, found.timer.team) : undefined;
		const zoneOf = routing?.zoneOf ?? ((id: string) => policy.policy.routing?.roster?.find((r) => r.id === id)?.timeZone ?? policy.calendar.zone);
		const repIds = new Set([...(routing?.repIds ?? []), ...(request.toRep === undefined ? [] : [request.toRep]), ...(found.timer.ownerId === undefined ? [] : [found.timer.ownerId])]);
		const reps = [...repIds].map((id) => {
			const zone = { zone: zoneOf(id) };
			return { id, dayStart: capacityWindowStart(zone, 'day', request.at), weekStart: capacityWindowStart(zone, 'week', request.at) };
		});
		let decision: ReassignmentDecision | undefined;
		let moved = false;
		const outcome: SlaReassignOutcome<SlaTimer> | undefined = await store
			.reassignSlaTimer<SlaTimer>(
				{ scope: request.scope, handoffKey: request.handoffKey, at: request.at, ...(routing?.team === undefined ? {} : { team: routing.team }), reps, ...(held ? { held } : {}) },
				({ timer, policy: stored, counter, loads }) => {
					const compiled = compilePolicy(stored);
					if (routing && reassignmentRouting(compiled, timer.team).team !== routing.team) {
						moved = true;
						// A held stage must not fire on a stale look: roll back and look again.
						if (held && attempt < ATTEMPTS) throw new TeamMoved();
						return held ? { timer: noted(timer, { at: request.at, reassigned: false, message: 'The timer changed team meanwhile; nothing changed' }) } : {};
					}
					decision = decideReassignment(compiled, timer, { at: request.at, ...(request.toRep === undefined ? {} : { toRep: request.toRep }), ...(request.fromOwner === undefined ? {} : { fromOwner: request.fromOwner }) }, { counter, loads });
					const next = decision.nextCounter === undefined ? {} : { nextCounter: decision.nextCounter };
					// A held stage fires either way; its outcome, in words, stays on the timer.
					if (held) return { timer: noted(decision.change.timer, { at: request.at, reassigned: decision.change.changed, message: decision.change.message }), ...(decision.change.changed ? next : {}) };
					return decision.change.changed ? { timer: decision.change.timer, ...next } : {};
				},
			)
			// The store may hand the decider's error back as its cause (PostgreSQL's driver does).
			.catch((error: unknown) => (error instanceof TeamMoved || (error as { cause?: unknown } | null)?.cause instanceof TeamMoved ? undefined : Promise.reject(error)));
		if (outcome === undefined) continue;
		if (outcome.status === 'notFound') return { status: 'notFound', message: `No SLA timer for the hand-off "${request.handoffKey}"` };
		if (outcome.status === 'leaseLost') return { status: 'leaseLost', message: LEASE_LOST };
		if (moved && attempt < ATTEMPTS) continue;
		const made = decision as ReassignmentDecision | undefined;
		const routed = made?.routed;
		return {
			status: outcome.status,
			message: made?.change.message ?? 'The timer changed team meanwhile; nothing changed',
			before: outcome.before,
			after: outcome.after,
			zone: policy.calendar.zone,
			...(outcome.status === 'reassigned' && made?.owner ? { owner: made.owner } : {}),
			...(outcome.status === 'reassigned' && made?.manager ? { manager: made.manager } : {}),
			...(routed ? { via: routed.via, reasons: routed.reasons, skipped: routed.skipped } : {}),
		};
	}
}

/**
 * Fires a held Reassignment stage without reassigning, the reason kept on the timer
 * (`details.reassignment`): when there is nobody to route to, or when reassigning fails in a way
 * that would fail again on every try. 'leaseLost' when the lease is no longer the caller's.
 */
export async function fireWithoutReassigning(
	store: HandoffStore,
	request: Pick<ReassignRequest, 'scope' | 'handoffKey' | 'at'> & { held: { stage: string; until: number } },
	message: string,
	zone: string,
): Promise<HeldReassignResult> {
	const fired = await store.reassignSlaTimer<SlaTimer>({ scope: request.scope, handoffKey: request.handoffKey, at: request.at, reps: [], held: request.held }, ({ timer }) => ({
		timer: noted(timer, { at: request.at, reassigned: false, message }),
	}));
	if (fired.status === 'notFound') return { status: 'notFound', message: `No SLA timer for the hand-off "${request.handoffKey}"` };
	if (fired.status === 'leaseLost') return { status: 'leaseLost', message: LEASE_LOST };
	return { status: 'unchanged', message, before: fired.before, after: fired.after, zone };
}
