/**
 * A timer's policy: the tier's SLA, its calendar and its ladder, fixed when the timer starts, so a
 * later change of the rules never moves a running timer's due times. Stored once per distinct
 * policy (content-addressed by `key`), not once per timer.
 */
import { createHash } from 'node:crypto';
import stableStringify from 'fast-json-stable-stringify';

import type { Fallback, RosterRep, Team } from '../routing/protocol';
import { compileCalendar, slaMinutes as minutesOf, type BusinessCalendar, type CalendarSpec, type Sla } from '../calendar';
import { ProtocolError } from '../common/errors';
import { assertMatchesSchema } from '../common/schema';
import { slaClock, type SlaBasis, type SlaClock } from './clock';
import { FIRST_WINDOW, REASSIGNED_WINDOW, STAGES, stageMinutes, type Ladder, type StageName } from './ladder';

export type SlaAction = 'contact' | 'acknowledge';

/**
 * The part of Tier Router's routing a reassignment goes through (sla.schema.json,
 * definitions/routing): its teams and roster as they were when the timer started.
 */
export interface RoutingSnapshot {
	teams?: Team[];
	roster?: RosterRep[];
	defaultTeam?: string;
	fallback?: Fallback;
}

export interface SlaPolicy {
	sla: { minutes: number; basis: SlaBasis; action: SlaAction };
	/** The tier's calendar, its zone named. */
	calendar: CalendarSpec & { zone: string };
	ladder: Ladder;
	/** The teams and roster a reassignment routes through (Tier Router's, when it started the timer). */
	routing?: RoutingSnapshot;
}

export interface StageDue {
	stage: StageName;
	/** Epoch ms. */
	dueAt: number;
}

export interface CompiledPolicy {
	readonly key: string;
	readonly policy: SlaPolicy;
	readonly calendar: BusinessCalendar;
	readonly clock: SlaClock;
	/** The SLA's due time for a window opened at `windowStart`. */
	dueAt(windowStart: number): number;
	/**
	 * The stages of a window, in the order they fire (by due time, then ladder order): the first
	 * window (`reassignments` 0) has reminder, manager and reassign; a window opened by a
	 * reassignment has the last alert. Stages in `fired` are left out: each fires once per timer.
	 */
	schedule(windowStart: number, reassignments: number, fired?: readonly StageName[]): StageDue[];
}

const policySchema = { $ref: 'https://n8n-nodes-lead-handoff/schemas/sla.schema.json#/definitions/policy' };

/**
 * The policy of a tier: its SLA (hours and minutes, business or clock time), the calendar
 * (compiled or as written, with a zone), the tier's ladder and, when known, the routing a
 * reassignment goes through.
 */
export function makePolicy(sla: Sla, calendar: CalendarSpec & { zone: string }, ladder: Ladder, routing?: RoutingSnapshot): SlaPolicy {
	const minutes = minutesOf(sla);
	if (!(minutes > 0)) throw ProtocolError.at('/sla', `an SLA must be longer than zero minutes, got ${minutes}`);
	return { sla: { minutes, basis: sla.basis, action: sla.action ?? 'contact' }, calendar, ladder: pickLadder(ladder), ...(routing ? { routing } : {}) };
}

function pickLadder(ladder: Ladder): Ladder {
	return Object.fromEntries(STAGES.map((stage) => [stage, ladder[stage]])) as unknown as Ladder;
}

/** A stable id of the policy's content: equal policies share a key, whatever their key order. */
export function policyKey(policy: SlaPolicy): string {
	return `slp_${createHash('sha256').update(stableStringify(policy)).digest('hex').slice(0, 24)}`;
}

const compiledCache = new Map<string, CompiledPolicy>();
const byObject = new WeakMap<object, CompiledPolicy>();
const CACHE_LIMIT = 1024;

/**
 * Validates a policy (as made by `makePolicy`, or read back from the store) and compiles it.
 * Compiled policies are kept by key: a poll over thousands of timers compiles each policy once.
 */
export function compilePolicy(input: unknown): CompiledPolicy {
	// The same object again (a node's policy, the store's copy of one): checked and keyed already.
	const known = typeof input === 'object' && input !== null ? byObject.get(input) : undefined;
	if (known) return known;
	assertMatchesSchema<SlaPolicy>(policySchema, input, 'The SLA policy');
	const policy = input as SlaPolicy;
	const key = policyKey(policy);
	const cached = compiledCache.get(key);
	if (cached) {
		byObject.set(policy, cached);
		return cached;
	}
	const calendar = compileCalendar(policy.calendar, undefined, '/calendar');
	const clock = slaClock(policy.sla.basis, policy.sla.minutes, calendar);
	const sla = policy.sla.minutes;
	const compiled: CompiledPolicy = {
		key,
		policy,
		calendar,
		clock,
		dueAt: (windowStart) => clock.reads(windowStart, sla),
		schedule(windowStart, reassignments, fired = []) {
			const stages = reassignments === 0 ? FIRST_WINDOW : REASSIGNED_WINDOW;
			const wanted: Array<{ stage: StageName; minutes: number }> = [];
			for (const stage of stages) {
				const minutes = stageMinutes(policy.ladder[stage], sla);
				if (minutes !== undefined && !fired.includes(stage)) wanted.push({ stage, minutes });
			}
			const times = clock.readsAll(windowStart, wanted.map((w) => w.minutes));
			const due: StageDue[] = wanted.map((w, i) => ({ stage: w.stage, dueAt: times[i] }));
			// Stable: equal times keep ladder order (a reminder at 100 % comes before the manager's).
			return due.sort((a, b) => a.dueAt - b.dueAt);
		},
	};
	if (compiledCache.size >= CACHE_LIMIT) compiledCache.clear();
	compiledCache.set(key, compiled);
	byObject.set(policy, compiled);
	return compiled;
}
