import type { INodeParameters, INodeProperties } from 'n8n-workflow';

import { DEFAULT_TIERS } from '../engine/routing';
import { conditionGroupValues } from '../shared/conditionRows';
import { leadInputOptions, leadKeyProperty } from '../shared/leadInput';
import { recordTestRunsOption } from '../shared/testRun';
import { keptInOtherMode } from '../shared/ruleViews';
import { DEFAULT_ROUTING_JSON, tiersToEditorRows } from './editorRules';

const editorOnly = { show: { rulesSource: ['editor'] } };
const WEEKDAYS = [
	{ name: 'Monday', value: 'mon' },
	{ name: 'Tuesday', value: 'tue' },
	{ name: 'Wednesday', value: 'wed' },
	{ name: 'Thursday', value: 'thu' },
	{ name: 'Friday', value: 'fri' },
	{ name: 'Saturday', value: 'sat' },
	{ name: 'Sunday', value: 'sun' },
];

export const DEFAULT_TIER_NAMES = DEFAULT_TIERS.map((t) => t.name);

/**
 * One output per tier, named after it, as Switch names its outputs. Runs in n8n's expression
 * sandbox (stringified into `outputs`), so it is self-contained.
 */
export const configuredOutputs = (parameters: INodeParameters, defaults: string[]) => {
	let names = defaults;
	if (parameters.rulesSource === 'json') {
		try {
			const text = String(parameters.rulesJson ?? '');
			const tiers = text.startsWith('=') ? undefined : (JSON.parse(text) as { tiers?: Array<{ name?: string }> }).tiers;
			if (Array.isArray(tiers) && tiers.length) names = tiers.map((t, i) => String(t.name ?? i));
		} catch (error) {
			// Invalid JSON: the default outputs; the node reports the error when it runs.
			void error;
		}
	} else {
		const rows = ((parameters.tiers as { tier?: Array<{ name?: string }> } | undefined)?.tier ?? []) as Array<{ name?: string }>;
		names = rows.map((t, i) => String(t.name || i));
	}
	return names.map((name) => ({ type: 'main', displayName: name }));
};


export const tierRouterProperties: INodeProperties[] = [
	leadKeyProperty,
	{
		displayName: 'Rules Source',
		name: 'rulesSource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Tables', value: 'editor', description: 'Define tiers, roster, teams and rules here, row by row; the JSON is kept but not used' },
			{ name: 'JSON', value: 'json', description: 'The same routing as JSON, e.g. kept in version control per client; the tables are kept but not used' },
		],
		default: 'editor',
	},
	...keptInOtherMode([
		{
			displayName: 'Tiers',
			name: 'tiers',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true, sortable: true },
			placeholder: 'Add Tier',
			description: 'In order: the first tier whose conditions hold takes the lead. Each tier is an output of this node. A tier without conditions takes every lead that reaches it.',
			displayOptions: editorOnly,
			default: { tier: tiersToEditorRows(DEFAULT_TIERS) as unknown as INodeParameters[] },
			options: [
				{
					name: 'tier',
					displayName: 'Tier',
					values: [
						{ displayName: 'Name', name: 'name', type: 'string', default: '', description: 'Names the output, e.g. Hot' },
						...conditionGroupValues('The lead is in this tier when all (or any) of these hold'),
						{
							displayName: 'SLA',
							name: 'sla',
							type: 'options',
							options: [
								{ name: 'Business Hours', value: 'business', description: 'Only working hours of the calendar count' },
								{ name: 'Clock Hours', value: 'calendar', description: 'Nights and weekends count too' },
								{ name: 'None', value: 'none', description: 'No due time (e.g. nurture)' },
							],
							default: 'business',
						},
						{ displayName: 'SLA Hours', name: 'slaHours', type: 'number', default: 1, typeOptions: { minValue: 0, numberPrecision: 2 }, displayOptions: { hide: { sla: ['none'] } } },
						{
							displayName: 'SLA Action',
							name: 'slaAction',
							type: 'options',
							options: [
								{ name: 'First Contact', value: 'contact' },
								{ name: 'Acknowledge', value: 'acknowledge' },
							],
							default: 'contact',
							displayOptions: { hide: { sla: ['none'] } },
						},
						{ displayName: 'Assign an Owner', name: 'assign', type: 'boolean', default: true, description: 'Whether leads of this tier get an owner' },
					],
				},
			],
		},
		{
			displayName: 'Roster',
			name: 'roster',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true, sortable: true },
			placeholder: 'Add Rep',
			displayOptions: editorOnly,
			default: {},
			options: [
				{
					name: 'rep',
					displayName: 'Rep',
					values: [
						{ displayName: 'Rep ID', name: 'id', type: 'string', default: '', description: 'The CRM owner ID (e.g. the HubSpot owner ID)' },
						{ displayName: 'Name', name: 'name', type: 'string', default: '' },
						{ displayName: 'Email', name: 'email', type: 'string', placeholder: 'name@email.com', default: '' },
						{ displayName: 'Slack ID', name: 'slackId', type: 'string', default: '', placeholder: 'e.g. U0123ABC' },
						{ displayName: 'Phone', name: 'phone', type: 'string', default: '' },
						{ displayName: 'Time Zone', name: 'timeZone', type: 'string', default: '', placeholder: 'e.g. Europe/Berlin', description: 'Empty: the calendar\'s zone' },
						{ displayName: 'Working Days', name: 'workingDays', type: 'multiOptions', options: WEEKDAYS, default: [], description: 'Empty: the calendar\'s days' },
						{ displayName: 'Working Hours', name: 'workingHours', type: 'string', default: '', placeholder: 'e.g. 09:00-17:00', description: 'In the rep\'s zone; empty: the calendar\'s hours' },
						{ displayName: 'Weight', name: 'weight', type: 'number', default: 1, typeOptions: { minValue: 1 }, description: 'Share in weighted round-robin and least open: 3 takes three leads for every one of a weight-1 rep' },
						{ displayName: 'Capacity per Day', name: 'capacityPerDay', type: 'number', default: 0, description: '0 for no limit' },
						{ displayName: 'Capacity per Week', name: 'capacityPerWeek', type: 'number', default: 0, description: '0 for no limit' },
						{ displayName: 'Out of Office', name: 'outOfOffice', type: 'string', default: '', placeholder: 'e.g. 2026-07-01/2026-07-14, 2026-08-03', description: 'Dates or from/to ranges (whole days, included), comma-separated' },
						{ displayName: 'Active', name: 'active', type: 'boolean', default: true, description: 'Whether the rep takes leads' },
					],
				},
			],
		},
		{
			displayName: 'Teams',
			name: 'teams',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true, sortable: true },
			placeholder: 'Add Team',
			displayOptions: editorOnly,
			default: {},
			options: [
				{
					name: 'team',
					displayName: 'Team',
					values: [
						{ displayName: 'Team ID', name: 'id', type: 'string', default: '' },
						{ displayName: 'Name', name: 'name', type: 'string', default: '' },
						{ displayName: 'Members', name: 'members', type: 'string', default: '', placeholder: 'e.g. 101, 102, 103', description: 'Rep IDs from the roster, comma-separated, in round-robin order' },
						{
							displayName: 'Strategy',
							name: 'strategy',
							type: 'options',
							options: [
								{ name: 'Least Open Hand-Offs', value: 'leastOpen', description: 'The rep with the fewest open hand-offs for their weight' },
								{ name: 'Round-Robin', value: 'roundRobin', description: 'Each rep in turn' },
								{ name: 'Weighted Round-Robin', value: 'weightedRoundRobin', description: 'In turn, by weight' },
							],
							default: 'roundRobin',
						},
						{
							displayName: 'Outside Working Hours',
							name: 'outsideHours',
							type: 'options',
							options: [
								{ name: 'Skip the Rep', value: 'skip' },
								{ name: 'Assign Anyway', value: 'allow' },
							],
							default: 'skip',
						},
						{ displayName: 'Fallback Owner', name: 'fallbackOwner', type: 'string', default: '', description: 'Rep ID when nobody in the team is available' },
						{ displayName: 'Fallback Queue', name: 'fallbackQueue', type: 'string', default: '', description: 'Queue when nobody in the team is available (if no fallback owner)' },
						{
							displayName: 'Manager',
							name: 'manager',
							type: 'string',
							default: '',
							placeholder: 'e.g. 104, or Mia Chen <mia@example.com>',
							description: 'Told when a hand-off of the team misses its SLA (SLA Breach Trigger): a rep ID of the roster (their email, Slack ID and phone are used), or a name and email',
						},
					],
				},
			],
		},
		{
			displayName: 'Assignment Rules',
			name: 'assignmentRules',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true, sortable: true },
			placeholder: 'Add Rule',
			description: 'In order: the first rule that matches picks the team. Inside a rule every filled-in part must match; inside a part, any value.',
			displayOptions: editorOnly,
			default: {},
			options: [
				{
					name: 'rule',
					displayName: 'Rule',
					values: [
						{ displayName: 'Name', name: 'name', type: 'string', default: '' },
						{ displayName: 'Team ID', name: 'team', type: 'string', default: '' },
						{ displayName: 'Countries', name: 'countries', type: 'string', default: '', placeholder: 'e.g. DE, AT, CH' },
						{ displayName: 'Regions', name: 'regions', type: 'string', default: '', placeholder: 'e.g. EMEA' },
						{ displayName: 'States', name: 'states', type: 'string', default: '', placeholder: 'e.g. CA, WA' },
						{ displayName: 'Postal Code Prefixes', name: 'postalCodePrefixes', type: 'string', default: '', placeholder: 'e.g. 80, 81' },
						{ displayName: 'Industries', name: 'industries', type: 'string', default: '' },
						{ displayName: 'Segments', name: 'segments', type: 'string', default: '', placeholder: 'e.g. Enterprise' },
						{ displayName: 'Min Employees', name: 'minEmployees', type: 'number', default: 0 },
						{ displayName: 'Max Employees', name: 'maxEmployees', type: 'number', default: 0, description: '0 for no upper limit' },
					],
				},
			],
		},
		{
			displayName: 'Named Accounts',
			name: 'namedAccounts',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add Account',
			description: 'A lead from one of these domains goes to its account owner, before any rule',
			displayOptions: editorOnly,
			default: {},
			options: [
				{
					name: 'account',
					displayName: 'Account',
					values: [
						{ displayName: 'Domain', name: 'domain', type: 'string', default: '', placeholder: 'e.g. acme.com' },
						{ displayName: 'Owner', name: 'owner', type: 'string', default: '', description: 'Rep ID' },
					],
				},
			],
		},
		{
			displayName: 'Escalation Ladder',
			name: 'escalationLadder',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true, sortable: true },
			placeholder: 'Add Stage',
			description:
				'When the SLA Breach Trigger escalates a hand-off nobody has contacted yet. No rows: a reminder to the owner at 50 % of the SLA, the manager at 100 %, reassignment at 200 %, and a last alert 100 % into the new owner\'s SLA. A row changes one stage, for every tier or for one.',
			displayOptions: editorOnly,
			default: {},
			options: [
				{
					name: 'stage',
					displayName: 'Stage',
					values: [
						{ displayName: 'Tier', name: 'tier', type: 'string', default: '', placeholder: 'e.g. Hot', description: 'Empty: every tier' },
						{
							displayName: 'Stage',
							name: 'stage',
							type: 'options',
							options: [
								{ name: 'Reminder to Owner', value: 'reminder' },
								{ name: 'Manager Alert', value: 'manager' },
								{ name: 'Reassignment', value: 'reassign', description: 'To the next rep of the team, passing over the owner' },
								{ name: 'Last Alert', value: 'lastAlert', description: 'When a reassigned lead lapses too; counted from the reassignment' },
							],
							default: 'reminder',
						},
						{ displayName: 'At', name: 'at', type: 'number', default: 50, typeOptions: { minValue: 0 }, displayOptions: { hide: { unit: ['off'] } } },
						{
							displayName: 'Unit',
							name: 'unit',
							type: 'options',
							options: [
								{ name: '% of SLA', value: 'percent' },
								{ name: 'Minutes', value: 'minutes', description: 'On the SLA\'s clock: business minutes for a business-hours SLA' },
								{ name: 'Off', value: 'off', description: 'The stage never fires' },
							],
							default: 'percent',
						},
					],
				},
			],
		},
		{
			displayName: 'Routing Settings',
			name: 'settings',
			type: 'collection',
			placeholder: 'Add Setting',
			displayOptions: editorOnly,
			default: {},
			options: [
				{ displayName: 'Calendar Time Zone', name: 'calendarZone', type: 'string', default: '', placeholder: 'e.g. Europe/Berlin', description: 'Zone of the business calendar: working hours, holidays and SLA due times (shown with their zone, e.g. "Mon 16 Mar 2026 10:00 (CET)"). Empty: the workflow\'s time zone (Workflow Settings), else the n8n instance\'s (GENERIC_TIMEZONE).' },
				{ displayName: 'Company Size Field', name: 'companySizeField', type: 'string', default: 'companySize' },
				{ displayName: 'Country Field', name: 'countryField', type: 'string', default: 'country' },
				{ displayName: 'Default Team', name: 'defaultTeam', type: 'string', default: '', description: 'Team ID for leads no rule matches; empty: the first team' },
				{ displayName: 'Domain Field', name: 'domainField', type: 'string', default: 'website', description: 'The company\'s website or domain; the email\'s domain is used when it is empty' },
				{ displayName: 'Fallback Owner', name: 'fallbackOwner', type: 'string', default: '', description: 'Rep ID when no team member is available' },
				{ displayName: 'Fallback Queue', name: 'fallbackQueue', type: 'string', default: 'Unassigned', description: 'Queue when no team member is available and there is no fallback owner' },
				{ displayName: 'Holidays', name: 'holidays', type: 'string', default: '', placeholder: 'e.g. 2026-12-24, 12-25, 01-01', description: 'Closed dates: YYYY-MM-DD, or MM-DD for every year' },
				{ displayName: 'Industry Field', name: 'industryField', type: 'string', default: 'industry' },
				{
					displayName: 'Keep Existing Owner',
					name: 'keepExistingOwner',
					type: 'options',
					options: [
						{ name: 'Never', value: 'never' },
						{ name: 'If Active', value: 'ifActive', description: 'Keep the lead\'s current owner when they are an active rep of the roster' },
						{ name: 'If Available Now', value: 'ifAvailable', description: 'Also within hours, not out of office, not at capacity' },
					],
					default: 'never',
				},
				{
					displayName: 'Keep SLA in One Working Period',
					name: 'keepSlaInOnePeriod',
					type: 'boolean',
					default: false,
					description:
						'Whether a business-hours SLA that no longer fits in the rest of the working period starts at the next opening instead, so the rep gets the whole SLA in one go (9-18 calendar, Friday 17:30 + 1 business hour: Monday 10:00 instead of 09:30). Off: every working minute counts.',
				},
				{ displayName: 'Owner Field', name: 'ownerField', type: 'string', default: 'ownerId', description: 'Where the lead holds its current owner' },
				{ displayName: 'Postal Code Field', name: 'postalCodeField', type: 'string', default: 'postalCode' },
				{ displayName: 'Region Field', name: 'regionField', type: 'string', default: 'region' },
				{ displayName: 'Segment Field', name: 'segmentField', type: 'string', default: 'segment' },
				{ displayName: 'State Field', name: 'stateField', type: 'string', default: 'state' },
				{ displayName: 'Working Days', name: 'workingDays', type: 'multiOptions', options: WEEKDAYS, default: ['mon', 'tue', 'wed', 'thu', 'fri'] },
				{ displayName: 'Working Hours', name: 'workingHours', type: 'string', default: '09:00-17:00', description: 'Hours of the business calendar, e.g. "09:00-12:00, 13:00-18:00"' },
			],
		},
	], 'rulesSource', ['json']),
	...keptInOtherMode([
		{
			displayName: 'Routing (JSON)',
			name: 'rulesJson',
			type: 'json',
			displayOptions: { show: { rulesSource: ['json'] } },
			default: DEFAULT_ROUTING_JSON,
			description: 'Tiers, calendar, roster, teams and rules as JSON; the schema ships in the package as routing.schema.json',
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
			{ displayName: 'Output Field', name: 'outputField', type: 'string', default: 'routing', description: 'Field of the output item that receives the tier, owner and due time' },
			recordTestRunsOption("the owner assignment, the team's round-robin turn, the rep's load and the SLA timer"),
			{
				displayName: 'Start SLA Timer',
				name: 'startSlaTimer',
				type: 'boolean',
				default: true,
				description:
					'Whether a lead that gets an owner in a tier with an SLA starts its SLA timer, in the same transaction as the assignment: the SLA Breach Trigger escalates it by the Escalation Ladder, and SLA Timer\'s Mark Contacted stops it. A redelivered event starts nothing.',
			},
			{
				displayName: 'Resend Until Delivery Confirmed',
				name: 'resendUntilDelivered',
				type: 'boolean',
				default: false,
				description:
					"Whether a redelivered event whose hand-off was assigned but whose messages were never confirmed sent (Lead Handoff Data's Confirm Delivery, placed after your CRM, Slack and email steps) goes to its tier output again, with the same owner and due time and routing.redelivery set, so the messages go again when the run that assigned it died. No new owner, round-robin turn, load or SLA timer. Off: a redelivered event goes to Not Routed. Turn it on only with Confirm Delivery in the workflow, or every redelivery sends again.",
			},
			{
				displayName: 'Resend After (Seconds)',
				name: 'resendAfterSeconds',
				type: 'number',
				default: 300,
				typeOptions: { minValue: 0 },
				description:
					'With Resend Until Delivery Confirmed: how long a run may take from the assignment to Confirm Delivery. A redelivery within that time, while the first run may still be sending, goes to Not Routed with routing.deliveryInProgress and routing.retryAfterSeconds (answer it with a retry, e.g. 503); after it, the messages are sent again, by one redelivery only. Counted on the store\'s database clock.',
			},
		],
	},
];
