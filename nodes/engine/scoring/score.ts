import { activitiesAsOf, ignoredNote, type AsOfOptions } from '../common/asOf';
import { domainInList, emailDomain, isFreeMailDomain } from '../common/email';
import { LeadDataError } from '../common/errors';
import { compilePath } from '../common/paths';
import { compileUserPattern } from '../common/pattern';
import { MS_PER_DAY, parseTimestamp } from '../common/time';
import type { Activity, Lead } from '../common/types';
import { anyValue, isPresent } from '../common/values';
import {
	modelIdOf,
	normalizeActivityType,
	normalizeProtocol,
	type NormalizedAttributeRule,
	type NormalizedEngagementRule,
	type NormalizedProtocol,
} from './compile';
import type { Decay } from './protocol';
import type { EngagementDigit, FitLetter, Grade, LeadScoreResult, RuleGroup, ScoreLine } from './result';
import { allAbove, allBelow, allWithin, readQuantity } from './quantity';
import { classifyTitle, seniorityRank, type SeniorityLevel } from './seniority';
import { isStudentOrJobSeeker } from './titleRole';

/** Points are added in hundredths (integers) so that a breakdown always adds up to its total. */
type Cents = number;
const toCents = (points: number): Cents => Math.round(points * 100);
const fromCents = (cents: Cents): number => cents / 100;

interface CentLine extends Omit<ScoreLine, 'points'> {
	cents: Cents;
	at?: number;
}

type AttributeTest = (lead: Lead) => boolean;

interface CompiledEngagementRule {
	rule: NormalizedEngagementRule;
	types: Set<string>;
	decayFactor: (ageMs: number) => number;
}

export interface LeadScorer {
	readonly protocol: NormalizedProtocol;
	readonly modelId: string;
	/** Reads and checks the lead's activities; throws LeadDataError naming the bad field. */
	readActivities(lead: Lead, zone: string): Activity[];
	/** The lead's activities as given (the entries of the activities field), unread. */
	rawActivities(lead: Lead): unknown[];
	/** Reads one activity entry; `path` names it in errors. */
	readActivity(entry: unknown, path: string, zone: string): Activity;
	/**
	 * Scores a lead whose activities were read already (the stateful mode reads them from the ledger).
	 * `asOf` is a set time unless `options.live` says it is now (see common/asOf.ts).
	 */
	scoreWith(lead: Lead, activities: readonly Activity[], asOf: number, options?: AsOfOptions): LeadScoreResult;
	/** Reads the lead's own activities and scores it. */
	score(lead: Lead, asOf: number, zone: string, options?: AsOfOptions): LeadScoreResult;
	/** Names of the thresholds a total reaches. */
	thresholdsReached(total: number): string[];
}

/**
 * Compiles a scoring protocol once; the returned scorer is then applied to every lead.
 * All parsing, regex building and path compiling happens here, not per lead.
 */
export function compileScorer(protocolInput: unknown): LeadScorer {
	const protocol = normalizeProtocol(protocolInput);
	const modelId = modelIdOf(protocol);
	const fit = protocol.fit.map((rule) => ({ rule, test: compileAttributeTest(rule) }));
	const negative = protocol.negative.map((rule) => ({ rule, test: compileAttributeTest(rule) }));
	const engagement: CompiledEngagementRule[] = protocol.engagement.map((rule) => ({
		rule,
		types: new Set(rule.activity),
		decayFactor: compileDecay(rule.decay ?? protocol.decay),
	}));
	const f = protocol.fields;
	const get = {
		activities: compilePath(f.activities),
		id: compilePath(f.activityId),
		type: compilePath(f.activityType),
		time: compilePath(f.activityTime),
		url: compilePath(f.activityUrl),
		asset: compilePath(f.activityAsset),
		campaign: compilePath(f.activityCampaign),
		title: compilePath(f.activityTitle),
	};
	const velocityMs = protocol.velocity.windowDays * MS_PER_DAY;
	const [fitA, fitB, fitC] = protocol.grade.fit;
	const [eng1, eng2, eng3] = protocol.grade.engagement;

	const rawActivities = (lead: Lead): unknown[] => {
		const raw = get.activities(lead);
		if (raw === undefined || raw === null) return [];
		if (!Array.isArray(raw)) throw new LeadDataError(f.activities, 'an array of activities', raw);
		return raw;
	};

	const readActivities = (lead: Lead, zone: string): Activity[] =>
		rawActivities(lead).map((entry, index) => readActivity(entry, `${f.activities}[${index}]`, zone));

	const readActivity = (entry: unknown, path: string, zone: string): Activity => {
		if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
			throw new LeadDataError(path, `an activity object with ${f.activityType} and ${f.activityTime}`, entry);
		}
		const type = get.type(entry);
		if (typeof type !== 'string' || type.trim() === '') {
			throw new LeadDataError(`${path}.${f.activityType}`, 'an activity type such as page_view or email_open', type);
		}
		const activity: Activity = {
			type: normalizeActivityType(type),
			at: parseTimestamp(get.time(entry), `${path}.${f.activityTime}`, zone),
		};
		const optional = { id: get.id(entry), url: get.url(entry), asset: get.asset(entry), campaign: get.campaign(entry), title: get.title(entry) };
		for (const [key, value] of Object.entries(optional)) {
			if (typeof value === 'string' && value !== '') activity[key as 'id'] = value;
			else if (typeof value === 'number') activity[key as 'id'] = String(value);
		}
		return activity;
	};

	const scoreWith = (lead: Lead, activities: readonly Activity[], asOf: number, options: AsOfOptions = {}): LeadScoreResult => {
		const lines: CentLine[] = [];
		for (const { rule, test } of fit) if (test(lead)) lines.push(attributeLine(rule, 'fit'));
		// As of `asOf`: what happened later does not count, so history is scored as it stood;
		// live, activity within the clock skew counts as now.
		const { counted, ignored } = activitiesAsOf(activities, asOf, options.live);
		const byType = groupNewestFirst(counted);
		for (const rule of engagement) pushEngagementLines(rule, byType, asOf, lines);
		for (const { rule, test } of negative) if (test(lead)) lines.push(attributeLine(rule, 'negative'));

		const sum = (group: RuleGroup) => lines.reduce((total, line) => (line.group === group ? total + line.cents : total), 0);
		capGroup(lines, 'fit', sum('fit'), protocol.caps.fit, 'Fit points capped at');
		capGroup(lines, 'engagement', sum('engagement'), protocol.caps.engagement, 'Engagement points capped at');
		const negativeSum = sum('negative');
		if (protocol.caps.negative !== undefined && negativeSum < toCents(protocol.caps.negative)) {
			lines.push({ rule: 'cap:negative', label: 'Negative points floor', group: 'negative', cents: toCents(protocol.caps.negative) - negativeSum, why: `Negative points floored at ${protocol.caps.negative}` });
		}
		const fitCents = sum('fit');
		const engagementCents = sum('engagement');
		const negativeCents = sum('negative');
		const uncapped = fitCents + engagementCents + negativeCents;
		const { total: maxTotal, totalMin } = protocol.caps;
		if (maxTotal !== undefined && uncapped > toCents(maxTotal)) {
			lines.push({ rule: 'cap:total', label: 'Total cap', group: 'cap', cents: toCents(maxTotal) - uncapped, why: `Total score capped at ${maxTotal}` });
		} else if (totalMin !== undefined && uncapped < toCents(totalMin)) {
			lines.push({ rule: 'cap:totalMin', label: 'Total floor', group: 'cap', cents: toCents(totalMin) - uncapped, why: `Total score floored at ${totalMin}` });
		}
		const totalCents = lines.reduce((total, line) => total + line.cents, 0);
		// The velocity window ends at `asOf`; no line is later (see activitiesAsOf).
		const velocityCents = lines.reduce(
			(total, line) => (line.group === 'engagement' && line.at !== undefined && line.at > asOf - velocityMs ? total + line.cents : total),
			0,
		);
		const note = ignoredNote(ignored, options.live);
		const fitWithNegative = fromCents(fitCents + negativeCents);
		const engagementPoints = fromCents(engagementCents);
		const letter: FitLetter = fitWithNegative >= fitA ? 'A' : fitWithNegative >= fitB ? 'B' : fitWithNegative >= fitC ? 'C' : 'D';
		const digit: EngagementDigit = engagementPoints >= eng1 ? 1 : engagementPoints >= eng2 ? 2 : engagementPoints >= eng3 ? 3 : 4;
		return {
			total: fromCents(totalCents),
			fit: fromCents(fitCents),
			engagement: engagementPoints,
			negative: fromCents(negativeCents),
			velocity: fromCents(velocityCents),
			velocityWindowDays: protocol.velocity.windowDays,
			grade: `${letter}${digit}` as Grade,
			breakdown: lines.map(scoreLineOf),
			modelId,
			asOf: new Date(asOf).toISOString(),
			...(options.live ? { asOfLive: true } : {}),
			...(note === undefined ? {} : { ignored: note }),
		};
	};

	const thresholdsReached = (total: number) => protocol.thresholds.filter((t) => total >= t.score).map((t) => t.name);

	return {
		protocol,
		modelId,
		readActivities,
		rawActivities,
		readActivity,
		scoreWith,
		score: (lead, asOf, zone, options) => scoreWith(lead, readActivities(lead, zone), asOf, options),
		thresholdsReached,
	};
}

/**
 * A breakdown line, its keys written out: copying the rest of an object (`{ cents, ...line }`)
 * took V8's generic path, and in a long-running n8n process it was 40% of scoring time.
 */
function scoreLineOf(line: CentLine): ScoreLine {
	const { rule, label, group, why, activity } = line;
	const points = fromCents(line.cents);
	return activity === undefined ? { rule, label, group, why, points } : { rule, label, group, why, activity, points };
}

function attributeLine(rule: NormalizedAttributeRule, group: 'fit' | 'negative'): CentLine {
	return { rule: rule.id, label: rule.label, group, cents: toCents(rule.points), why: rule.why || rule.label };
}

function capGroup(lines: CentLine[], group: 'fit' | 'engagement', sum: Cents, cap: number | undefined, why: string): void {
	if (cap !== undefined && sum > toCents(cap)) {
		lines.push({ rule: `cap:${group}`, label: `${group === 'fit' ? 'Fit' : 'Engagement'} cap`, group, cents: toCents(cap) - sum, why: `${why} ${cap}` });
	}
}

/**
 * Points for each activity the rule matches, newest first, so that a cap keeps the most
 * recent (least decayed) activities. A capped window is counted in raw points; decay then
 * applies to what was counted.
 */
function pushEngagementLines(compiled: CompiledEngagementRule, byType: Map<string, Activity[]>, asOf: number, lines: CentLine[]): void {
	const { rule, types, decayFactor } = compiled;
	let matching: Activity[] = [];
	for (const type of types) {
		const ofType = byType.get(type);
		if (ofType) matching = matching.length === 0 ? ofType : [...matching, ...ofType];
	}
	if (types.size > 1) matching.sort((a, b) => b.at - a.at);
	if (rule.contentContains.length > 0) matching = matching.filter((a) => contentMatches(rule.contentContains, a));
	if (matching.length === 0) return;
	const group: RuleGroup = rule.points < 0 ? 'negative' : 'engagement';
	const windowMs = rule.cap?.windowDays !== undefined ? rule.cap.windowDays * MS_PER_DAY : Infinity;
	const usedPerWindow = new Map<number, number>();
	for (const activity of matching) {
		const age = Math.max(0, asOf - activity.at);
		let points = rule.points;
		if (rule.cap && points > 0) {
			const window = windowMs === Infinity ? 0 : Math.floor(age / windowMs);
			const used = usedPerWindow.get(window) ?? 0;
			points = Math.min(points, rule.cap.points - used);
			if (points <= 0) continue;
			usedPerWindow.set(window, used + points);
		}
		const cents = toCents(points * decayFactor(age));
		if (cents === 0) continue;
		lines.push({
			rule: rule.id,
			label: rule.label,
			group,
			cents,
			why: rule.why || rule.label,
			at: activity.at,
			activity: {
				type: activity.type,
				at: new Date(activity.at).toISOString(),
				...(activity.url ? { url: activity.url } : {}),
				...(activity.asset ? { asset: activity.asset } : {}),
				...(activity.campaign ? { campaign: activity.campaign } : {}),
			},
		});
	}
}

/** The lead's activities by type, newest first: each engagement rule then reads only its own. */
function groupNewestFirst(activities: readonly Activity[]): Map<string, Activity[]> {
	const byType = new Map<string, Activity[]>();
	for (const activity of activities) {
		const list = byType.get(activity.type);
		if (list) list.push(activity);
		else byType.set(activity.type, [activity]);
	}
	for (const list of byType.values()) if (list.length > 1) list.sort((a, b) => b.at - a.at);
	return byType;
}

function contentMatches(needles: string[], activity: Activity): boolean {
	if (needles.length === 0) return true;
	const haystack = `${activity.url ?? ''}\n${activity.asset ?? ''}\n${activity.title ?? ''}`.toLowerCase();
	return needles.some((needle) => haystack.includes(needle));
}

function compileDecay(decay: Decay): (ageMs: number) => number {
	switch (decay.kind) {
		case 'none':
			return () => 1;
		case 'halfLife': {
			const halfLifeMs = decay.halfLifeDays * MS_PER_DAY;
			return (age) => Math.pow(0.5, age / halfLifeMs);
		}
		case 'linear': {
			const lossPerMs = decay.percent / 100 / (decay.periodDays * MS_PER_DAY);
			return (age) => Math.max(0, 1 - age * lossPerMs);
		}
	}
}

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', 'on']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0', 'off', '']);

function compileAttributeTest(rule: NormalizedAttributeRule): AttributeTest {
	const read = compilePath(rule.field);
	const field = rule.field;
	const value = rule.value;
	switch (rule.operator) {
		case 'exists':
			return (lead) => isPresent(read(lead));
		case 'notExists':
			return (lead) => !isPresent(read(lead));
		case 'isTrue':
			return (lead) => readBoolean(read(lead), field);
		case 'equals': {
			const wanted = comparable(value);
			return (lead) => anyValue(read(lead), (v) => comparable(v) === wanted);
		}
		case 'notEquals': {
			const wanted = comparable(value);
			return (lead) => {
				const v = read(lead);
				return isPresent(v) && !anyValue(v, (x) => comparable(x) === wanted);
			};
		}
		case 'oneOf': {
			const wanted = new Set((value as Array<string | number>).map(comparable));
			return (lead) => anyValue(read(lead), (v) => wanted.has(comparable(v)));
		}
		case 'contains': {
			const words = (Array.isArray(value) ? value : [value]).map((w) => String(w).trim()).filter((w) => w !== '');
			if (words.length === 0) return () => false;
			const pattern = new RegExp(`(^|[^\\p{L}\\p{N}])(${words.map(escapeRegExp).join('|')})($|[^\\p{L}\\p{N}])`, 'iu');
			return (lead) => anyValue(read(lead), (v) => typeof v === 'string' && pattern.test(v));
		}
		case 'matches': {
			const pattern = compileUserPattern(value as string);
			return (lead) => anyValue(read(lead), (v) => (typeof v === 'string' || typeof v === 'number') && pattern.test(String(v)));
		}
		// A band or an open-ended value ("51-200", "500+") matches when all of it does.
		case 'greaterThan': {
			const limit = value as number;
			return (lead) => {
				const q = readQuantity(read(lead), field);
				return q !== undefined && allAbove(q, limit);
			};
		}
		case 'lessThan': {
			const limit = value as number;
			return (lead) => {
				const q = readQuantity(read(lead), field);
				return q !== undefined && allBelow(q, limit);
			};
		}
		case 'between': {
			const [min, max] = value as [number, number];
			return (lead) => {
				const q = readQuantity(read(lead), field);
				return q !== undefined && allWithin(q, min, max);
			};
		}
		case 'emailDomainIn': {
			const domains = (value as Array<string | number>).map(String);
			return (lead) => domainInList(emailDomain(read(lead)), domains);
		}
		case 'freeEmailDomain':
			return (lead) => isFreeMailDomain(emailDomain(read(lead)));
		case 'seniorityAtLeast': {
			const minimum = seniorityRank(value as SeniorityLevel);
			return (lead) => {
				const title = read(lead);
				if (typeof title !== 'string') return false;
				const level = classifyTitle(title);
				return level !== undefined && seniorityRank(level) >= minimum;
			};
		}
		case 'isStudentOrJobSeeker':
			return (lead) => anyValue(read(lead), (v) => typeof v === 'string' && isStudentOrJobSeeker(v));
	}
}

/** Strings compare case-insensitively and numbers as text, so "200" equals 200. */
function comparable(value: unknown): unknown {
	if (typeof value === 'string' || typeof value === 'number') return String(value).trim().toLowerCase();
	return value;
}

function readBoolean(value: unknown, field: string): boolean {
	if (value === undefined || value === null) return false;
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
