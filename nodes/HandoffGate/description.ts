import type { INodeParameters, INodeProperties } from 'n8n-workflow';

import { DEFAULT_COOLDOWN_DAYS } from '../engine/gate';
import { conditionGroupValues } from '../shared/conditionRows';
import { leadInputOptions, leadKeyProperty } from '../shared/leadInput';
import { recordTestRunsOption } from '../shared/testRun';
import { keptInOtherMode } from '../shared/ruleViews';
import { DEFAULT_RULES_JSON, DEFAULT_TABLE } from './editorRules';

const defaultRows = DEFAULT_TABLE as unknown as Record<'disqualifiers' | 'intents' | 'triggers', INodeParameters[]>;

const editorOnly = { show: { rulesSource: ['editor'] } };

function ruleValues(extra: INodeProperties[] = []): INodeProperties[] {
	return [
		{ displayName: 'Name', name: 'name', type: 'string', default: '', description: 'What sales read, e.g. "Demo request"' },
		{ displayName: 'Rule ID', name: 'id', type: 'string', default: '', description: 'Stable id for reports; derived from the name when empty' },
		...conditionGroupValues('The rule fires when all (or any) of these hold'),
		...extra,
	];
}

function ruleList(name: string, displayName: string, description: string, extra: INodeProperties[] = []): INodeProperties {
	return {
		displayName,
		name,
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Rule',
		description,
		displayOptions: editorOnly,
		default: { rules: defaultRows[name as keyof typeof defaultRows] },
		options: [{ name: 'rules', displayName: 'Rule', values: ruleValues(extra) }],
	};
}

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
	...keptInOtherMode([
		ruleList('disqualifiers', 'Disqualifiers', 'Any one sends the lead to Disqualified: competitors, students, unsubscribed contacts', [
			{
				displayName: 'Yields to Intent',
				name: 'yieldsToIntent',
				type: 'boolean',
				default: false,
				description: 'Whether an intent trigger (e.g. a demo request) overrides this disqualifier',
			},
		]),
		ruleList('intents', 'Intent Triggers', 'Any one hands the lead off at once, whatever the score: demo requests, contact-sales forms'),
		ruleList('triggers', 'Hand-Off Triggers', 'Any one hands the lead off, e.g. score at least 60 AND a pricing page visit'),
		{
			displayName: 'Cool-Down (Days)',
			name: 'cooldownDays',
			type: 'number',
			default: DEFAULT_COOLDOWN_DAYS,
			description: 'A lead handed off is not handed off again for this many days, unless sales recycles it to nurture. Meanwhile its events leave on Already Handed Off (version 1: on Not Yet).',
			displayOptions: editorOnly,
		},
	], 'rulesSource', ['json']),
	...keptInOtherMode([
		{
			displayName: 'Rules (JSON)',
			name: 'rulesJson',
			type: 'json',
			displayOptions: { show: { rulesSource: ['json'] } },
			default: DEFAULT_RULES_JSON,
			description: 'The gate rules as JSON; the schema ships in the package as gate.schema.json',
			typeOptions: { rows: 20 },
		},
	], 'rulesSource', ['editor']),
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
