/**
 * A handed-off lead's outcome, built from the events sales' CRM sends, as a pure reducer:
 *
 *   handed off ─▶ accepted ─▶ contacted ─▶ meeting ─▶ opportunity ─▶ won | lost
 *        └──────────────────────────────────────────────▶ rejected
 *
 * Events arrive in any order and some arrive twice, so the outcome is not a running total but a
 * function of the set of distinct events: they are kept in the order they happened (time, then a
 * fixed order for equal times, then id) and folded from the start each time one is added.
 * Hence:
 * - the same events give the same outcome whatever order they were delivered in (won before
 *   accepted ends won, with its acceptance recorded);
 * - an event delivered again (same id) changes nothing;
 * - a correction (a won deal reverted to open, a lost reason changed) is one more event: the
 *   outcome follows it and the history keeps what was there before. The history has one entry
 *   per distinct event, so it never shrinks.
 *
 * The rules of the fold:
 * - a progress stage (accepted, contacted, meeting, opportunity) records when the lead first
 *   reached it, and moves an open outcome forward (never back, unless the event states its
 *   record's current stage, as a deal's stage does);
 * - a close (won, lost, rejected) closes an open outcome; a later close of another kind, code or
 *   reason replaces it and counts as a correction;
 * - a closed outcome reopens on a `reopened` code, or on a later event that states the current
 *   stage of a record that said it was closed (the won deal moved back to "contract sent"); progress
 *   reported by another record (a contact's lead status after its deal was won) is recorded as a
 *   milestone and leaves the close alone;
 * - detail events (no code) carry an amount, or a reason for a close of a given stage (HubSpot
 *   sends a deal's lost reason as a change of its own); the latest of each counts.
 */
import { LeadDataError } from '../common/errors';
import {
	isClosing,
	isProgress,
	progressRank,
	STAGE_LABELS,
	type ClosingStage,
	type OutcomeStage,
	type ProgressStage,
	type Stage,
} from './stages';

/** A record in a CRM: `{ system: 'hubspot', type: 'deal', id: '1234' }`. */
export interface CrmRecord {
	system: string;
	type: string;
	id: string;
}

export interface OutcomeEvent {
	/** The idempotency key: the same CRM event delivered again has the same id. */
	id: string;
	/** When it happened in the CRM (epoch ms); the time it was received when the CRM gives none. */
	at: number;
	/** Where it came from: hubspot, salesforce, pipedrive, plain, manual. */
	source: string;
	/** The disposition code; a detail event (an amount, a reason) has none. */
	code?: string;
	stage?: Stage;
	reason?: string;
	reasonText?: string;
	/** A detail event's reason is for a close of this stage. */
	reasonFor?: ClosingStage;
	amount?: number;
	currency?: string;
	/** The event states its record's current stage (a deal's stage), so it may move an outcome back. */
	asserted?: boolean;
	/** The CRM record whose change this is. */
	record?: CrmRecord;
	/** Other records the event ties to the lead: the opportunity a lead was converted to, a deal's person. */
	links?: CrmRecord[];
	/** The hand-off, when the sender names it (the event key the Handoff Gate and Tier Router used). */
	handoffKey?: string;
	/** The lead's email, when the CRM sends it. */
	email?: string;
	/** Who made the change in the CRM (a user id). */
	actor?: string;
	/** The CRM's own value the event was mapped from ("closedwon", "Working - Contacted"). */
	value?: string;
}

export type Effect = 'advanced' | 'moved' | 'milestone' | 'closed' | 'corrected' | 'reopened' | 'detail' | 'unchanged';

export interface HistoryEntry {
	eventId: string;
	at: number;
	code?: string;
	from: OutcomeStage;
	to: OutcomeStage;
	effect: Effect;
	/** In words: "Reopened (was Won)", "Corrected: Won to Lost". */
	note: string;
}

export interface Outcome {
	stage: OutcomeStage;
	closed: boolean;
	/** The code of the event that put the outcome where it is. */
	code?: string;
	reason?: string;
	reasonText?: string;
	/** The latest amount any event gave (a won deal's worth). */
	amount?: number;
	currency?: string;
	/** When the lead first reached each stage (epoch ms). */
	reached: Partial<Record<ProgressStage | ClosingStage, number>>;
	closedAt?: number;
	/** How many times a close was replaced or reopened. */
	corrections: number;
	/** One entry per distinct event, in the order they happened. */
	history: HistoryEntry[];
	/** The distinct events, in the order they happened: what the outcome is built from. */
	events: OutcomeEvent[];
}

export interface OutcomeChange {
	outcome: Outcome;
	/** The event was seen before (same id): nothing changed, the outcome is the one given. */
	duplicate: boolean;
	/** Whether where the outcome stands (stage, code, reason, amount, milestones) changed. */
	changed: boolean;
	/** What the event did, as the history records it; undefined for a duplicate. */
	entry?: HistoryEntry;
}

export function emptyOutcome(): Outcome {
	return { stage: 'handedOff', closed: false, reached: {}, corrections: 0, history: [], events: [] };
}

/** Adds one event. A duplicate returns the same outcome object and changes nothing. */
export function applyOutcomeEvent(outcome: Outcome, event: OutcomeEvent): OutcomeChange {
	checkEvent(event);
	if (outcome.events.some((e) => e.id === event.id)) return { outcome, duplicate: true, changed: false };
	const next = outcomeOf([...outcome.events, event]);
	return { outcome: next, duplicate: false, changed: summaryKey(next) !== summaryKey(outcome), entry: next.history.find((h) => h.eventId === event.id) };
}

/** The outcome of a set of events, delivered in any order; repeated ids count once (the first given). */
export function outcomeOf(events: readonly OutcomeEvent[]): Outcome {
	const distinct = new Map<string, OutcomeEvent>();
	for (const event of events) {
		checkEvent(event);
		if (!distinct.has(event.id)) distinct.set(event.id, event);
	}
	const ordered = [...distinct.values()].sort(compareEvents);
	const fold = new Fold();
	for (const event of ordered) fold.apply(event);
	return fold.result(ordered);
}

/** The order events happened in: time, then progress before closes before details before reopens, then id. */
export function compareEvents(a: OutcomeEvent, b: OutcomeEvent): number {
	return a.at - b.at || orderAtSameTime(a) - orderAtSameTime(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function orderAtSameTime(event: OutcomeEvent): number {
	const stage = event.stage;
	if (stage === undefined) return 20;
	if (isProgress(stage)) return progressRank(stage);
	if (stage === 'rejected') return 10;
	if (stage === 'lost') return 11;
	if (stage === 'won') return 12;
	return 30; // open
}

function checkEvent(event: OutcomeEvent): void {
	if (typeof event.id !== 'string' || event.id === '') throw new LeadDataError('Event ID', 'the CRM event id (a non-empty text)', event.id);
	if (!Number.isFinite(event.at)) throw new LeadDataError('Occurred At', 'the time the outcome happened (epoch ms)', event.at);
	if (event.stage === undefined && event.amount === undefined && event.reasonFor === undefined) {
		throw new LeadDataError('Disposition', 'a disposition code, an amount or a reason', undefined);
	}
}

function recordKey(record: CrmRecord): string {
	return `${record.system}/${record.type}/${record.id}`;
}

/** What a change test compares: where the outcome stands, without its history. */
function summaryKey(o: Outcome): string {
	const reached = Object.entries(o.reached).sort(([a], [b]) => (a < b ? -1 : 1));
	return JSON.stringify([o.stage, o.closed, o.code, o.reason, o.reasonText, o.amount, o.currency, o.closedAt, o.corrections, reached]);
}

const FURTHEST_FIRST: readonly ProgressStage[] = ['opportunity', 'meeting', 'contacted', 'accepted'];

class Fold {
	private stage: OutcomeStage = 'handedOff';
	private closed = false;
	private code?: string;
	private close?: OutcomeEvent;
	/** The records that said the lead is closed as it is: any of them saying otherwise later reopens it. */
	private closedBy = new Set<string>();
	private closedAt?: number;
	private corrections = 0;
	private amount?: { value: number; currency?: string };
	private readonly detailReasons: Partial<Record<ClosingStage, { reason?: string; reasonText?: string }>> = {};
	private readonly reached: Partial<Record<ProgressStage | ClosingStage, number>> = {};
	private readonly history: HistoryEntry[] = [];

	apply(event: OutcomeEvent): void {
		const from = this.stage;
		if (event.amount !== undefined) this.amount = { value: event.amount, currency: event.currency };
		const stage = event.stage;
		let effect: Effect;
		let note: string;
		if (stage === undefined) {
			if (event.reasonFor) this.detailReasons[event.reasonFor] = { reason: event.reason, reasonText: event.reasonText };
			effect = 'detail';
			note = event.reasonFor ? `Reason for ${STAGE_LABELS[event.reasonFor].toLowerCase()}: ${event.reasonText ?? event.reason ?? 'none'}` : `Amount ${event.amount}${event.currency ? ` ${event.currency}` : ''}`;
		} else if (isProgress(stage)) {
			[effect, note] = this.progress(event, stage);
		} else if (isClosing(stage)) {
			[effect, note] = this.closing(event, stage);
		} else {
			[effect, note] = this.reopen(event);
		}
		this.history.push({ eventId: event.id, at: event.at, code: event.code, from, to: this.stage, effect, note });
	}

	private progress(event: OutcomeEvent, stage: ProgressStage): [Effect, string] {
		this.reached[stage] ??= event.at;
		const label = STAGE_LABELS[stage];
		if (this.closed) {
			if (event.asserted && event.record && this.closedBy.has(recordKey(event.record))) {
				const was = this.stage;
				this.open(stage, event.code);
				return ['reopened', `Reopened at ${label} (was ${STAGE_LABELS[was]})`];
			}
			return ['milestone', `${label} recorded; the outcome stays ${STAGE_LABELS[this.stage]}`];
		}
		const current = this.stage as ProgressStage | 'handedOff';
		if (progressRank(stage) > progressRank(current)) {
			this.stage = stage;
			this.code = event.code;
			return ['advanced', label];
		}
		if (event.asserted && stage !== current) {
			this.stage = stage;
			this.code = event.code;
			return ['moved', `Moved back to ${label}`];
		}
		return ['milestone', `${label} recorded; the outcome stays ${STAGE_LABELS[current]}`];
	}

	private closing(event: OutcomeEvent, stage: ClosingStage): [Effect, string] {
		this.reached[stage] ??= event.at;
		const label = STAGE_LABELS[stage];
		if (!this.closed) {
			this.setClose(event, stage);
			return ['closed', label];
		}
		const previous = this.close;
		if (previous && this.stage === stage && previous.code === event.code) {
			if (event.record) this.closedBy.add(recordKey(event.record));
			if (event.reason === undefined || (previous.reason === event.reason && previous.reasonText === event.reasonText)) return ['unchanged', `${label} again`];
			if (previous.reason === undefined) {
				// The same close again, now with its reason: a detail, not a correction.
				this.close = { ...previous, reason: event.reason, reasonText: event.reasonText };
				return ['detail', `${label}: reason given`];
			}
		}
		const was = this.stage;
		this.setClose(event, stage);
		this.corrections++;
		return ['corrected', was === stage ? `${label} corrected` : `Corrected: ${STAGE_LABELS[was]} to ${label}`];
	}

	private reopen(event: OutcomeEvent): [Effect, string] {
		if (!this.closed) return ['unchanged', `Reopened, but the outcome was open (${STAGE_LABELS[this.stage]})`];
		const was = this.stage;
		const furthest = FURTHEST_FIRST.find((s) => this.reached[s] !== undefined);
		this.open(furthest ?? 'handedOff', event.code);
		return ['reopened', `Reopened (was ${STAGE_LABELS[was]})`];
	}

	private setClose(event: OutcomeEvent, stage: ClosingStage): void {
		this.stage = stage;
		this.closed = true;
		this.code = event.code;
		this.close = event;
		this.closedAt = event.at;
		this.closedBy = new Set(event.record ? [recordKey(event.record)] : []);
	}

	private open(stage: ProgressStage | 'handedOff', code: string | undefined): void {
		this.stage = stage;
		this.closed = false;
		this.code = code;
		this.close = undefined;
		this.closedAt = undefined;
		this.closedBy = new Set();
		this.corrections++;
	}

	result(events: OutcomeEvent[]): Outcome {
		const outcome: Outcome = { stage: this.stage, closed: this.closed, reached: { ...this.reached }, corrections: this.corrections, history: this.history, events };
		if (this.code !== undefined) outcome.code = this.code;
		if (this.closed && isClosing(this.stage)) {
			const detail = this.detailReasons[this.stage];
			const reason = this.close?.reason ?? detail?.reason;
			const reasonText = this.close?.reason !== undefined ? this.close.reasonText : detail?.reasonText;
			if (reason !== undefined) outcome.reason = reason;
			if (reasonText !== undefined) outcome.reasonText = reasonText;
			outcome.closedAt = this.closedAt;
		}
		if (this.amount) {
			outcome.amount = this.amount.value;
			if (this.amount.currency) outcome.currency = this.amount.currency;
		}
		return outcome;
	}
}
