import type { INodeParameters, INodeProperties } from 'n8n-workflow';

import { DEFAULT_COOLDOWN_DAYS } from '../engine/gate';
import { compactConditionsValue, conditionGroupValues, matchProperty } from '../shared/conditionRows';
import { leadInputOptions, leadKeyProperty } from '../shared/leadInput';
import { recordTestRunsOption } from '../shared/testRun';
import { keptInOtherMode } from '../shared/ruleViews';
import { atVersions, versionsBefore, versionsFrom } from '../shared/versions';
import { COMPACT_ROWS_VERSION, defaultRulesJsonOf, defaultTableOf } from './editorRules';

type Group = 'disqualifiers' | 'intents' | 'triggers';

const editorOnly = { show: { rulesSource: ['editor'] } };

const GROUPS: Array<[Group, string, string]> = [
	['disqualifiers', 'Disqualifiers', 'Any one sends the lead to Disqualified: competitors, students, unsubscribed contacts'],
	['intents', 'Intent Triggers', 'Any one hands the lead off at once, whatever the score: demo requests, contact-sales forms'],
	['triggers', 'Hand-Off Triggers', 'Any one hands the lead off, e.g. score at least 60 AND a pricing page visit'],
];

const YIELDS_TO_INTENT: INodeProperties = {
	displayName: 'Yields to Intent',
	name: 'yieldsToIntent',
	type: 'boolean',
	default: false,
	description: 'Whether an intent trigger (e.g. a demo request) overrides this disqualifier',
};

function ruleList(group: Group, displayName: string, description: string, version: number, values: INodeProperties[]): INodeProperties {
	const rows = defaultTableOf(version)[group] as unknown as INodeParameters[];
	return {
		displayName,
		name: group,
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Rule',
		description,
		displayOptions: editorOnly,
		default: { rules: rows },
		options: [{ name: 'rules', displayName: 'Rule', values }],
	};
}

/** Versions 1-2: every value of a rule is a field of its row. */
function flatRuleValues(group: Group): INodeProperties[] {
	return [
		{ displayName: 'Name', name: 'name', type: 'string', default: '', description: 'What sales read, e.g. "Demo request"' },
		{ displayName: 'Rule ID', name: 'id', type: 'string', default: '', description: 'Stable id for reports; derived from the name when empty' },
		...conditionGroupValues('The rule fires when all (or any) of these hold'),
		...(group === 'disqualifiers' ? [YIELDS_TO_INTENT] : []),
	];
}

/** The Score Rule Applied test of version 3: the scoring rules by label, from a list. */
const SCORE_RULES: INodeProperties = {
	displayName: 'Score Rules',
	name: 'scoreRules',
	type: 'multiOptions',
	typeOptions: { loadOptionsMethod: 'scoringRules' },
	default: [],
	description:
		'Negative scoring rules of Lead Score, by label; the lead meets the test when one of them took points. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a> (ids or labels of your own rules, as a list).',
};

/** Version 3: a row shows its name and conditions; what is optional shows once added. */
function compactRuleValues(group: Group): INodeProperties[] {
	return [
		{ displayName: 'Name', name: 'name', type: 'string', default: '', description: 'What sales read, e.g. "Demo request"' },
		compactConditionsValue('The rule fires when all of these hold (or any of them, with Match in the Rule Options)', SCORE_RULES),
		{
			displayName: 'Rule Options',
			name: 'ruleOptions',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [
				{ ...matchProperty, description: 'Whether the rule needs all its conditions (the default) or any one of them' },
				{
					displayName: 'Rule ID',
					name: 'id',
					type: 'string',
					default: '',
					description: 'Stable id of the rule in the fired list of the decision and in reports; without it, derived from the name (e.g. "demo-request")',
				},
				...(group === 'disqualifiers' ? [YIELDS_TO_INTENT] : []),
			],
		},
	];
}

const rulesJsonProperty = (version: number): INodeProperties => ({
	displayName: 'Rules (JSON)',
	name: 'rulesJson',
	type: 'json',
	displayOptions: { show: { rulesSource: ['json'] } },
	default: defaultRulesJsonOf(version),
	description: 'The gate rules as JSON; the schema ships in the package as gate.schema.json',
	typeOptions: { rows: 20 },
});

const FLAT = versionsBefore(COMPACT_ROWS_VERSION);
const COMPACT = versionsFrom(COMPACT_ROWS_VERSION);

export const handoffGateProperties: INodeProperties[] = [
	leadKeyProperty,
	{
		displayName: 'Rules Source',
		name: 'rulesSource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Rule Table', value: 'editor', description: 'Define the rules here, row by row; the JSON is kept but not used' },
			{ name: 'JSON', value: 'json', description: 'The same rules as JSON, e.g. kept in version control per client; the table is kept but not used' },
		],
		default: 'editor',
	},
	// The rule tables, as each version shows them; each keeps its rows while JSON is chosen.
	...atVersions(keptInOtherMode(GROUPS.map(([group, name, description]) => ruleList(group, name, description, 1, flatRuleValues(group))), 'rulesSource', ['json']), FLAT),
	...atVersions(keptInOtherMode(GROUPS.map(([group, name, description]) => ruleList(group, name, description, COMPACT_ROWS_VERSION, compactRuleValues(group))), 'rulesSource', ['json']), COMPACT),
	...keptInOtherMode([
		{
			displayName: 'Cool-Down (Days)',
			name: 'cooldownDays',
			type: 'number',
			default: DEFAULT_COOLDOWN_DAYS,
			description: 'A lead handed off is not handed off again for this many days, unless sales recycles it to nurture. Meanwhile its events leave on Already Handed Off (version 1: on Not Yet).',
			displayOptions: editorOnly,
		},
	], 'rulesSource', ['json']),
	...atVersions(keptInOtherMode([rulesJsonProperty(1)], 'rulesSource', ['editor']), FLAT),
	...atVersions(keptInOtherMode([rulesJsonProperty(COMPACT_ROWS_VERSION)], 'rulesSource', ['editor']), COMPACT),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			...leadInputOptions,
			{ displayName: 'Output Field', name: 'outputField', type: 'string', default: 'handoff', description: 'Field of the output item that receives the decision and its reasons' },
			recordTestRunsOption('the hand-off (so the lead is not handed off again) and any recycle'),
			{
				displayName: 'Recycled At Field',
				name: 'recycledAtField',
				type: 'string',
				default: '',
				placeholder: 'e.g. properties.recycled_at',
				description: 'Path of a field holding when sales recycled the lead to nurture; the lead may then qualify again on new evidence',
			},
		],
	},
];
