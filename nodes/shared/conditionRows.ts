/**
 * The gate's condition language as editor rows, shared by the Handoff Gate (rules) and the Tier
 * Router (tiers): a rule is a list of condition rows combined with AND or OR, each row one test
 * on the score, the grade, the activities or a field. Deeper nesting is for JSON mode. Rows
 * compile to the same engine conditions the JSON form gives.
 *
 * Two shapes of row: the flat one (every value of a test is its own field: Tier Router, Handoff
 * Gate versions 1-2) and the compact one (Handoff Gate version 3 on: an activity's optional
 * values sit in its Activity Options and show only when set, and a scoring rule is picked from a
 * list). Rows of either shape read the same way, so a row compiles alike whatever shape saved it.
 */
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { ProtocolError } from '../engine/common/errors';
import { parseProtocolJson } from '../engine/common/schema';
import type { Condition, FieldOperator, ScoreMeasure } from '../engine/gate';
import { ACTIVITY_TYPE_OPTIONS, STANDARD_ACTIVITY_TYPES } from './activityTypes';

export interface ConditionRow {
	kind: 'score' | 'grade' | 'fitAtLeast' | 'engagementAtLeast' | 'activity' | 'gainedPoints' | 'field' | 'negativeRule' | 'json';
	measure?: ScoreMeasure;
	comparison?: 'atLeast' | 'below' | 'between';
	min?: number;
	max?: number;
	grades?: string;
	fitLetter?: 'A' | 'B' | 'C' | 'D';
	engagementDigit?: number;
	activityType?: string;
	customActivityType?: string;
	/** Flat rows: Or Also only. Compact rows: every optional value of the activity test. */
	activityOptions?: ActivityOptions;
	velocityOptions?: { scoreAtLeast?: number };
	contentContains?: string;
	minCount?: number;
	withinDays?: number;
	label?: string;
	points?: number;
	days?: number;
	field?: string;
	operator?: FieldOperator;
	value?: string;
	fieldLabel?: string;
	/** Flat rows: ids or labels, comma-separated. Compact rows: the labels picked, or an expression's value. */
	scoreRules?: string | string[];
	conditionJson?: string;
}

/** The optional values of an activity test; unset reads as "any" (any content, once, any time). */
export interface ActivityOptions {
	alsoActivityTypes?: string[];
	contentContains?: string;
	minCount?: number;
	withinDays?: number;
	label?: string;
}

/** A rule or tier's conditions as the editor holds them. */
export interface ConditionGroupRow {
	match?: 'all' | 'any';
	conditions?: { condition?: ConditionRow[] };
}

const FIELD_OPERATORS: INodePropertyOptions[] = [
	{ name: 'Between', value: 'between', description: 'A number from min to max, inclusive: "50, 500"' },
	{ name: 'Contains Word', value: 'contains', description: 'Contains one of the words or phrases (comma-separated)' },
	{ name: 'Email Domain Is One Of', value: 'emailDomainIn', description: 'Comma-separated domains' },
	{ name: 'Equals', value: 'equals', description: 'Equal to the value, ignoring case' },
	{ name: 'Exists', value: 'exists' },
	{ name: 'Greater Than', value: 'greaterThan' },
	{ name: 'Is False', value: 'isFalse' },
	{ name: 'Is One Of', value: 'oneOf', description: 'Comma-separated values, ignoring case' },
	{ name: 'Is Student or Job Seeker Title', value: 'isStudentOrJobSeeker', description: '"Marketing Intern" and "Open to work" count, "Director of Student Success" does not' },
	{ name: 'Is True', value: 'isTrue', description: 'True, yes or 1' },
	{ name: 'Less Than', value: 'lessThan' },
	{ name: 'Matches Regex', value: 'matches' },
	{ name: 'Does Not Exist', value: 'notExists' },
	{ name: 'Not Equals', value: 'notEquals' },
	{ name: 'Starts With', value: 'startsWith', description: 'Comma-separated prefixes' },
];

const LIST_OPERATORS = new Set<string>(['oneOf', 'contains', 'startsWith', 'emailDomainIn']);
const VALUE_LESS = ['exists', 'notExists', 'isTrue', 'isFalse', 'isStudentOrJobSeeker'];

const show = (kind: ConditionRow['kind'][]) => ({ show: { kind } });

const ALSO_ACTIVITY_TYPES: INodeProperties = {
	displayName: 'Or Also',
	name: 'alsoActivityTypes',
	type: 'multiOptions',
	options: ACTIVITY_TYPE_OPTIONS.filter((o) => o.value !== 'custom'),
	default: [],
	description: 'More activity types that count as this one, e.g. Contact Sales besides Demo Request',
};

/** The values of one condition row. */
export const conditionRowValues: INodeProperties[] = [
	{
		displayName: 'Test',
		name: 'kind',
		type: 'options',
		options: [
			{ name: 'Activity', value: 'activity', description: 'The lead did something, at least N times in the last N days' },
			{ name: 'Condition as JSON', value: 'json', description: 'Any condition of the JSON form, e.g. a nested AND inside an OR' },
			{ name: 'Engagement Level', value: 'engagementAtLeast', description: 'The grade\'s engagement digit is this good or better' },
			{ name: 'Field', value: 'field', description: 'A field of the lead, e.g. jobTitle or unsubscribed' },
			{ name: 'Fit Letter', value: 'fitAtLeast', description: 'The grade\'s fit letter is this good or better' },
			{ name: 'Grade', value: 'grade', description: 'The grade is one of a list, e.g. A1, A2, B1' },
			{ name: 'Points Gained', value: 'gainedPoints', description: 'Velocity: engagement points earned in the last N days' },
			{ name: 'Score', value: 'score', description: 'Total, fit, engagement, negative or recent points' },
			{ name: 'Score Rule Applied', value: 'negativeRule', description: 'A negative scoring rule took points, e.g. Competitor domain' },
		],
		default: 'score',
	},
	{
		displayName: 'Measure',
		name: 'measure',
		type: 'options',
		options: [
			{ name: 'Engagement Points', value: 'engagement' },
			{ name: 'Fit Points', value: 'fit' },
			{ name: 'Negative Points', value: 'negative' },
			{ name: 'Recent Points (Velocity)', value: 'velocity' },
			{ name: 'Total Score', value: 'total' },
		],
		default: 'total',
		displayOptions: show(['score']),
	},
	{
		displayName: 'Comparison',
		name: 'comparison',
		type: 'options',
		options: [
			{ name: 'At Least', value: 'atLeast' },
			{ name: 'Below', value: 'below' },
			{ name: 'Between', value: 'between', description: 'At least Min and below Max' },
		],
		default: 'atLeast',
		displayOptions: show(['score']),
	},
	{ displayName: 'Min', name: 'min', type: 'number', default: 0, displayOptions: { show: { kind: ['score'], comparison: ['atLeast', 'between'] } } },
	{ displayName: 'Max', name: 'max', type: 'number', default: 100, displayOptions: { show: { kind: ['score'], comparison: ['below', 'between'] } } },
	{ displayName: 'Grades', name: 'grades', type: 'string', default: '', placeholder: 'e.g. A1, A2, B1', displayOptions: show(['grade']) },
	{
		displayName: 'Fit Letter',
		name: 'fitLetter',
		type: 'options',
		options: ['A', 'B', 'C', 'D'].map((l) => ({ name: l, value: l })),
		default: 'B',
		displayOptions: show(['fitAtLeast']),
	},
	{
		displayName: 'Engagement Level',
		name: 'engagementDigit',
		type: 'options',
		options: [1, 2, 3, 4].map((d) => ({ name: String(d), value: d })),
		default: 2,
		displayOptions: show(['engagementAtLeast']),
	},
	{ displayName: 'Activity Type', name: 'activityType', type: 'options', options: ACTIVITY_TYPE_OPTIONS, default: 'page_view', displayOptions: show(['activity']) },
	{ displayName: 'Custom Activity Type', name: 'customActivityType', type: 'string', default: '', placeholder: 'e.g. trial_signup', displayOptions: { show: { kind: ['activity'], activityType: ['custom'] } } },
	{
		displayName: 'Activity Options',
		name: 'activityOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { kind: ['activity'] }, hide: { activityType: ['custom'] } },
		options: [ALSO_ACTIVITY_TYPES],
	},
	{
		displayName: 'URL or Asset Contains',
		name: 'contentContains',
		type: 'string',
		default: '',
		placeholder: 'e.g. /pricing',
		description: 'Only activities whose URL, asset or title contains one of these (comma-separated)',
		displayOptions: show(['activity']),
	},
	{ displayName: 'At Least (Times)', name: 'minCount', type: 'number', default: 1, typeOptions: { minValue: 1 }, displayOptions: show(['activity']) },
	{ displayName: 'Within (Days)', name: 'withinDays', type: 'number', default: 30, description: 'Window ending now; 0 for any time', displayOptions: show(['activity']) },
	{ displayName: 'In Words', name: 'label', type: 'string', default: '', placeholder: 'e.g. visited the pricing page', description: 'What the lead did, as sales will read it', displayOptions: show(['activity']) },
	{ displayName: 'Points', name: 'points', type: 'number', default: 40, displayOptions: show(['gainedPoints']) },
	{ displayName: 'In (Days)', name: 'days', type: 'number', default: 7, displayOptions: show(['gainedPoints']) },
	{
		displayName: 'Points Gained Options',
		name: 'velocityOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: show(['gainedPoints']),
		options: [{ displayName: 'And Total Score At Least', name: 'scoreAtLeast', type: 'number', default: 60, description: 'Holds only when the total score is this high too' }],
	},
	{ displayName: 'Field', name: 'field', type: 'string', default: '', placeholder: 'e.g. jobTitle or properties.lifecyclestage', displayOptions: show(['field']) },
	{ displayName: 'Operator', name: 'operator', type: 'options', options: FIELD_OPERATORS, default: 'equals', displayOptions: show(['field']) },
	{
		displayName: 'Value',
		name: 'value',
		type: 'string',
		default: '',
		description: 'For lists, separate values with commas; for Between, "min, max"',
		displayOptions: { show: { kind: ['field'] }, hide: { operator: VALUE_LESS } },
	},
	{ displayName: 'Field in Words', name: 'fieldLabel', type: 'string', default: '', placeholder: 'e.g. Job title', displayOptions: show(['field']) },
	{
		displayName: 'Condition (JSON)',
		name: 'conditionJson',
		type: 'json',
		default: '{ "all": [{ "score": "total", "atLeast": 60 }, { "gainedPoints": 30, "withinDays": 7 }] }',
		description: 'One condition as in gate.schema.json',
		displayOptions: show(['json']),
	},
	{ displayName: 'Score Rules', name: 'scoreRules', type: 'string', default: '', placeholder: 'e.g. Competitor domain', description: 'Ids or labels of negative scoring rules, comma-separated', displayOptions: show(['negativeRule']) },
];

/** Flat-row fields that the compact row keeps in its Activity Options. */
const IN_ACTIVITY_OPTIONS = ['activityOptions', 'contentContains', 'minCount', 'withinDays', 'label'];

/**
 * The values of one condition row in the compact shape: an activity test shows its type, and its
 * optional values (other types, content, count, window, words) only once added; scoring rules are
 * picked with `scoreRules` (an options list the node loads).
 */
export function compactConditionRowValues(scoreRules: INodeProperties): INodeProperties[] {
	const activityOptions: INodeProperties = {
		displayName: 'Activity Options',
		name: 'activityOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: show(['activity']),
		options: [
			{
				displayName: 'At Least (Times)',
				name: 'minCount',
				type: 'number',
				default: 2,
				typeOptions: { minValue: 1 },
				description: 'How many such activities it takes; without it, one is enough',
			},
			{ displayName: 'In Words', name: 'label', type: 'string', default: '', placeholder: 'e.g. visited the pricing page', description: 'What the lead did, as sales will read it' },
			ALSO_ACTIVITY_TYPES,
			{
				displayName: 'URL or Asset Contains',
				name: 'contentContains',
				type: 'string',
				default: '',
				placeholder: 'e.g. /pricing',
				description: 'Only activities whose URL, asset or title contains one of these (comma-separated)',
			},
			{
				displayName: 'Within (Days)',
				name: 'withinDays',
				type: 'number',
				default: 30,
				typeOptions: { minValue: 1 },
				description: 'Only activities of the last N days; without it, any time',
			},
		],
	};
	return conditionRowValues.flatMap((value) => {
		if (value.name === 'activityOptions') return [activityOptions];
		if (value.name === 'scoreRules') return [{ ...scoreRules, name: 'scoreRules', displayOptions: show(['negativeRule']) }];
		if (IN_ACTIVITY_OPTIONS.includes(value.name) && value.displayOptions?.show?.kind?.includes('activity')) return [];
		return [value];
	});
}

/** The nested condition rows of a rule in the compact shape (the rule's Match is one of its options). */
export function compactConditionsValue(description: string, scoreRules: INodeProperties): INodeProperties {
	return {
		displayName: 'Conditions',
		name: 'conditions',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Condition',
		description,
		default: {},
		options: [{ name: 'condition', displayName: 'Condition', values: compactConditionRowValues(scoreRules) }],
	};
}

/** A rule's Match setting: all conditions (AND, the default) or any of them (OR). */
export const matchProperty: INodeProperties = {
	displayName: 'Match',
	name: 'match',
	type: 'options',
	options: [
		{ name: 'All Conditions (AND)', value: 'all' },
		{ name: 'Any Condition (OR)', value: 'any' },
	],
	default: 'all',
};

/** The match setting and the nested condition rows, for a rule or tier row. */
export function conditionGroupValues(conditionsDescription: string): INodeProperties[] {
	return [
		matchProperty,
		{
			displayName: 'Conditions',
			name: 'conditions',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true, sortable: true },
			placeholder: 'Add Condition',
			description: conditionsDescription,
			default: {},
			options: [{ name: 'condition', displayName: 'Condition', values: conditionRowValues }],
		},
	];
}

const list = (text: string | undefined) =>
	(text ?? '')
		.split(',')
		.map((part) => part.trim())
		.filter((part) => part !== '');

/** A rule's rows as one engine condition; undefined when it has none. `where` names the row in errors. */
export function rowsToCondition(group: ConditionGroupRow, where: string): Condition | undefined {
	const rows = group.conditions?.condition ?? [];
	const conditions = rows.map((row, i) => rowToCondition(row, `${where} › Condition ${i + 1}`));
	if (conditions.length === 0) return undefined;
	if (conditions.length === 1) return conditions[0];
	return group.match === 'any' ? { any: conditions } : { all: conditions };
}

function rowToCondition(row: ConditionRow, where: string): Condition {
	switch (row.kind) {
		case 'score': {
			const comparison = row.comparison ?? 'atLeast';
			return {
				score: row.measure ?? 'total',
				...(comparison !== 'below' ? { atLeast: requireNumber(row.min, `${where} › Min`) } : {}),
				...(comparison !== 'atLeast' ? { below: requireNumber(row.max, `${where} › Max`) } : {}),
			};
		}
		case 'grade': {
			const grades = list(row.grades).map((g) => g.toUpperCase());
			if (grades.length === 0) throw ProtocolError.at(`${where} › Grades`, 'list at least one grade, e.g. "A1, A2"');
			return { grade: grades as Array<`${'A' | 'B' | 'C' | 'D'}${1 | 2 | 3 | 4}`> };
		}
		case 'fitAtLeast':
			return { fitAtLeast: row.fitLetter ?? 'B' };
		case 'engagementAtLeast':
			return { engagementAtLeast: (row.engagementDigit ?? 2) as 1 | 2 | 3 | 4 };
		case 'activity': {
			// A compact row keeps its optional values in Activity Options, a flat row beside the type.
			const options = row.activityOptions ?? {};
			const also = options.alsoActivityTypes ?? [];
			const first = row.activityType === 'custom' ? list(row.customActivityType) : [row.activityType ?? 'page_view'];
			if (first.length === 0) throw ProtocolError.at(`${where} › Custom Activity Type`, 'name at least one activity type');
			const activity = [...new Set([...first, ...also])];
			const content = list(options.contentContains ?? row.contentContains);
			const minCount = options.minCount ?? row.minCount;
			const withinDays = options.withinDays ?? row.withinDays;
			const label = options.label ?? row.label;
			return {
				activity,
				...(content.length ? { contentContains: content } : {}),
				...(minCount !== undefined && minCount > 1 ? { minCount: requireNumber(minCount, `${where} › At Least (Times)`) } : {}),
				...(withinDays ? { withinDays: requireNumber(withinDays, `${where} › Within (Days)`) } : {}),
				...(label ? { label } : {}),
			};
		}
		case 'gainedPoints': {
			const gained: Condition = { gainedPoints: requireNumber(row.points, `${where} › Points`), withinDays: requireNumber(row.days, `${where} › In (Days)`) };
			const floor = row.velocityOptions?.scoreAtLeast;
			return floor === undefined ? gained : { all: [{ score: 'total', atLeast: requireNumber(floor, `${where} › And Total Score At Least`) }, gained] };
		}
		case 'field': {
			const field = (row.field ?? '').trim();
			if (!field) throw ProtocolError.at(`${where} › Field`, 'name the field, e.g. jobTitle');
			const operator = row.operator ?? 'equals';
			const condition: Condition = { field, operator, ...(row.fieldLabel ? { label: row.fieldLabel } : {}) };
			if (VALUE_LESS.includes(operator)) return condition;
			if (LIST_OPERATORS.has(operator)) return { ...condition, value: list(row.value) };
			if (operator === 'greaterThan' || operator === 'lessThan') return { ...condition, value: requireNumber(row.value === '' ? undefined : Number(row.value), `${where} › Value`) };
			if (operator === 'between') {
				const [min, max] = list(row.value).map(Number);
				return { ...condition, value: [requireNumber(min, `${where} › Value (min)`), requireNumber(max, `${where} › Value (max)`)] };
			}
			return { ...condition, value: row.value ?? '' };
		}
		case 'json':
			return parseProtocolJson(row.conditionJson ?? '', `${where} › Condition (JSON)`) as Condition;
		case 'negativeRule': {
			const rules = Array.isArray(row.scoreRules) ? [...new Set(row.scoreRules.flatMap((r) => list(String(r))))] : list(row.scoreRules);
			if (rules.length === 0) throw ProtocolError.at(`${where} › Score Rules`, 'pick at least one scoring rule');
			return { negativeRule: rules };
		}
		default:
			throw ProtocolError.at(`${where} › Test`, `unknown test "${String((row as { kind?: unknown }).kind)}"`);
	}
}

/**
 * The editor rows of a condition, for defaults derived from the engine's; one level of all/any.
 * `compact` gives the compact shape: an activity's optional values in its Activity Options, only
 * those set, and the scoring rules of a Score Rule Applied test as a list.
 */
export function conditionToRows(condition: Condition | undefined, compact = false): ConditionGroupRow {
	if (!condition) return { match: 'all', conditions: { condition: [] } };
	const group = 'all' in condition ? { match: 'all' as const, parts: condition.all } : 'any' in condition ? { match: 'any' as const, parts: condition.any } : { match: 'all' as const, parts: [condition] };
	return { match: group.match, conditions: { condition: group.parts.map((part) => (compact ? compactLeafToRow(part) : leafToRow(part))) } };
}

function compactLeafToRow(c: Condition): ConditionRow {
	if ('activity' in c) {
		const standard = c.activity.every((type) => STANDARD_ACTIVITY_TYPES.includes(type));
		const [first, ...also] = c.activity;
		const options: ActivityOptions = {
			...(standard && also.length ? { alsoActivityTypes: also } : {}),
			...(c.contentContains?.length ? { contentContains: c.contentContains.join(', ') } : {}),
			...(c.minCount !== undefined && c.minCount > 1 ? { minCount: c.minCount } : {}),
			...(c.withinDays ? { withinDays: c.withinDays } : {}),
			...(c.label ? { label: c.label } : {}),
		};
		return {
			kind: 'activity',
			activityType: standard ? first : 'custom',
			...(standard ? {} : { customActivityType: c.activity.join(', ') }),
			...(Object.keys(options).length ? { activityOptions: options } : {}),
		};
	}
	if ('negativeRule' in c) return { kind: 'negativeRule', scoreRules: [...c.negativeRule] };
	return leafToRow(c);
}

function leafToRow(c: Condition): ConditionRow {
	if ('score' in c) {
		const comparison = c.atLeast !== undefined && c.below !== undefined ? 'between' : c.below !== undefined ? 'below' : 'atLeast';
		return { kind: 'score', measure: c.score, comparison, ...(c.atLeast !== undefined ? { min: c.atLeast } : {}), ...(c.below !== undefined ? { max: c.below } : {}) };
	}
	if ('grade' in c) return { kind: 'grade', grades: c.grade.join(', ') };
	if ('fitAtLeast' in c) return { kind: 'fitAtLeast', fitLetter: c.fitAtLeast };
	if ('engagementAtLeast' in c) return { kind: 'engagementAtLeast', engagementDigit: c.engagementAtLeast };
	if ('activity' in c) {
		const standard = c.activity.every((type) => STANDARD_ACTIVITY_TYPES.includes(type));
		const [first, ...also] = c.activity;
		return {
			kind: 'activity',
			activityType: standard ? first : 'custom',
			...(standard ? (also.length ? { activityOptions: { alsoActivityTypes: also } } : {}) : { customActivityType: c.activity.join(', ') }),
			contentContains: (c.contentContains ?? []).join(', '),
			minCount: c.minCount ?? 1,
			withinDays: c.withinDays ?? 0,
			label: c.label ?? '',
		};
	}
	if ('gainedPoints' in c) return { kind: 'gainedPoints', points: c.gainedPoints, days: c.withinDays };
	if ('field' in c) {
		const value = Array.isArray(c.value) ? c.value.join(', ') : c.value === undefined ? '' : String(c.value);
		return { kind: 'field', field: c.field, operator: c.operator, value, fieldLabel: c.label ?? '' };
	}
	if ('negativeRule' in c) return { kind: 'negativeRule', scoreRules: c.negativeRule.join(', ') };
	const floor = scoreFloorOfVelocity(c);
	if (floor) return floor;
	// A nested group has no row of its own: it stays JSON inside the table.
	return { kind: 'json', conditionJson: JSON.stringify(c) };
}

/** { all: [total score at least N, points gained] }: one Points Gained row with a score floor. */
function scoreFloorOfVelocity(c: Condition): ConditionRow | undefined {
	if (!('all' in c) || c.all.length !== 2) return undefined;
	const [score, gained] = c.all;
	if (!('score' in score) || score.score !== 'total' || score.atLeast === undefined || score.below !== undefined || Object.keys(score).length !== 2) return undefined;
	if (!('gainedPoints' in gained)) return undefined;
	return { kind: 'gainedPoints', points: gained.gainedPoints, days: gained.withinDays, velocityOptions: { scoreAtLeast: score.atLeast } };
}

function requireNumber(value: number | undefined, where: string): number {
	if (typeof value !== 'number' || !Number.isFinite(value)) throw ProtocolError.at(where, 'must be a number');
	return value;
}
