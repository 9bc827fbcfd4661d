/**
 * Owner assignment across executions: the router engine picks, the store keeps the turn. Under
 * the team's row lock the engine sees the team's round-robin counter and its reps' loads; the
 * counter it moves to, the assignment and the loads commit together. So 8 concurrent executions
 * hand out each turn once, and a redelivered event gets its first owner back.
 */
import { DateTime } from 'luxon';

import { getPath } from '../engine/common/paths';
import type { Lead } from '../engine/common/types';
import { capacityWindowStart, DEFAULT_FIELDS, type CompiledRouter, type OwnerResult, type RoutingProtocol } from '../engine/routing';
import { decideAssignedStart, type CompiledPolicy, type SlaTimer } from '../engine/sla';
import type { AssignmentDecider, AssignmentOutcome, AssignmentRecord, AssignmentRequest, HandoffStore, SlaStartOutcome } from '../store';

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
	/** A redelivered event's: when its messages were confirmed sent, if they were. */
	deliveredAt?: number;
	/** A redelivered event's: when its assignment closed (recycled, reassigned), if it did. */
	closedAt?: number;
	/** The due time the assignment was made with (assignments made since the router keeps it). */
	firstDueAt?: number;
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

/** The day and week a time falls in, per zone: the last ones found are kept, as the leads of an execution share them. */
const windowCache = new WeakMap<AssignmentPlan, Map<string, { dayStart: number; dayEnd: number; weekStart: number; weekEnd: number }>>();

function windowsOf(plan: AssignmentPlan, zone: string, now: number): { dayStart: number; weekStart: number } {
	let byZone = windowCache.get(plan);
	if (!byZone) windowCache.set(plan, (byZone = new Map()));
	let known = byZone.get(zone);
	if (!known || now < known.dayStart || now >= known.dayEnd || now < known.weekStart || now >= known.weekEnd) {
		const dayStart = capacityWindowStart({ zone }, 'day', now);
		const weekStart = capacityWindowStart({ zone }, 'week', now);
		const dayEnd = DateTime.fromMillis(dayStart, { zone }).plus({ days: 1 }).toMillis();
		const weekEnd = DateTime.fromMillis(weekStart, { zone }).plus({ weeks: 1 }).toMillis();
		byZone.set(zone, (known = { dayStart, dayEnd, weekStart, weekEnd }));
	}
	return { dayStart: known.dayStart, weekStart: known.weekStart };
}

/** One lead to assign: the lead, its keys, the time it is assigned as of, and the timer to start. */
export interface OwnerToAssign {
	lead: Lead;
	keys: { scope: string; leadKey: string; eventKey: string };
	now: number;
	sla?: TimerToStart;
	/** The tier's due time, kept with the assignment: a redelivery that sends the messages again shows it. */
	dueAt?: number;
}

/** The store's request for a lead, and what the engine said of its timer's start once decided. */
export interface OwnerRequest {
	request: AssignmentRequest<SlaTimer>;
	slaMessage: () => string | undefined;
}

/** Reads the lead's team and reps (a bad lead throws here, on its own item). */
export function ownerRequest(plan: AssignmentPlan, { lead, keys, now, sla, dueAt }: OwnerToAssign): OwnerRequest {
	const choice = plan.router.teamFor(lead);
	const team = choice.kind === 'team' && choice.team ? choice.team : undefined;
	const repIds = new Set([...(team ? (plan.members.get(team) ?? []) : []), ...(choice.kind === 'namedAccount' ? [choice.owner] : []), ...plan.extraOwners]);
	const current = plan.keepsExisting ? getPath(lead, plan.ownerField) : undefined;
	if (typeof current === 'string' && plan.zones.has(current.trim())) repIds.add(current.trim());
	const reps = [...repIds].map((id) => ({ id, ...windowsOf(plan, plan.zones.get(id) ?? plan.router.calendar.zone, now) }));
	const decide: AssignmentDecider = ({ counter, loads }) => {
		const owner = plan.router.assign(lead, now, { counters: team ? { [team]: counter } : {}, loads });
		return {
			...(owner.ownerId === undefined ? {} : { repId: owner.ownerId }),
			...(owner.queue === undefined ? {} : { queue: owner.queue }),
			...(owner.team === undefined ? {} : { team: owner.team }),
			...(owner.cursor && owner.cursor.team === team ? { nextCounter: owner.cursor.next } : {}),
			details: { owner: owner as unknown as Record<string, unknown>, ...(dueAt === undefined ? {} : { dueAt }) },
		};
	};
	const input = { ...keys, at: now, ...(team ? { team } : {}), reps };
	if (!sla) return { request: { input, decide }, slaMessage: () => undefined };
	// The assignment and its hand-off's timer commit together; the timer belongs to the owner chosen.
	let slaMessage: string | undefined;
	return {
		request: {
			input,
			decide,
			sla: {
				input: { scope: keys.scope, handoffKey: keys.eventKey, leadKey: keys.leadKey, policyKey: sla.policy.key, policy: sla.policy.policy as unknown as Record<string, unknown> },
				decide: (record, state) => {
					const decision = decideAssignedStart(sla.policy, { scope: keys.scope, handoffKey: keys.eventKey, leadKey: keys.leadKey, tier: sla.tier, startedAt: now, details: sla.details(record) }, record, state);
					slaMessage = decision.change.message;
					return decision;
				},
			},
		},
		slaMessage: () => slaMessage,
	};
}

function assigned(outcome: AssignmentOutcome & { slaTimer?: SlaStartOutcome<SlaTimer> }, slaMessage: string | undefined): AssignedOwner {
	return {
		owner: outcome.record.details.owner as unknown as OwnerResult,
		duplicate: outcome.status === 'duplicate',
		assignedAt: outcome.record.at,
		...(outcome.record.deliveredAt === undefined ? {} : { deliveredAt: outcome.record.deliveredAt }),
		...(outcome.record.closedAt === undefined ? {} : { closedAt: outcome.record.closedAt }),
		...(typeof outcome.record.details.dueAt === 'number' ? { firstDueAt: outcome.record.details.dueAt } : {}),
		...(outcome.slaTimer ? { slaTimer: outcome.slaTimer } : {}),
		...(slaMessage === undefined ? {} : { slaMessage }),
	};
}

/** One lead, in a transaction of its own. */
export async function assignOwner(
	store: HandoffStore,
	plan: AssignmentPlan,
	lead: Lead,
	keys: { scope: string; leadKey: string; eventKey: string },
	now: number,
	sla?: TimerToStart,
): Promise<AssignedOwner> {
	const { request, slaMessage } = ownerRequest(plan, { lead, keys, now, ...(sla ? { sla } : {}) });
	const outcome = request.sla ? await store.assignLeadWithSlaTimer<SlaTimer>(request.input, request.decide, request.sla) : await store.assignLead(request.input, request.decide);
	return assigned(outcome, slaMessage());
}

/**
 * Many leads in order, with the owners one-by-one assignment would give, in a few transactions
 * (the store's `assignLeads`). One result per lead up to the first that failed, which is an Error;
 * the leads after it were not attempted.
 */
export async function assignOwners(store: HandoffStore, plan: AssignmentPlan, leads: readonly OwnerToAssign[], options?: { perTransaction?: number }): Promise<Array<AssignedOwner | Error>> {
	return assignRequested(store, leads.map((one) => ownerRequest(plan, one)), options);
}

/** `assignOwners` for requests made already (`ownerRequest`, item by item). */
export async function assignRequested(store: HandoffStore, requests: readonly OwnerRequest[], options?: { perTransaction?: number }): Promise<Array<AssignedOwner | Error>> {
	const results = await store.assignLeads<SlaTimer>(requests.map((r) => r.request), options);
	return results.map((result, i) => (result.status === 'failed' ? result.error : assigned(result, requests[i].slaMessage())));
}

/** What a redelivered event's assignment comes to under Resend Until Delivery Confirmed. */
export type Redelivery =
	/** Not a redelivery, or one sent to Not Routed (confirmed, closed, or the option is off). */
	| { kind: 'none' }
	/** Its messages were never confirmed sent: to its tier again, with the due time they were first made with. */
	| { kind: 'resend'; firstDueAt?: number }
	/** A run may still be sending them (within Resend After): the sender is to retry later. */
	| { kind: 'inFlight'; retryAfterSeconds: number };

/**
 * A redelivered event whose messages were never confirmed sent (its run died before Confirm
 * Delivery) goes to its tier again: same owner, no new turn, load or timer; unless a run is
 * still sending them, within the lease `resendAfterMs`. Without the option (`undefined`) a
 * redelivery is never sent again.
 */
export async function redeliveryOf(store: HandoffStore, keys: { scope: string; leadKey: string; eventKey: string }, assigned: AssignedOwner, resendAfterMs: number | undefined): Promise<Redelivery> {
	if (resendAfterMs === undefined || !assigned.duplicate || assigned.deliveredAt !== undefined || assigned.closedAt !== undefined) return { kind: 'none' };
	const claim = await store.claimResend(keys.scope, keys.leadKey, keys.eventKey, resendAfterMs);
	if (claim.status === 'inFlight') return { kind: 'inFlight', retryAfterSeconds: Math.ceil(claim.retryAfterMs / 1000) };
	if (claim.status !== 'resend') return { kind: 'none' };
	const firstDueAt = assigned.firstDueAt ?? (await store.getSlaTimer<SlaTimer>(keys.scope, keys.eventKey))?.timer.dueAt;
	return { kind: 'resend', ...(firstDueAt === undefined ? {} : { firstDueAt }) };
}
