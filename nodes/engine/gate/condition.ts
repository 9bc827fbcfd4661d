/**
 * The condition language shared by the Handoff Gate (rules) and the Tier Router (tiers,
 * assignment rules): conditions on the score, the grade, the lead's activities and fields,
 * nested in all/any/not groups. A condition compiles once and then explains itself: every
 * evaluation returns words sales can read ("Score 72 ≥ 70 and downloaded a case study
 * (2 days ago)") and the time of its newest evidence (used by the gate's fire-once rule).
 */
import { countedAt } from '../common/asOf';
import { domainInList, emailDomain } from '../common/email';
import { describeValue, LeadDataError, ProtocolError } from '../common/errors';
import { compilePath } from '../common/paths';
import { compileUserPattern, type UserPattern } from '../common/pattern';
import { MS_PER_DAY, relativeTime } from '../common/time';
import type { Activity, Lead } from '../common/types';
import { anyValue, isPresent } from '../common/values';
import { normalizeActivityType } from '../scoring/compile';
import type { FitLetter, Grade, LeadScoreResult } from '../scoring/result';
import { allAbove, allBelow, allWithin, readQuantity } from '../scoring/quantity';
import { roleWords, studentOrJobSeeker } from '../scoring/titleRole';

export type ScoreMeasure = 'total' | 'fit' | 'engagement' | 'negative' | 'velocity';

export type FieldOperator =
	| 'equals'
	| 'notEquals'
	| 'oneOf'
	| 'contains'
	| 'startsWith'
	| 'matches'
	| 'greaterThan'
	| 'lessThan'
	| 'between'
	| 'exists'
	| 'notExists'
	| 'isTrue'
	| 'isFalse'
	| 'emailDomainIn'
	/** The title is a student's, intern's, trainee's or job seeker's (scoring/titleRole.ts); takes no value. */
	| 'isStudentOrJobSeeker';

export type Condition =
	| { all: Condition[] }
	| { any: Condition[] }
	| { not: Condition }
	/** A score measure in [atLeast, below). */
	| { score: ScoreMeasure; atLeast?: number; below?: number }
	/** The grade is one of these, e.g. ["A1", "A2", "B1"]. */
	| { grade: Grade[] }
	/** The fit letter is this good or better (A is best). */
	| { fitAtLeast: FitLetter }
	/** The engagement digit is this good or better (1 is best). */
	| { engagementAtLeast: 1 | 2 | 3 | 4 }
	/** At least `minCount` matching activities in the last `withinDays` days (ever, without it). */
	| ActivityCondition
	/** Velocity: at least `gainedPoints` engagement points earned in the last `withinDays` days. */
	| { gainedPoints: number; withinDays: number }
	| FieldCondition
	/** A negative scoring rule (id or label) gave points, e.g. ["Competitor domain"]. */
	| { negativeRule: string[] };

export interface ActivityCondition {
	activity: string[];
	/** URL, asset or title contains one of these (case-insensitive). */
	contentContains?: string[];
	/** URL matches this regular expression (case-insensitive). */
	urlMatches?: string;
	minCount?: number;
	withinDays?: number;
	/** What the lead did, in words sales read: "visited the pricing page". */
	label?: string;
}

export interface FieldCondition {
	field: string;
	operator: FieldOperator;
	value?: string | number | boolean | Array<string | number>;
	/** The field's name in words: "Email", "Job title". */
	label?: string;
}

/**
 * What a lead is judged on. `now` is epoch ms: the as-of time; windows end at it and nothing
 * later counts, except, when `live` (the time is now), activity within the clock skew after it,
 * which counts as now (common/asOf.ts). The score must be as of `now` or earlier (scored then, judged now).
 */
export interface ConditionInput {
	lead: Lead;
	score: LeadScoreResult | undefined;
	activities: readonly Activity[];
	now: number;
	live?: boolean;
}

export interface Outcome {
	ok: boolean;
	/** Why it holds, or why not, in words. */
	text: string;
	/** Epoch ms of the newest evidence that made it hold (an activity), when there is one. */
	at?: number;
}

export type CompiledCondition = (input: ConditionInput) => Outcome;

const FIT_ORDER: readonly FitLetter[] = ['A', 'B', 'C', 'D'];
const GRADE_PATTERN = /^[ABCD][1-4]$/;

/**
 * Compiles a condition already checked against the schema (gate.schema.json#/definitions/condition).
 * Checks what the schema cannot (operator and value agree, patterns compile); `path` is its
 * JSON path, for errors.
 */
export function compileCondition(condition: Condition, path: string): CompiledCondition {
	if ('all' in condition) {
		const parts = condition.all.map((c, i) => compileCondition(c, `${path}/all/${i}`));
		return (input) => combine(parts.map((p) => p(input)), 'all');
	}
	if ('any' in condition) {
		const parts = condition.any.map((c, i) => compileCondition(c, `${path}/any/${i}`));
		return (input) => combine(parts.map((p) => p(input)), 'any');
	}
	if ('not' in condition) {
		const inner = compileCondition(condition.not, `${path}/not`);
		return (input) => {
			const outcome = inner(input);
			return { ok: !outcome.ok, text: `not (${outcome.text})` };
		};
	}
	if ('score' in condition) return compileScore(condition, path);
	if ('grade' in condition) {
		const wanted = new Set<string>(condition.grade);
		condition.grade.forEach((g, i) => {
			if (!GRADE_PATTERN.test(g)) throw ProtocolError.at(`${path}/grade/${i}`, `"${g}" is not a grade (A1 to D4)`);
		});
		const list = condition.grade.join(', ');
		return (input) => {
			const score = requireScore(input);
			const ok = wanted.has(score.grade);
			return { ok, text: `Grade ${score.grade} ${ok ? 'is' : 'is not'} one of ${list}`, at: ok ? newestEngagement(input) : undefined };
		};
	}
	if ('fitAtLeast' in condition) {
		const limit = FIT_ORDER.indexOf(condition.fitAtLeast);
		return (input) => {
			const score = requireScore(input);
			const letter = score.grade[0] as FitLetter;
			const ok = FIT_ORDER.indexOf(letter) <= limit;
			return { ok, text: `Fit grade ${letter} ${ok ? 'is at least' : 'is below'} ${condition.fitAtLeast}`, at: ok ? newestEngagement(input) : undefined };
		};
	}
	if ('engagementAtLeast' in condition) {
		const limit = condition.engagementAtLeast;
		return (input) => {
			const score = requireScore(input);
			const digit = Number(score.grade[1]);
			const ok = digit <= limit;
			return { ok, text: `Engagement level ${digit} ${ok ? 'is at least' : 'is below'} ${limit}`, at: ok ? newestEngagement(input) : undefined };
		};
	}
	if ('activity' in condition) return compileActivity(condition, path);
	if ('gainedPoints' in condition) return compileVelocity(condition.gainedPoints, condition.withinDays);
	if ('field' in condition) return compileField(condition, path);
	if ('negativeRule' in condition) {
		const wanted = new Set(condition.negativeRule.map((r) => r.trim().toLowerCase()));
		const list = condition.negativeRule.map((r) => `"${r}"`).join(' or ');
		return (input) => {
			const score = requireScore(input);
			const line = breakdownOf(score, 'which score rules applied').find((l) => l.group === 'negative' && (wanted.has(l.rule.toLowerCase()) || wanted.has(l.label.toLowerCase())));
			return line
				? { ok: true, text: `Score rule "${line.label}" applied (${fmt(line.points)} points)` }
				: { ok: false, text: `No score rule ${list} applied` };
		};
	}
	throw ProtocolError.at(path, 'unknown condition');
}

function combine(outcomes: Outcome[], kind: 'all' | 'any'): Outcome {
	const passed = outcomes.filter((o) => o.ok);
	const ok = kind === 'all' ? passed.length === outcomes.length : passed.length > 0;
	if (!ok) {
		const failed = outcomes.filter((o) => !o.ok).map((o) => o.text);
		return { ok, text: failed.join(kind === 'all' ? '; ' : ' and ') };
	}
	const times = passed.map((o) => o.at).filter((t): t is number => t !== undefined);
	return {
		ok,
		text: passed.map((o) => o.text).join(kind === 'all' ? ' and ' : '; or '),
		...(times.length ? { at: Math.max(...times) } : {}),
	};
}

const MEASURE_WORDS: Record<ScoreMeasure, string> = {
	total: 'Score',
	fit: 'Fit score',
	engagement: 'Engagement score',
	negative: 'Negative points',
	velocity: 'Recent points',
};

function compileScore(condition: { score: ScoreMeasure; atLeast?: number; below?: number }, path: string): CompiledCondition {
	const { score: measure, atLeast, below } = condition;
	if (atLeast === undefined && below === undefined) throw ProtocolError.at(path, 'give "atLeast", "below" or both');
	if (atLeast !== undefined && below !== undefined && below <= atLeast) {
		throw ProtocolError.at(`${path}/below`, `"below" (${below}) must be greater than "atLeast" (${atLeast})`);
	}
	return (input) => {
		const score = requireScore(input);
		const value = score[measure];
		const name = measure === 'velocity' ? `Points in the last ${fmt(score.velocityWindowDays)} days` : MEASURE_WORDS[measure];
		if (atLeast !== undefined && !(value >= atLeast)) return { ok: false, text: `${name} ${fmt(value)} < ${fmt(atLeast)}` };
		if (below !== undefined && !(value < below)) return { ok: false, text: `${name} ${fmt(value)} ≥ ${fmt(below)}` };
		const parts = [atLeast !== undefined ? `≥ ${fmt(atLeast)}` : '', below !== undefined ? `< ${fmt(below)}` : ''].filter(Boolean);
		return { ok: true, text: `${name} ${fmt(value)} ${parts.join(' and ')}`, at: newestEngagement(input) };
	};
}

function compileActivity(condition: ActivityCondition, path: string): CompiledCondition {
	const types = new Set(condition.activity.map(normalizeActivityType));
	const needles = (condition.contentContains ?? []).map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
	let urlPattern: UserPattern | undefined;
	if (condition.urlMatches !== undefined) {
		try {
			urlPattern = compileUserPattern(condition.urlMatches);
		} catch (error) {
			throw ProtocolError.at(`${path}/urlMatches`, (error as Error).message);
		}
	}
	const minCount = condition.minCount ?? 1;
	const windowMs = condition.withinDays === undefined ? undefined : condition.withinDays * MS_PER_DAY;
	const window = condition.withinDays === undefined ? 'ever' : `in the last ${fmt(condition.withinDays)} days`;
	const label =
		condition.label ??
		`${condition.activity.join(' or ')}${needles.length ? ` on ${condition.contentContains!.join(' or ')}` : ''}${urlPattern ? ` matching ${condition.urlMatches}` : ''}`;
	const matches = (a: Activity) =>
		types.has(normalizeActivityType(a.type)) &&
		(needles.length === 0 || needles.some((n) => [a.url, a.asset, a.title].some((v) => v !== undefined && v.toLowerCase().includes(n)))) &&
		(urlPattern === undefined || (a.url !== undefined && urlPattern.test(a.url)));
	return ({ activities, now, live }) => {
		const from = windowMs === undefined ? -Infinity : now - windowMs;
		let count = 0;
		let last = -Infinity;
		for (const a of activities) {
			const at = countedAt(a.at, now, live);
			if (at === undefined || at < from || !matches(a)) continue;
			count++;
			if (at > last) last = at;
		}
		if (count >= minCount) {
			const when = relativeTime(last, now);
			const text = minCount === 1 && count === 1 ? `${label} (${when})` : `${label} ${count} times ${window} (last ${when})`;
			return { ok: true, text, at: last };
		}
		return { ok: false, text: minCount === 1 ? `No "${label}" ${window}` : `"${label}" ${count} of ${minCount} times ${window}` };
	};
}

/**
 * Velocity over any window ending at `now`: the score's own velocity when the window is the
 * scoring model's and the score is as of `now`, otherwise the engagement points of the breakdown
 * lines whose activity is in the window (the score's own window is the fallback without a breakdown).
 */
function compileVelocity(points: number, days: number): CompiledCondition {
	return (input) => {
		const score = requireScore(input);
		const from = input.now - days * MS_PER_DAY;
		let gained = 0;
		const ownWindow = days === score.velocityWindowDays;
		if (ownWindow && (scoredAt(score) === input.now || !Array.isArray(score.breakdown))) gained = score.velocity;
		else {
			for (const line of breakdownOf(score, `points gained in ${fmt(days)} days`)) {
				if (line.group !== 'engagement' || !line.activity) continue;
				const at = countedAt(Date.parse(line.activity.at), input.now, input.live);
				if (at !== undefined && at > from) gained += line.points;
			}
		}
		gained = Math.round(gained * 100) / 100;
		const ok = gained >= points;
		return {
			ok,
			text: `Gained ${fmt(gained)} points in ${fmt(days)} days (${ok ? '≥' : 'needs'} ${fmt(points)})`,
			...(ok ? { at: newestEngagement(input, from) } : {}),
		};
	};
}

const NO_VALUE = new Set<FieldOperator>(['exists', 'notExists', 'isTrue', 'isFalse', 'isStudentOrJobSeeker']);
const LIST_VALUE = new Set<FieldOperator>(['oneOf', 'emailDomainIn']);
const NUMBER_VALUE = new Set<FieldOperator>(['greaterThan', 'lessThan']);

function compileField(condition: FieldCondition, path: string): CompiledCondition {
	const { field, operator, value } = condition;
	const read = compilePath(field);
	const name = condition.label ?? field;
	const at = `${path}/value`;
	if (!NO_VALUE.has(operator) && value === undefined) throw ProtocolError.at(at, `the operator "${operator}" needs a value`);
	if (LIST_VALUE.has(operator) && !Array.isArray(value)) throw ProtocolError.at(at, `"${operator}" takes a list of values`);
	if (NUMBER_VALUE.has(operator) && typeof value !== 'number') throw ProtocolError.at(at, `"${operator}" compares numbers: give a number`);
	if (operator === 'between' && !(Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number') && value[0] <= value[1])) {
		throw ProtocolError.at(at, '"between" takes [min, max], two numbers with min <= max');
	}
	const list = (Array.isArray(value) ? value : [value]).map((v) => String(v).trim()).filter((v) => v !== '');
	const shown = list.length > 5 ? `${list.slice(0, 5).join(', ')}, ...` : list.join(', ');
	let test: (v: unknown) => boolean;
	let phrase: [yes: string, no: string];
	switch (operator) {
		case 'exists':
			test = isPresent;
			phrase = ['is filled in', 'is empty'];
			break;
		case 'notExists':
			test = (v) => !isPresent(v);
			phrase = ['is empty', 'is filled in'];
			break;
		case 'isTrue':
			test = (v) => readBoolean(v, field) === true;
			phrase = ['is true', 'is not true'];
			break;
		case 'isFalse':
			test = (v) => readBoolean(v, field) === false;
			phrase = ['is false', 'is not false'];
			break;
		case 'equals':
			test = (v) => anyValue(v, (x) => same(x, value));
			phrase = [`is ${describeValue(value)}`, `is not ${describeValue(value)}`];
			break;
		case 'notEquals':
			test = (v) => isPresent(v) && !anyValue(v, (x) => same(x, value));
			phrase = [`is not ${describeValue(value)}`, `is ${describeValue(value)}`];
			break;
		case 'oneOf': {
			const wanted = new Set(list.map((v) => v.toLowerCase()));
			test = (v) => anyValue(v, (x) => (typeof x === 'string' || typeof x === 'number') && wanted.has(String(x).trim().toLowerCase()));
			phrase = [`is one of ${shown}`, `is not one of ${shown}`];
			break;
		}
		case 'contains': {
			const pattern = new RegExp(`(^|[^\\p{L}\\p{N}])(${list.map(escapeRegExp).join('|')})($|[^\\p{L}\\p{N}])`, 'iu');
			// Names the word that matched: "Job title "Marketing Student" contains "student"".
			return ({ lead }) => {
				const actual = read(lead);
				let found: string | undefined;
				anyValue(actual, (x) => typeof x === 'string' && (found = pattern.exec(x)?.[2]) !== undefined);
				return found !== undefined
					? { ok: true, text: `${name} ${describeValue(actual)} contains "${found.toLowerCase()}"` }
					: { ok: false, text: `${name} ${describeValue(actual)} does not contain ${shown}` };
			};
		}
		case 'startsWith': {
			const prefixes = list.map((p) => p.toLowerCase().replace(/\s+/g, ''));
			test = (v) => anyValue(v, (x) => (typeof x === 'string' || typeof x === 'number') && prefixes.some((p) => String(x).toLowerCase().replace(/\s+/g, '').startsWith(p)));
			phrase = [`starts with ${list.length > 1 ? 'one of ' : ''}${shown}`, `does not start with ${shown}`];
			break;
		}
		case 'matches': {
			let pattern: UserPattern;
			try {
				pattern = compileUserPattern(String(value));
			} catch (error) {
				throw ProtocolError.at(at, (error as Error).message);
			}
			test = (v) => anyValue(v, (x) => (typeof x === 'string' || typeof x === 'number') && pattern.test(String(x)));
			phrase = [`matches ${String(value)}`, `does not match ${String(value)}`];
			break;
		}
		// A band or an open-ended value ("51-200", "500+") holds when all of it does.
		case 'greaterThan':
			test = (v) => {
				const q = readQuantity(v, field);
				return q !== undefined && allAbove(q, value as number);
			};
			phrase = [`is more than ${value}`, `is not more than ${value}`];
			break;
		case 'lessThan':
			test = (v) => {
				const q = readQuantity(v, field);
				return q !== undefined && allBelow(q, value as number);
			};
			phrase = [`is less than ${value}`, `is not less than ${value}`];
			break;
		case 'between': {
			const [min, max] = value as [number, number];
			test = (v) => {
				const q = readQuantity(v, field);
				return q !== undefined && allWithin(q, min, max);
			};
			phrase = [`is between ${min} and ${max}`, `is not between ${min} and ${max}`];
			break;
		}
		case 'isStudentOrJobSeeker':
			// Names the role it read: "Job title "Marketing Intern" is an intern's title".
			return ({ lead }) => {
				const actual = read(lead);
				let match: ReturnType<typeof studentOrJobSeeker>;
				anyValue(actual, (x) => typeof x === 'string' && (match = studentOrJobSeeker(x)) !== undefined);
				return match
					? { ok: true, text: `${name} ${describeValue(actual)} is ${roleWords(match.role)} title` }
					: { ok: false, text: `${name} ${describeValue(actual)} is not a student's, intern's or job seeker's title` };
			};
		case 'emailDomainIn':
			return ({ lead }) => {
				const domain = emailDomain(read(lead));
				const ok = domainInList(domain, list);
				const shownDomain = domain === undefined ? 'no email domain' : `email domain ${domain}`;
				return { ok, text: `${name}: ${shownDomain} ${ok ? 'is' : 'is not'} in ${shown}` };
			};
	}
	return ({ lead }) => {
		const actual = read(lead);
		const ok = test(actual);
		return { ok, text: `${name} ${describeValue(actual)} ${phrase[ok ? 0 : 1]}` };
	};
}

function requireScore(input: ConditionInput): LeadScoreResult {
	const score = input.score;
	if (score === undefined || score === null || typeof score.total !== 'number') {
		throw new LeadDataError('score', 'the Lead Score result (put a Lead Score node before this one)', score);
	}
	// A score as of a later time counts activities after the time this lead is judged at.
	if (scoredAt(score) > input.now) {
		throw new LeadDataError(
			'score.asOf',
			`a time no later than ${new Date(input.now).toISOString()}, the time this lead is judged at (set Lead Score's Score As Of to that time, or leave Evaluate As Of empty)`,
			score.asOf,
		);
	}
	return score;
}

/** Epoch ms the score is as of; -Infinity when it does not say. */
function scoredAt(score: LeadScoreResult): number {
	const at = typeof score.asOf === 'string' ? Date.parse(score.asOf) : NaN;
	return Number.isNaN(at) ? -Infinity : at;
}

/** The score's breakdown lines; Lead Score leaves them out when Include Breakdown is off. */
function breakdownOf(score: LeadScoreResult, neededFor: string): LeadScoreResult['breakdown'] {
	if (Array.isArray(score.breakdown)) return score.breakdown;
	throw new LeadDataError('score.breakdown', `the score's breakdown, to tell ${neededFor} (turn on Include Breakdown in Lead Score)`, score.breakdown);
}

/** When the newest activity behind the score's engagement points counts, in (`from`, `now`]; none without a breakdown. */
function newestEngagement(input: ConditionInput, from = -Infinity): number | undefined {
	let newest: number | undefined;
	for (const line of Array.isArray(input.score?.breakdown) ? input.score.breakdown : []) {
		if (line.group !== 'engagement' || !line.activity) continue;
		const at = countedAt(Date.parse(line.activity.at), input.now, input.live);
		if (at !== undefined && at > from && (newest === undefined || at > newest)) newest = at;
	}
	return newest;
}

function same(a: unknown, b: unknown): boolean {
	if ((typeof a === 'string' || typeof a === 'number') && (typeof b === 'string' || typeof b === 'number')) {
		return String(a).trim().toLowerCase() === String(b).trim().toLowerCase();
	}
	return a === b;
}

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', 'on']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0', 'off']);

/** true, false, or undefined for a missing value; other values are bad data. */
function readBoolean(value: unknown, field: string): boolean | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value === 'boolean') return value;
	if (typeof value === 'number') return value !== 0;
	if (typeof value === 'string') {
		const word = value.trim().toLowerCase();
		if (TRUE_WORDS.has(word)) return true;
		if (FALSE_WORDS.has(word)) return false;
	}
	throw new LeadDataError(field, 'true or false (also yes/no, 1/0)', value);
}

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Numbers as people read them: 72, 72.5, -25 (at most two decimals). */
export function fmt(n: number): string {
	return String(Math.round(n * 100) / 100);
}
