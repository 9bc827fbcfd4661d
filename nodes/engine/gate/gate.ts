import type { AsOfOptions } from '../common/asOf';
import { ProtocolError } from '../common/errors';
import { assertMatchesSchema } from '../common/schema';
import { MS_PER_DAY, relativeTime } from '../common/time';
import type { Activity, Lead } from '../common/types';
import type { LeadScoreResult } from '../scoring/result';
import { compileCondition, type CompiledCondition, type Condition } from './condition';
import schema from './gate.schema.json';

export interface GateRule {
	id?: string;
	name: string;
	when: Condition;
	/** Disqualifiers only: an intent trigger overrides this disqualifier. */
	yieldsToIntent?: boolean;
}

/** The gate part of the protocol (JSON form: gate.schema.json). */
export interface GateProtocol {
	disqualifiers?: GateRule[];
	intents?: GateRule[];
	triggers?: GateRule[];
	cooldownDays?: number;
}

export type GateGroup = 'disqualifier' | 'intent' | 'trigger';
export type Decision = 'handoff' | 'notYet' | 'disqualified';

export interface FiredRule {
	group: GateGroup;
	id: string;
	name: string;
	/** Why it fired, in words. */
	reason: string;
	/** Epoch ms of its newest evidence (an activity), when it has one. */
	at?: number;
}

export interface GateResult {
	decision: Decision;
	/** In words sales will read: "Score 72 ≥ 70 and downloaded a case study (2 days ago)". */
	reasons: string[];
	/** The rules that fired (for 'notYet': none, or the hand-off rules a cool-down held back). */
	fired: FiredRule[];
	/** Set when a previous hand-off holds this one back: until when (epoch ms). */
	cooldownUntil?: number;
}

export interface CompiledGate {
	readonly cooldownDays: number;
	/** Judged as of `now`, a set time unless `options.live` says it is now (see common/asOf.ts). */
	evaluate(lead: Lead, score: LeadScoreResult | undefined, activities: readonly Activity[], now: number, options?: AsOfOptions): GateResult;
}

export const DEFAULT_COOLDOWN_DAYS = 90;

/**
 * The gate of the standard hand-off guide: 60 points and a pricing page visit, or 70 points
 * and a case study; fast engagement; demo requests and contact-sales forms hand off at once;
 * competitors, students and unsubscribed contacts never go to sales (an unsubscribed contact
 * who asks for a demo does: unsubscribing is from marketing email, not from sales).
 */
export const DEFAULT_GATE: Required<GateProtocol> = {
	disqualifiers: [
		{ id: 'competitor', name: 'Competitor', when: { negativeRule: ['competitor-domain', 'Competitor domain'] } },
		{
			id: 'student',
			name: 'Student or job seeker',
			when: {
				any: [
					{ negativeRule: ['student-or-job-seeker-title', 'Student or job-seeker title'] },
					{ field: 'jobTitle', label: 'Job title', operator: 'isStudentOrJobSeeker' },
				],
			},
		},
		{
			id: 'unsubscribed',
			name: 'Unsubscribed',
			yieldsToIntent: true,
			when: { any: [{ field: 'unsubscribed', label: 'Unsubscribed', operator: 'isTrue' }, { negativeRule: ['unsubscribed'] }] },
		},
	],
	intents: [
		{ id: 'demo-request', name: 'Demo request', when: { activity: ['demo_request'], withinDays: 30, label: 'requested a demo' } },
		{
			id: 'contact-sales',
			name: 'Contact-sales form',
			when: {
				any: [
					{ activity: ['contact_sales'], withinDays: 30, label: 'asked sales to get in touch' },
					{ activity: ['form_submit'], contentContains: ['contact-sales', 'contact sales', 'contact_sales'], withinDays: 30, label: 'submitted the contact-sales form' },
				],
			},
		},
	],
	triggers: [
		{
			id: 'score-60-pricing',
			name: 'Score 60 and pricing page',
			when: { all: [{ score: 'total', atLeast: 60 }, { activity: ['page_view'], contentContains: ['/pricing'], withinDays: 30, label: 'visited the pricing page' }] },
		},
		{
			id: 'score-70-case-study',
			name: 'Score 70 and case study',
			when: {
				all: [
					{ score: 'total', atLeast: 70 },
					{ activity: ['content_download'], contentContains: ['case study', 'case-study', 'case_study', 'casestudy', 'customer story'], withinDays: 30, label: 'downloaded a case study' },
				],
			},
		},
		{ id: 'fast-engagement', name: 'Fast engagement', when: { all: [{ gainedPoints: 40, withinDays: 7 }, { score: 'total', atLeast: 50 }] } },
	],
	cooldownDays: DEFAULT_COOLDOWN_DAYS,
};

interface CompiledRule {
	id: string;
	name: string;
	group: GateGroup;
	yieldsToIntent: boolean;
	test: CompiledCondition;
}

/**
 * Validates gate rules (schema, then what a schema cannot say) and compiles them once.
 * Without input the default gate applies. Throws a ProtocolError naming the JSON path.
 */
export function compileGate(input: unknown = DEFAULT_GATE): CompiledGate {
	assertMatchesSchema<GateProtocol>(schema, input, 'The hand-off gate rules');
	const protocol = input as GateProtocol;
	const ids = new Set<string>();
	const compile = (group: GateGroup, key: 'disqualifiers' | 'intents' | 'triggers') =>
		(protocol[key] ?? []).map((rule, index): CompiledRule => {
			const path = `/${key}/${index}`;
			const id = rule.id ?? slug(rule.name);
			if (ids.has(id)) throw ProtocolError.at(`${path}/${rule.id ? 'id' : 'name'}`, `the rule id "${id}" is used twice; ids must be unique`);
			ids.add(id);
			if (rule.yieldsToIntent !== undefined && group !== 'disqualifier') {
				throw ProtocolError.at(`${path}/yieldsToIntent`, 'only disqualifiers can yield to an intent');
			}
			return { id, name: rule.name, group, yieldsToIntent: rule.yieldsToIntent ?? false, test: compileCondition(rule.when, `${path}/when`) };
		});
	const disqualifiers = compile('disqualifier', 'disqualifiers');
	const intents = compile('intent', 'intents');
	const triggers = compile('trigger', 'triggers');
	const cooldownDays = protocol.cooldownDays ?? DEFAULT_COOLDOWN_DAYS;

	return {
		cooldownDays,
		evaluate(lead, score, activities, now, options = {}) {
			const input = { lead, score, activities, now, live: options.live };
			const fire = (rules: CompiledRule[]) =>
				rules.flatMap((rule): Array<FiredRule & { yieldsToIntent: boolean }> => {
					const outcome = rule.test(input);
					if (!outcome.ok) return [];
					const reason = rule.group === 'disqualifier' ? `${rule.name}: ${outcome.text}` : capitalize(outcome.text);
					return [{ group: rule.group, id: rule.id, name: rule.name, reason, ...(outcome.at === undefined ? {} : { at: outcome.at }), yieldsToIntent: rule.yieldsToIntent }];
				});
			const out = (decision: Decision, fired: Array<FiredRule & { yieldsToIntent?: boolean }>): GateResult => ({
				decision,
				reasons: fired.map((f) => f.reason),
				fired: fired.map(({ yieldsToIntent: _y, ...f }) => f),
			});

			const disqualified = fire(disqualifiers);
			const intended = fire(intents);
			// Intent overrides only disqualifiers that say so; any other disqualifier wins.
			if (disqualified.some((d) => !d.yieldsToIntent) || (disqualified.length > 0 && intended.length === 0)) {
				return out('disqualified', disqualified);
			}
			const triggered = fire(triggers);
			if (intended.length > 0 || triggered.length > 0) return out('handoff', [...intended, ...triggered]);
			return {
				decision: 'notYet',
				reasons: triggers.map((rule) => `${rule.name}: not yet (${rule.test(input).text})`),
				fired: [],
			};
		},
	};
}

/**
 * Fire once. A lead handed off at `lastHandoff.at` is not handed off again within the cool-down,
 * even when its score dips and climbs back, unless sales recycled it since. After that, it
 * qualifies again only on evidence newer than the hand-off (or the recycle): the demo request
 * that caused the first hand-off does not cause a second. Rules without dated evidence
 * (a lead field, a fit-only score) do not re-fire on their own.
 *
 * Pure: the store keeps `lastHandoff` per lead and records a new hand-off atomically
 * (an idempotent insert keyed by lead and event) when this returns 'handoff'.
 */
export function applyCooldown(
	result: GateResult,
	lastHandoff: { at: number; recycledAt?: number } | undefined,
	cooldownDays: number,
	now: number,
): GateResult {
	if (result.decision !== 'handoff' || lastHandoff === undefined) return result;
	// Judged as of `now`, a recycle after it had not happened yet.
	const recycled = lastHandoff.recycledAt !== undefined && lastHandoff.recycledAt >= lastHandoff.at && lastHandoff.recycledAt <= now;
	const until = lastHandoff.at + cooldownDays * MS_PER_DAY;
	if (!recycled && now < until) {
		return {
			decision: 'notYet',
			reasons: [`Already handed off ${relativeTime(lastHandoff.at, now)}; cool-down of ${cooldownDays} days until ${new Date(until).toISOString().slice(0, 10)}`],
			fired: result.fired,
			cooldownUntil: until,
		};
	}
	const since = recycled ? (lastHandoff.recycledAt as number) : lastHandoff.at;
	const fresh = result.fired.filter((f) => f.at !== undefined && f.at > since);
	if (fresh.length === 0) {
		const what = recycled ? `recycled ${relativeTime(since, now)}` : `handed off ${relativeTime(since, now)}`;
		return { decision: 'notYet', reasons: [`Nothing new since the lead was ${what}`], fired: result.fired };
	}
	return { decision: 'handoff', reasons: fresh.map((f) => f.reason), fired: fresh };
}

/** The same event arrived again after it handed the lead off: it leaves on Not Yet, saying so. */
export function redelivered(result: GateResult, handedOffAt: number): GateResult {
	return {
		decision: 'notYet',
		reasons: [`Already handed off for this event on ${new Date(handedOffAt).toISOString().slice(0, 16).replace('T', ' ')} UTC (the event arrived again)`],
		fired: result.fired,
	};
}

function capitalize(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}

function slug(text: string): string {
	return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'rule';
}
