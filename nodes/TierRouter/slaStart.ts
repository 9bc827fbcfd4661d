/**
 * The SLA timers Tier Router starts with its assignments: one policy per tier with an SLA (the
 * tier's SLA, the router's calendar in its zone, the tier's escalation ladder, and the teams and
 * roster a reassignment goes through), compiled once per execution; and the timer's details
 * (the lead, the owner from the roster, the team's manager) decided once the owner is known.
 */
import type { IDataObject } from 'n8n-workflow';

import { ProtocolError } from '../engine/common/errors';
import type { CompiledRouter, OwnerResult, RoutingProtocol, TierResult } from '../engine/routing';
import {
	compileEscalation,
	compilePolicy,
	contactOf,
	leadSummaryOf,
	makePolicy,
	routingSnapshot,
	teamManager,
	timerDetails,
	type CompiledPolicy,
	type RoutingSnapshot,
	type SlaTimer,
} from '../engine/sla';
import type { AssignmentRecord, SlaStartOutcome } from '../store';
import { localTime, stagesView } from '../shared/slaTimerView';

export interface SlaStartPlan {
	/** The compiled policy of a tier, or undefined when the tier has no SLA. */
	policyFor(tier: TierResult): CompiledPolicy | undefined;
	/** The timer's details once the assignment has chosen the owner. */
	details(lead: IDataObject, assignment: AssignmentRecord): Record<string, unknown>;
	readonly zone: string;
}

/**
 * The escalation ladder of the routing, checked (a ladder for a tier the router does not have is
 * a typo: it would silently never apply), and the policies, made on first use per tier.
 */
export function planSlaTimers(router: CompiledRouter, protocol: RoutingProtocol): SlaStartPlan {
	const escalation = compileEscalation(protocol.escalation ?? {});
	const names = router.tierNames.map((n) => n.toLowerCase());
	for (const name of Object.keys(protocol.escalation?.tiers ?? {})) {
		if (!names.includes(name.trim().toLowerCase())) {
			throw ProtocolError.at(`/escalation/tiers/${name}`, `no tier is named "${name}" (the tiers are ${router.tierNames.join(', ')})`);
		}
	}
	const zone = router.calendar.zone;
	const calendar = { ...(protocol.calendar ?? {}), zone };
	const snapshot: RoutingSnapshot | undefined = routingSnapshot(protocol);
	const policies = new Map<string, CompiledPolicy>();
	return {
		zone,
		policyFor(tier) {
			if (!tier.sla) return undefined;
			let policy = policies.get(tier.name);
			if (!policy) {
				policy = compilePolicy(makePolicy(tier.sla, calendar, escalation.ladderFor(tier.name), snapshot));
				policies.set(tier.name, policy);
			}
			return policy;
		},
		details(lead, assignment) {
			const owner = (assignment.details.owner as OwnerResult | undefined)?.owner;
			const contact = contactOf(owner ? { id: owner.id, name: owner.name, email: owner.email, slackId: owner.slackId, phone: owner.phone } : assignment.repId === undefined ? undefined : { id: assignment.repId });
			return timerDetails(leadSummaryOf(lead), contact, teamManager(snapshot, assignment.team));
		},
	};
}

/** `routing.slaTimer`: whether the timer started, and when it is due, stage by stage. */
export function slaTimerOutput(
	outcome: SlaStartOutcome<SlaTimer> | { status: 'notStarted'; reason: string; handoffKey: string },
	zone: string,
	message?: string,
): IDataObject {
	// The hand-off key either way: SLA Timer's Start and Mark Contacted find the hand-off by it.
	if (outcome.status === 'notStarted') return { status: 'notStarted', note: outcome.reason, handoffKey: outcome.handoffKey };
	const { timer } = outcome;
	const note =
		outcome.status === 'duplicate'
			? `The hand-off "${timer.handoffKey}" has its timer already (started ${localTime(timer.startedAt, zone)}); nothing changed`
			: (message ?? 'Started');
	return {
		status: outcome.status,
		note,
		handoffKey: timer.handoffKey,
		timerStatus: timer.status,
		dueAt: new Date(timer.dueAt).toISOString(),
		dueAtLocal: localTime(timer.dueAt, zone),
		stages: stagesView(timer, zone),
		...(outcome.status === 'started' && outcome.others.length ? { superseded: outcome.others.map((t) => t.handoffKey) } : {}),
	};
}
