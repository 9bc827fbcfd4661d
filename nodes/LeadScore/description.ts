import type { INodeParameters, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { DEFAULT_PROTOCOL, SENIORITY_LABELS, SENIORITY_LEVELS } from '../engine/scoring';
import { ACTIVITY_TYPE_OPTIONS } from '../shared/activityTypes';
import { storeScopeOption } from '../shared/leadInput';
import { recordTestRunsOption } from '../shared/testRun';
import { keptInOtherMode } from '../shared/ruleViews';
import { atVersions, versionsBefore, versionsFrom } from '../shared/versions';
import { COMPACT_ROWS_VERSION, DEFAULT_RULES_JSON, DEFAULT_TABLE, defaultTableOf } from './editorRules';

const defaultRows = DEFAULT_TABLE as unknown as Record<'fit' | 'engagement' | 'negative', INodeParameters[]>;
const defaultFields = DEFAULT_PROTOCOL.fields;

const OPERATORS: INodePropertyOptions[] = [
	{ name: 'Between', value: 'between', description: 'A number from Min to Max, inclusive (e.g. company size 50-500)' },
	{ name: 'Contains Word', value: 'contains', description: 'Contains one of the words or phrases (comma-separated)' },
	{ name: 'Email Domain Is Free Mail', value: 'freeEmailDomain', description: 'Gmail, Yahoo, Outlook and thousands more, from a maintained list' },
	{ name: 'Email Domain Is One Of', value: 'emailDomainIn', description: 'The email address is at one of these domains (comma-separated)' },
	{ name: 'Equals', value: 'equals', description: 'Equal to the value, ignoring case' },
	{ name: 'Exists', value: 'exists', description: 'The field has a value' },
	{ name: 'Greater Than', value: 'greaterThan' },
	{ name: 'Is One Of', value: 'oneOf', description: 'Equal to one of the values (comma-separated), ignoring case' },
	{
		name: 'Is Student or Job Seeker Title',
		value: 'isStudentOrJobSeeker',
		description: 'The title is a student\'s, intern\'s, trainee\'s or job seeker\'s: "Marketing Intern" and "Open to work" count, "Director of Student Success" does not',
	},
	{ name: 'Is True', value: 'isTrue', description: 'True, yes or 1' },
	{ name: 'Less Than', value: 'lessThan' },
	{ name: 'Matches Regex', value: 'matches', description: 'Matches the regular expression, ignoring case' },
	{ name: 'Does Not Exist', value: 'notExists', description: 'The field is empty or missing' },
	{ name: 'Not Equals', value: 'notEquals', description: 'Has a value, and it is not this one' },
	{ name: 'Title Seniority At Least', value: 'seniorityAtLeast', description: 'The job title is at this level or above: "Head of Growth" and "Sr. Dir. Marketing" count as Director' },
];

const VALUE_LESS = ['exists', 'notExists', 'isTrue', 'freeEmailDomain', 'between', 'seniorityAtLeast', 'isStudentOrJobSeeker'];

function attributeRuleValues(pointsHint: string): INodeProperties[] {
	return [
		{ displayName: 'Label', name: 'label', type: 'string', default: '', description: 'Name of the rule as sales and marketing know it' },
		{ displayName: 'Field', name: 'field', type: 'string', default: '', placeholder: 'e.g. jobTitle or properties.industry', description: "Path of the lead's field" },
		{ displayName: 'Operator', name: 'operator', type: 'options', options: OPERATORS, default: 'equals' },
		{
			displayName: 'Value',
			name: 'value',
			type: 'string',
			default: '',
			displayOptions: { hide: { operator: VALUE_LESS } },
			description: 'For lists, separate values with commas',
		},
		{
			displayName: 'Seniority',
			name: 'seniority',
			type: 'options',
			options: SENIORITY_LEVELS.map((level) => ({ name: SENIORITY_LABELS[level], value: level })),
			default: 'director',
			displayOptions: { show: { operator: ['seniorityAtLeast'] } },
		},
		{ displayName: 'Min', name: 'min', type: 'number', default: 0, displayOptions: { show: { operator: ['between'] } } },
		{ displayName: 'Max', name: 'max', type: 'number', default: 0, displayOptions: { show: { operator: ['between'] } } },
		{ displayName: 'Points', name: 'points', type: 'number', default: 0, description: pointsHint },
		{ displayName: 'Why', name: 'why', type: 'string', default: '', description: 'The rationale, shown to sales in the score breakdown' },
	];
}

const activityTypeValues: INodeProperties[] = [
	{ displayName: 'Label', name: 'label', type: 'string', default: '' },
	{ displayName: 'Activity Type', name: 'activityType', type: 'options', options: ACTIVITY_TYPE_OPTIONS, default: 'page_view' },
	{
		displayName: 'Custom Activity Type',
		name: 'customActivityType',
		type: 'string',
		default: '',
		placeholder: 'e.g. trial_signup',
		displayOptions: { show: { activityType: ['custom'] } },
	},
];

/** Version 1: content, cap and cap window are fields of every row. */
const flatEngagementRuleValues: INodeProperties[] = [
	...activityTypeValues,
	{
		displayName: 'URL or Asset Contains',
		name: 'contentContains',
		type: 'string',
		default: '',
		placeholder: 'e.g. /pricing',
		description: "Only count activities whose URL, asset or title contains one of these (comma-separated). Empty counts every activity of the type.",
	},
	{ displayName: 'Points per Activity', name: 'points', type: 'number', default: 0 },
	{ displayName: 'Cap (Points)', name: 'capPoints', type: 'number', default: 0, description: 'At most this many points from this rule per window; 0 for no cap' },
	{ displayName: 'Cap Window (Days)', name: 'capWindowDays', type: 'number', default: 0, description: 'Length of the cap window; 0 caps over all time' },
	{ displayName: 'Why', name: 'why', type: 'string', default: '' },
];

/** Version 2: a row shows what every rule has; content and cap show once added. */
const compactEngagementRuleValues: INodeProperties[] = [
	...activityTypeValues,
	{ displayName: 'Points per Activity', name: 'points', type: 'number', default: 0 },
	{ displayName: 'Why', name: 'why', type: 'string', default: '', description: 'The rationale, shown to sales in the score breakdown' },
	{
		displayName: 'Rule Options',
		name: 'ruleOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Cap (Points)',
				name: 'capPoints',
				type: 'number',
				default: 10,
				typeOptions: { minValue: 1 },
				description: 'At most this many points from this rule (per Cap Window, or over all time); without it, no cap',
			},
			{
				displayName: 'Cap Window (Days)',
				name: 'capWindowDays',
				type: 'number',
				default: 30,
				typeOptions: { minValue: 1 },
				description: 'The cap counts the points of this many days; without it, over all time',
			},
			{
				displayName: 'URL or Asset Contains',
				name: 'contentContains',
				type: 'string',
				default: '',
				placeholder: 'e.g. /pricing',
				description: 'Only count activities whose URL, asset or title contains one of these (comma-separated); without it, every activity of the type counts',
			},
		],
	},
];

const engagementRules = (version: number, values: INodeProperties[]): INodeProperties => ({
	displayName: 'Engagement Rules',
	name: 'engagementRules',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true, sortable: true },
	placeholder: 'Add Engagement Rule',
	description: "Points for each of the lead's activities that match, fading with age",
	displayOptions: editorOnly,
	default: { rules: defaultTableOf(version).engagement as unknown as INodeParameters[] },
	options: [{ name: 'rules', displayName: 'Rule', values }],
});

const editorOnly = { show: { rulesSource: ['editor'] } };

const recordMode = { show: { mode: ['recordAndRescore'] } };

export const leadScoreProperties: INodeProperties[] = [
	{
		displayName: 'Mode',
		name: 'mode',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Score Each Item',
				value: 'score',
				description: 'Score the lead from the activities on the item; nothing is stored',
				action: 'Score each item',
			},
			{
				name: 'Record Activities and Rescore',
				value: 'recordAndRescore',
				description: "Add the item's activities to the lead's history in the store, then score the whole history",
				action: 'Record activities and rescore',
			},
		],
		default: 'score',
	},
	{
		displayName: 'Lead Key',
		name: 'leadKey',
		type: 'string',
		default: '={{ $json.email }}',
		required: true,
		displayOptions: recordMode,
		description: 'Identifies the lead in the store: its email address (compared without case) or CRM record ID',
	},
	{
		displayName: 'Activities in Output',
		name: 'outputActivities',
		type: 'options',
		displayOptions: recordMode,
		options: [
			{ name: 'Whole History', value: 'ledger', description: "The lead's recorded activities, oldest first, so later nodes see the history" },
			{ name: 'As Received', value: 'received', description: 'Only the activities this item brought' },
		],
		default: 'ledger',
	},
	{
		displayName: 'Rules Source',
		name: 'rulesSource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Point Table', value: 'editor', description: 'Define the rules here, row by row; the JSON is kept but not used' },
			{ name: 'JSON', value: 'json', description: 'The same rules as JSON, e.g. kept in version control per client; the table is kept but not used' },
		],
		default: 'editor',
	},
	...keptInOtherMode([
		{
			displayName: 'Fit Rules',
			name: 'fitRules',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true, sortable: true },
			placeholder: 'Add Fit Rule',
			description: 'Demographic and firmographic fit: title, industry, company size, country',
			displayOptions: editorOnly,
			default: { rules: defaultRows.fit },
			options: [{ name: 'rules', displayName: 'Rule', values: attributeRuleValues('Points when the rule matches') }],
		},
	], 'rulesSource', ['json']),
	// Engagement rules as each version shows them; each keeps its rows while JSON is chosen.
	...atVersions(keptInOtherMode([engagementRules(1, flatEngagementRuleValues)], 'rulesSource', ['json']), versionsBefore(COMPACT_ROWS_VERSION)),
	...atVersions(keptInOtherMode([engagementRules(COMPACT_ROWS_VERSION, compactEngagementRuleValues)], 'rulesSource', ['json']), versionsFrom(COMPACT_ROWS_VERSION)),
	...keptInOtherMode([
		{
			displayName: 'Negative Rules',
			name: 'negativeRules',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true, sortable: true },
			placeholder: 'Add Negative Rule',
			description: 'Deductions that keep students, competitors and unreachable leads away from sales',
			displayOptions: editorOnly,
			default: { rules: defaultRows.negative },
			options: [{ name: 'rules', displayName: 'Rule', values: attributeRuleValues('Points to deduct, below zero (e.g. -20)') }],
		},
		{
			displayName: 'Scoring Settings',
			name: 'settings',
			type: 'collection',
			placeholder: 'Add Setting',
			displayOptions: editorOnly,
			default: {},
			options: [
				{ displayName: 'Activities Field', name: 'activitiesField', type: 'string', default: defaultFields.activities, description: "Path of the lead's activities array" },
				{ displayName: 'Activity Asset Field', name: 'activityAssetField', type: 'string', default: defaultFields.activityAsset },
				{ displayName: 'Activity Campaign Field', name: 'activityCampaignField', type: 'string', default: defaultFields.activityCampaign },
				{ displayName: 'Activity ID Field', name: 'activityIdField', type: 'string', default: defaultFields.activityId },
				{ displayName: 'Activity Time Field', name: 'activityTimeField', type: 'string', default: defaultFields.activityTime, description: 'ISO date-time or epoch seconds/milliseconds; times without an offset are read in the workflow time zone' },
				{ displayName: 'Activity Title Field', name: 'activityTitleField', type: 'string', default: defaultFields.activityTitle },
				{ displayName: 'Activity Type Field', name: 'activityTypeField', type: 'string', default: defaultFields.activityType },
				{ displayName: 'Activity URL Field', name: 'activityUrlField', type: 'string', default: defaultFields.activityUrl },
				{
					displayName: 'Decay',
					name: 'decay',
					type: 'options',
					options: [
						{ name: 'Half-Life', value: 'halfLife', description: 'Points halve every N days' },
						{ name: 'Linear', value: 'linear', description: 'Points lose a percentage per period, down to zero' },
						{ name: 'None', value: 'none', description: 'Old activities count in full' },
					],
					default: 'halfLife',
				},
				{ displayName: 'Engagement Cap', name: 'engagementCap', type: 'number', default: 0, description: 'Most engagement points a lead can have; 0 for no cap' },
				{ displayName: 'Engagement Grade Thresholds', name: 'engagementGrade', type: 'string', default: DEFAULT_PROTOCOL.grade.engagement.join(', '), description: 'Minimum engagement points for grades 1, 2 and 3' },
				{ displayName: 'Fit Cap', name: 'fitCap', type: 'number', default: 0, description: 'Most fit points a lead can have; 0 for no cap' },
				{ displayName: 'Fit Grade Thresholds', name: 'fitGrade', type: 'string', default: DEFAULT_PROTOCOL.grade.fit.join(', '), description: 'Minimum fit points (after negative points) for grades A, B and C' },
				{ displayName: 'Half-Life (Days)', name: 'halfLifeDays', type: 'number', default: 30, description: 'With half-life decay' },
				{ displayName: 'Linear Decay Percent', name: 'linearPercent', type: 'number', default: 10, description: 'With linear decay: percent of the points lost per period' },
				{ displayName: 'Linear Decay Period (Days)', name: 'linearPeriodDays', type: 'number', default: 30 },
				{ displayName: 'Maximum Total', name: 'totalCap', type: 'number', default: DEFAULT_PROTOCOL.caps.total ?? 100, description: 'Highest total score; 0 for no cap' },
				{ displayName: 'Minimum Total', name: 'totalMin', type: 'number', default: 0, description: 'Lowest total score' },
				{ displayName: 'Thresholds', name: 'thresholds', type: 'string', default: DEFAULT_PROTOCOL.thresholds.map((t) => `${t.name}=${t.score}`).join(', '), description: 'Named score thresholds, e.g. MQL=50, SQL=70' },
				{ displayName: 'Velocity Window (Days)', name: 'velocityWindowDays', type: 'number', default: DEFAULT_PROTOCOL.velocity.windowDays, description: 'Velocity is the engagement points earned in this many days' },
			],
		},
	], 'rulesSource', ['json']),
	...keptInOtherMode([
		{
			displayName: 'Rules (JSON)',
			name: 'rulesJson',
			type: 'json',
			displayOptions: { show: { rulesSource: ['json'] } },
			default: DEFAULT_RULES_JSON,
			description: 'The scoring rules as JSON; the schema ships in the package as scoring.schema.json',
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
			{
				displayName: 'Challenger Experiment',
				name: 'experiment',
				type: 'fixedCollection',
				default: {},
				placeholder: 'Add Challenger Table',
				description:
					'A challenger point table scores a share of the leads beside this one. Each lead is in one arm, chosen from the experiment name and the lead key (the same lead is always in the same arm, on every worker); the arm\'s score goes on, with the arm and both model IDs.',
				options: [
					{
						name: 'settings',
						displayName: 'Experiment',
						values: [
							{ displayName: 'Experiment Name', name: 'name', type: 'string', default: '', placeholder: 'e.g. webinar-weight-q1', description: 'Names the experiment in the store and the Lead Quality Report; a new name deals the leads anew' },
							{
								displayName: 'Challenger Share (%)',
								name: 'sharePercent',
								type: 'number',
								default: 10,
								typeOptions: { minValue: 0.1, maxValue: 99.9, numberPrecision: 1 },
								description: 'Percent of the leads scored (and gated) by the challenger table',
							},
							{
								displayName: 'Challenger Rules (JSON)',
								name: 'challengerRules',
								type: 'json',
								default: '{}',
								typeOptions: { rows: 12 },
								description: "The challenger's rules in the same JSON schema as Rules (JSON), e.g. a table the Scoring Lab learned; it reads the lead's fields as this node does",
							},
							{
								displayName: 'Lead Key',
								name: 'leadKey',
								type: 'string',
								default: '={{ $json.email }}',
								displayOptions: { show: { '/mode': ['score'] } },
								description: "Identifies the lead for its arm: its email address (compared without case) or CRM record ID. Record mode uses the node's Lead Key.",
							},
						],
					},
				],
			},
			{
				displayName: 'Include Breakdown',
				name: 'includeBreakdown',
				type: 'boolean',
				default: true,
				description: 'Whether to list every rule that gave or took points, with the activity and why',
			},
			{ displayName: 'Output Field', name: 'outputField', type: 'string', default: 'score', description: 'Field of the output item that receives the score' },
			{
				displayName: 'Score As Of',
				name: 'asOf',
				type: 'dateTime',
				default: '',
				description: 'The time decay and windows are measured from; empty means now. Set it to score history as it stood on a date.',
			},
			{ ...recordTestRunsOption("the lead's activities and score snapshots"), displayOptions: { show: { '/mode': ['recordAndRescore'] } } },
			{ ...storeScopeOption, displayOptions: { show: { '/mode': ['recordAndRescore'] } } },
		],
	},
];
