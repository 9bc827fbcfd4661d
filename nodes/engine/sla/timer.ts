/**
 * One SLA timer per hand-off, as a state machine over plain data:
 *
 *   open ──contact──▶ contacted
 *     │  ──accept───▶ accepted   (an acknowledge SLA; a contact SLA records the acceptance and runs on)
 *     │  ──cancel───▶ cancelled
 *     └──reassign──▶ reassigned ──contact / accept / cancel──▶ (as above)
 *                        └──reassign──▶ reassigned
 *
 * `open` and `reassigned` are running; the others are closed and never run again. A contact that
 * arrives before its timer starts (webhooks come out of order) is kept by the store and closes the
 * timer as it starts. Every function returns a new timer and says whether anything changed, so a
 * repeated event changes nothing and says so.
 */
import { DateTime } from 'luxon';

import { businessTimeBetween } from '../calendar';
import type { StageName } from './ladder';
import type { CompiledPolicy, SlaAction, StageDue } from './policy';
import type { SlaBasis } from './clock';

export type SlaTimerStatus = 'open' | 'reassigned' | 'contacted' | 'accepted' | 'cancelled';
export const RUNNING: readonly SlaTimerStatus[] = ['open', 'reassigned'];

export interface SlaTimer {
	scope: string;
	/** The hand-off (the event key the Handoff Gate and Tier Router used): one timer per hand-off. */
	handoffKey: string;
	leadKey: string;
	ownerId?: string;
	team?: string;
	tier: string;
	/** The policy (SLA, calendar, ladder) fixed at the start; see policy.ts. */
	policyKey: string;
	slaMinutes: number;
	slaBasis: SlaBasis;
	slaAction: SlaAction;
	/** The hand-off time, epoch ms. */
	startedAt: number;
	/** When the current owner's window opened: the start, or the last reassignment. */
	windowStartedAt: number;
	/** When the current window's SLA is due. */
	dueAt: number;
	reassignments: number;
	/** Owners before the current one, oldest first. */
	previousOwners: string[];
	status: SlaTimerStatus;
	/** Whether an earlier window's due time passed before the lead was reassigned. */
	lapsed: boolean;
	contactedAt?: number;
	acceptedAt?: number;
	closedAt?: number;
	closeReason?: string;
	/**
	 * The response that stopped the clock (the first contact; for an acknowledge SLA, an
	 * acceptance too), how long after the hand-off it came, and whether it met the SLA.
	 */
	firstTouchAt?: number;
	firstTouchBusinessMinutes?: number;
	firstTouchClockMinutes?: number;
	metSla?: boolean;
	/** Stages already emitted, in order; each fires once per timer. */
	fired: StageName[];
	/** The current window's stages still to fire, in firing order. */
	schedule: StageDue[];
	/** Lead and owner data for messages (name, company, CRM link, the owner's contacts). */
	details: Record<string, unknown>;
}

export interface StartTimerInput {
	scope: string;
	handoffKey: string;
	leadKey: string;
	ownerId?: string;
	team?: string;
	tier: string;
	startedAt: number;
	details?: Record<string, unknown>;
}

/** A contact the store kept before its timer started. */
export interface KeptContact {
	at: number;
	/** Found by the hand-off's key (it is this hand-off's), rather than by the lead's. */
	byHandoff: boolean;
}

export type TimerOutcome =
	| 'started'
	| 'contacted'
	| 'accepted'
	| 'cancelled'
	| 'reassigned'
	| 'alreadyContacted'
	| 'beforeHandoff'
	| 'alreadyAccepted'
	| 'alreadyClosed'
	| 'sameOwner'
	| 'ownerChanged';

export interface TimerChange {
	changed: boolean;
	outcome: TimerOutcome;
	/** What happened, in words: shown on the item, so a repeated event says why nothing changed. */
	message: string;
	timer: SlaTimer;
}

const MS_PER_MINUTE = 60_000;

export function isRunning(timer: Pick<SlaTimer, 'status'>): boolean {
	return RUNNING.includes(timer.status);
}

/** The next stage to fire, or undefined when the timer is closed or its ladder is done. */
export function nextStage(timer: Pick<SlaTimer, 'status' | 'schedule'>): StageDue | undefined {
	return isRunning(timer) ? timer.schedule[0] : undefined;
}

/**
 * A kept contact closes a new timer when it is this hand-off's, or when it came at or after the
 * hand-off (a touch from before it belongs to an earlier conversation).
 */
export function appliesTo(contact: KeptContact, startedAt: number): boolean {
	return contact.byHandoff || contact.at >= startedAt;
}

/** A new timer for a hand-off; the earliest kept contact that applies closes it at once. */
export function startTimer(policy: CompiledPolicy, input: StartTimerInput, kept: readonly KeptContact[] = []): TimerChange {
	const { sla } = policy.policy;
	const timer: SlaTimer = {
		scope: input.scope,
		handoffKey: input.handoffKey,
		leadKey: input.leadKey,
		...(input.ownerId === undefined ? {} : { ownerId: input.ownerId }),
		...(input.team === undefined ? {} : { team: input.team }),
		tier: input.tier,
		policyKey: policy.key,
		slaMinutes: sla.minutes,
		slaBasis: sla.basis,
		slaAction: sla.action,
		startedAt: input.startedAt,
		windowStartedAt: input.startedAt,
		dueAt: policy.dueAt(input.startedAt),
		reassignments: 0,
		previousOwners: [],
		status: 'open',
		lapsed: false,
		fired: [],
		schedule: policy.schedule(input.startedAt, 0),
		details: input.details ?? {},
	};
	const earliest = kept.filter((c) => appliesTo(c, input.startedAt)).sort((a, b) => a.at - b.at)[0];
	const started: TimerChange = { changed: true, outcome: 'started', message: `Started: ${describeDue(timer, policy)}`, timer };
	if (!earliest) return started;
	const closed = contactTimer(policy, timer, earliest.at);
	return { changed: true, outcome: 'started', message: `Started and closed at once by a contact received before the start: ${closed.message}`, timer: closed.timer };
}

function touched(policy: CompiledPolicy, timer: SlaTimer, at: number): Pick<SlaTimer, 'firstTouchAt' | 'firstTouchBusinessMinutes' | 'firstTouchClockMinutes' | 'metSla'> {
	const business = timer.slaBasis === 'business' ? policy.clock.elapsed(timer.startedAt, at) : businessTimeBetween(timer.startedAt, at, policy.calendar);
	return {
		firstTouchAt: at,
		firstTouchBusinessMinutes: Math.round(business / MS_PER_MINUTE),
		firstTouchClockMinutes: Math.round(Math.max(0, at - timer.startedAt) / MS_PER_MINUTE),
		metSla: !timer.lapsed && at <= timer.dueAt,
	};
}

function closedMessage(timer: SlaTimer, policy: CompiledPolicy): string {
	return `Already ${timer.status}${timer.closedAt === undefined ? '' : ` at ${local(timer.closedAt, policy)}`}; nothing changed`;
}

/**
 * The first touch: closes a running timer and records how long it took and whether the SLA was met.
 * Webhooks come out of order: a touch reported after a later one is the first touch, so the
 * earliest contact wins, whatever the order they arrive in (as for contacts kept before the start).
 * A contact found by the lead's key from before the hand-off belongs to an earlier conversation
 * and changes nothing (`byLead`), as it would not close the timer had it arrived before the start.
 */
export function contactTimer(policy: CompiledPolicy, timer: SlaTimer, at: number, options: { byLead?: boolean } = {}): TimerChange {
	if (options.byLead && at < timer.startedAt) {
		return {
			changed: false,
			outcome: 'beforeHandoff',
			message: `The contact at ${local(at, policy)} came before this hand-off (${local(timer.startedAt, policy)}): it belongs to an earlier conversation; nothing changed`,
			timer,
		};
	}
	if (timer.contactedAt !== undefined) {
		if (at < timer.contactedAt && timer.status !== 'cancelled') {
			// An earlier touch, reported late: it is the first touch (for an accepted timer, only the contact time moves).
			if (timer.status === 'accepted') return { changed: true, outcome: 'contacted', message: `An earlier contact, reported late: contacted at ${local(at, policy)}`, timer: { ...timer, contactedAt: at } };
			const next: SlaTimer = { ...timer, contactedAt: at, closedAt: at, ...touched(policy, timer, at) };
			return { changed: true, outcome: 'contacted', message: `An earlier contact, reported late: contacted ${describeResponse(next)}`, timer: next };
		}
		return { changed: false, outcome: 'alreadyContacted', message: `Already contacted at ${local(timer.contactedAt, policy)}; nothing changed`, timer };
	}
	if (timer.status === 'cancelled') return { changed: false, outcome: 'alreadyClosed', message: closedMessage(timer, policy), timer };
	if (timer.status === 'accepted') {
		// The acknowledgement stopped the clock; the contact is recorded for reporting.
		return { changed: true, outcome: 'contacted', message: `Contacted at ${local(at, policy)} (the SLA was already met by the acceptance)`, timer: { ...timer, contactedAt: at } };
	}
	const touch = touched(policy, timer, at);
	const next: SlaTimer = { ...timer, status: 'contacted', contactedAt: at, closedAt: at, ...touch, schedule: [] };
	return { changed: true, outcome: 'contacted', message: `Contacted ${describeResponse(next)}`, timer: next };
}

/**
 * The owner accepts the lead. For an acknowledge SLA (MQLs) that meets the SLA and closes the
 * timer; for a contact SLA it is recorded and the timer runs on until the first contact.
 */
export function acceptTimer(policy: CompiledPolicy, timer: SlaTimer, at: number): TimerChange {
	if (timer.acceptedAt !== undefined) {
		return { changed: false, outcome: 'alreadyAccepted', message: `Already accepted at ${local(timer.acceptedAt, policy)}; nothing changed`, timer };
	}
	if (!isRunning(timer)) return { changed: false, outcome: 'alreadyClosed', message: closedMessage(timer, policy), timer };
	if (timer.slaAction === 'contact') {
		return { changed: true, outcome: 'accepted', message: `Accepted at ${local(at, policy)}; the SLA runs on until the first contact`, timer: { ...timer, acceptedAt: at } };
	}
	const next: SlaTimer = { ...timer, status: 'accepted', acceptedAt: at, closedAt: at, ...touched(policy, timer, at), schedule: [] };
	return { changed: true, outcome: 'accepted', message: `Accepted ${describeResponse(next)}`, timer: next };
}

/** Stops a running timer without a response (lead disqualified, merged, handled elsewhere). */
export function cancelTimer(policy: CompiledPolicy, timer: SlaTimer, at: number, reason?: string): TimerChange {
	if (!isRunning(timer)) return { changed: false, outcome: 'alreadyClosed', message: closedMessage(timer, policy), timer };
	const next: SlaTimer = { ...timer, status: 'cancelled', closedAt: at, ...(reason ? { closeReason: reason } : {}), schedule: [] };
	return { changed: true, outcome: 'cancelled', message: `Cancelled at ${local(at, policy)}${reason ? `: ${reason}` : ''}`, timer: next };
}

export interface ReassignInput {
	at: number;
	ownerId: string;
	/** The new owner's team; left out, the team stays. */
	team?: string;
	/** Only if the timer still belongs to this owner: a redelivered reassignment then changes nothing. */
	fromOwner?: string;
	/** Replaces the owner's contact data in the details (`details.owner`). */
	owner?: Record<string, unknown>;
}

/**
 * Gives a running timer to another owner: a new window opens at `at`, with the SLA counted
 * afresh and the ladder's reassigned stages (the last alert) ahead of it. Whether an earlier
 * window had lapsed is kept, so a lead reassigned after a miss never counts as met.
 */
export function reassignTimer(policy: CompiledPolicy, timer: SlaTimer, input: ReassignInput): TimerChange {
	if (!isRunning(timer)) return { changed: false, outcome: 'alreadyClosed', message: closedMessage(timer, policy), timer };
	if (input.fromOwner !== undefined && input.fromOwner !== timer.ownerId) {
		return { changed: false, outcome: 'ownerChanged', message: `Owned by ${timer.ownerId ?? 'nobody'} now, not ${input.fromOwner}; nothing changed`, timer };
	}
	if (input.ownerId === timer.ownerId) return { changed: false, outcome: 'sameOwner', message: `Already owned by ${input.ownerId}; nothing changed`, timer };
	const reassignments = timer.reassignments + 1;
	const next: SlaTimer = {
		...timer,
		ownerId: input.ownerId,
		...(input.team === undefined ? {} : { team: input.team }),
		status: 'reassigned',
		reassignments,
		previousOwners: timer.ownerId === undefined ? timer.previousOwners : [...timer.previousOwners, timer.ownerId],
		lapsed: timer.lapsed || input.at > timer.dueAt,
		windowStartedAt: input.at,
		dueAt: policy.dueAt(input.at),
		schedule: policy.schedule(input.at, reassignments, timer.fired),
		details: input.owner ? { ...timer.details, owner: input.owner } : timer.details,
	};
	return { changed: true, outcome: 'reassigned', message: `Reassigned from ${timer.ownerId ?? 'nobody'} to ${input.ownerId}: ${describeDue(next, policy)}`, timer: next };
}

/**
 * A poll at `now`: every stage of the timer due by then, in order, and the timer with them
 * marked fired. A stage due while nothing polled (n8n was down) fires on the next poll, late.
 */
export function advanceTimer(timer: SlaTimer, now: number): { due: StageDue[]; timer: SlaTimer } {
	if (!isRunning(timer)) return { due: [], timer };
	let count = 0;
	while (count < timer.schedule.length && timer.schedule[count].dueAt <= now) count++;
	if (count === 0) return { due: [], timer };
	const due = timer.schedule.slice(0, count);
	return { due, timer: { ...timer, fired: [...timer.fired, ...due.map((d) => d.stage)], schedule: timer.schedule.slice(count) } };
}

function local(ms: number, policy: CompiledPolicy): string {
	return `${DateTime.fromMillis(ms, { zone: policy.calendar.zone }).toFormat('yyyy-MM-dd HH:mm')} (${policy.calendar.zone})`;
}

function describeDue(timer: SlaTimer, policy: CompiledPolicy): string {
	const minutes = timer.slaMinutes;
	const amount = minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`;
	return `${amount}${timer.slaBasis === 'business' ? ' of business time' : ''} to ${timer.slaAction === 'contact' ? 'a first contact' : 'an acknowledgement'}, due ${local(timer.dueAt, policy)}`;
}

function describeResponse(timer: SlaTimer): string {
	const business = timer.slaBasis === 'business' ? `${timer.firstTouchBusinessMinutes} business min, ` : '';
	return `after ${business}${timer.firstTouchClockMinutes} min: SLA ${timer.metSla ? 'met' : 'missed'}`;
}
