/**
 * Reassigning a hand-off's SLA timer, as SLA Timer's Reassign and the SLA Breach Trigger's
 * reassignment stage both do it: to a named rep, or to the next rep through the routing the timer
 * keeps in its policy (Tier Router's teams and roster when it started), passing over the current
 * owner. The store runs the engine's decision under the timer's lock, the team's round-robin
 * counter and the reps' load rows, so the new owner, the turn and the moved load commit together.
 */
import { capacityWindowStart } from '../engine/routing';
import { compilePolicy, decideReassignment, reassignmentRouting, type Contact, type ReassignmentDecision, type SlaTimer } from '../engine/sla';
import type { HandoffStore } from '../store';

export interface ReassignRequest {
	scope: string;
	handoffKey: string;
	/** The reassignment time, epoch ms: the new owner's window opens then. */
	at: number;
	/** A named rep (roster id); left out, the next rep through the timer's routing. */
	toRep?: string;
	/** Only if the timer still belongs to this rep: a repeated request then changes nothing. */
	fromOwner?: string;
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

/** Tries again when the timer changed team between the look and the lock (another reassignment). */
const ATTEMPTS = 3;

export async function reassignByRouting(store: HandoffStore, request: ReassignRequest): Promise<ReassignResult> {
	for (let attempt = 1; ; attempt++) {
		const found = await store.getSlaTimer<SlaTimer>(request.scope, request.handoffKey);
		if (!found) return { status: 'notFound', message: `No SLA timer for the hand-off "${request.handoffKey}"` };
		const policy = compilePolicy(found.policy);
		if (request.toRep === undefined && !policy.policy.routing?.teams?.length) {
			const message = 'The timer was started without a routing with teams (by SLA Timer, or by Tier Router without teams), so there is no next rep to route to; name the rep to reassign to. Nothing changed';
			return { status: 'unchanged', message, before: found.timer, after: found.timer, zone: policy.calendar.zone };
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
		const outcome = await store.reassignSlaTimer<SlaTimer>(
			{ scope: request.scope, handoffKey: request.handoffKey, at: request.at, ...(routing?.team === undefined ? {} : { team: routing.team }), reps },
			({ timer, policy: stored, counter, loads }) => {
				const compiled = compilePolicy(stored);
				if (routing && reassignmentRouting(compiled, timer.team).team !== routing.team) {
					moved = true;
					return {};
				}
				decision = decideReassignment(compiled, timer, { at: request.at, ...(request.toRep === undefined ? {} : { toRep: request.toRep }), ...(request.fromOwner === undefined ? {} : { fromOwner: request.fromOwner }) }, { counter, loads });
				return decision.change.changed ? { timer: decision.change.timer, ...(decision.nextCounter === undefined ? {} : { nextCounter: decision.nextCounter }) } : {};
			},
		);
		if (outcome.status === 'notFound') return { status: 'notFound', message: `No SLA timer for the hand-off "${request.handoffKey}"` };
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
