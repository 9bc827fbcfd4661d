/**
 * Owner assignment across executions: the router engine picks, the store keeps the turn. Under
 * the team's row lock the engine sees the team's round-robin counter and its reps' loads; the
 * counter it moves to, the assignment and the loads commit together. So 8 concurrent executions
 * hand out each turn once, and a redelivered event gets its first owner back.
 */
import { getPath } from '../engine/common/paths';
import type { Lead } from '../engine/common/types';
import { capacityWindowStart, DEFAULT_FIELDS, type CompiledRouter, type OwnerResult, type RoutingProtocol } from '../engine/routing';
import { decideAssignedStart, type CompiledPolicy, type SlaTimer } from '../engine/sla';
import type { AssignmentDecider, AssignmentRecord, HandoffStore, SlaStartOutcome } from '../store';

export interface AssignmentPlan {
	router: CompiledRouter;
	/** Team id to member ids. */
	members: Map<string, string[]>;
	/** Rep id to the zone their day and week are counted in. */
	zones: Map<string, string>;
	/** Owners the engine may pick outside the team (fallbacks), whose loads it may read. */
	extraOwners: string[];
	ownerField: string;
	keepsExisting: boolean;
}

/** What the store needs to know about the protocol; built once per execution. */
export function planAssignments(router: CompiledRouter, protocol: RoutingProtocol): AssignmentPlan {
	const assignment = protocol.assignment ?? {};
	const zone = router.calendar.zone;
	const roster = assignment.roster ?? [];
	const fallbacks = [assignment.fallback, ...(assignment.teams ?? []).map((t) => t.fallback)];
	return {
		router,
		members: new Map((assignment.teams ?? []).map((t) => [t.id, t.members])),
		zones: new Map(roster.map((r) => [r.id, r.timeZone ?? zone])),
		extraOwners: fallbacks.flatMap((f) => (f && 'owner' in f ? [f.owner] : [])),
		ownerField: assignment.fields?.owner ?? DEFAULT_FIELDS.owner,
		keepsExisting: (assignment.keepExistingOwner ?? 'never') !== 'never',
	};
}

export interface AssignedOwner {
	owner: OwnerResult;
	/** True when the event was assigned before: the first owner, nothing moved. */
	duplicate: boolean;
	assignedAt: number;
	/** The hand-off's SLA timer, when one was to start: started, or a duplicate (the hand-off has one). */
	slaTimer?: SlaStartOutcome<SlaTimer>;
	/** What the engine said of the start ("Started: 1 h of business time to a first contact, due ..."). */
	slaMessage?: string;
}

/** The SLA timer to start with the assignment: the tier's policy and the timer's details. */
export interface TimerToStart {
	policy: CompiledPolicy;
	tier: string;
	details: (assignment: AssignmentRecord) => Record<string, unknown>;
}

export async function assignOwner(
	store: HandoffStore,
	plan: AssignmentPlan,
	lead: Lead,
	keys: { scope: string; leadKey: string; eventKey: string },
	now: number,
	sla?: TimerToStart,
): Promise<AssignedOwner> {
	const choice = plan.router.teamFor(lead);
	const team = choice.kind === 'team' && choice.team ? choice.team : undefined;
	const repIds = new Set([...(team ? (plan.members.get(team) ?? []) : []), ...(choice.kind === 'namedAccount' ? [choice.owner] : []), ...plan.extraOwners]);
	const current = plan.keepsExisting ? getPath(lead, plan.ownerField) : undefined;
	if (typeof current === 'string' && plan.zones.has(current.trim())) repIds.add(current.trim());
	const reps = [...repIds].map((id) => {
		const zone = { zone: plan.zones.get(id) ?? plan.router.calendar.zone };
		return { id, dayStart: capacityWindowStart(zone, 'day', now), weekStart: capacityWindowStart(zone, 'week', now) };
	});
	const decide: AssignmentDecider = ({ counter, loads }) => {
		const owner = plan.router.assign(lead, now, { counters: team ? { [team]: counter } : {}, loads });
		return {
			...(owner.ownerId === undefined ? {} : { repId: owner.ownerId }),
			...(owner.queue === undefined ? {} : { queue: owner.queue }),
			...(owner.team === undefined ? {} : { team: owner.team }),
			...(owner.cursor && owner.cursor.team === team ? { nextCounter: owner.cursor.next } : {}),
			details: { owner: owner as unknown as Record<string, unknown> },
		};
	};
	const input = { ...keys, at: now, ...(team ? { team } : {}), reps };
	if (!sla) {
		const outcome = await store.assignLead(input, decide);
		return { owner: outcome.record.details.owner as unknown as OwnerResult, duplicate: outcome.status === 'duplicate', assignedAt: outcome.record.at };
	}
	// The assignment and its hand-off's timer commit together; the timer belongs to the owner chosen.
	let slaMessage: string | undefined;
	const outcome = await store.assignLeadWithSlaTimer<SlaTimer>(input, decide, {
		input: { scope: keys.scope, handoffKey: keys.eventKey, leadKey: keys.leadKey, policyKey: sla.policy.key, policy: sla.policy.policy as unknown as Record<string, unknown> },
		decide: (record, state) => {
			const decision = decideAssignedStart(sla.policy, { scope: keys.scope, handoffKey: keys.eventKey, leadKey: keys.leadKey, tier: sla.tier, startedAt: now, details: sla.details(record) }, record, state);
			slaMessage = decision.change.message;
			return decision;
		},
	});
	return {
		owner: outcome.record.details.owner as unknown as OwnerResult,
		duplicate: outcome.status === 'duplicate',
		assignedAt: outcome.record.at,
		...(outcome.slaTimer ? { slaTimer: outcome.slaTimer } : {}),
		...(slaMessage === undefined ? {} : { slaMessage }),
	};
}
