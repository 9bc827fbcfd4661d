/**
 * The SLA Breach Trigger's parameters: the store it polls (credential and scope), the channel the
 * last alert names, the managers per team, whether the reassignment stage reassigns, and how many
 * timers one poll claims.
 */
import type { INodeProperties } from 'n8n-workflow';

import { storeScopeOption } from '../shared/leadInput';

/** The outputs, one per ladder stage, in the ladder's order. */
export const STAGE_OUTPUTS = [
	{ stage: 'reminder', displayName: 'Reminder' },
	{ stage: 'manager', displayName: 'Manager Alert' },
	{ stage: 'reassign', displayName: 'Reassignment' },
	{ stage: 'lastAlert', displayName: 'Last Alert' },
] as const;

/** Timers one poll claims unless the Claim Limit option says otherwise; the store allows up to 10,000. */
export const DEFAULT_CLAIM_LIMIT = 1000;
export const MAX_CLAIM_LIMIT = 10_000;

export const slaBreachTriggerProperties: INodeProperties[] = [
	{
		displayName:
			'Fires once per stage of each SLA timer (Tier Router or SLA Timer starts them): a reminder to the owner, the manager told, the lead reassigned, a last alert when a reassigned lead lapses too. Each stage is claimed in the store, so it fires once even with several n8n processes, and a stage due while n8n was down fires on the next poll, saying how late.',
		name: 'ladderNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Last Alert Channel',
		name: 'channel',
		type: 'string',
		default: '',
		placeholder: 'e.g. #sales-leads',
		description: 'The team channel the Last Alert goes to, named in its message ("Sent to #sales-leads") and passed on as `channel` for the Slack node after the trigger',
	},
	{
		displayName: 'Reassign at the Reassignment Stage',
		name: 'reassign',
		type: 'boolean',
		default: true,
		description:
			"Whether the Reassignment stage gives the lead to the next rep through the same routing that assigned it (its team's round-robin, weights or loads), passing over the rep who let it lapse. The item says who got it (`reassignedTo`). Off, the stage only tells you, and your workflow reassigns.",
	},
	{
		displayName: 'Managers',
		name: 'managers',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Manager',
		default: {},
		description: "Who the Manager Alert goes to, per team (the team ID as Tier Router's teams name it), when the routing names no manager for the team. A row with team * applies to every other team.",
		options: [
			{
				displayName: 'Manager',
				name: 'manager',
				values: [
					{
						displayName: 'Team',
						name: 'team',
						type: 'string',
						default: '*',
						placeholder: 'e.g. emea',
						description: 'The team ID as the routing names it, or * for every team without a row of its own',
					},
					{ displayName: 'Name', name: 'name', type: 'string', default: '', placeholder: 'e.g. Mia Chen' },
					{ displayName: 'Email', name: 'email', type: 'string', placeholder: 'name@email.com', default: '' },
					{ displayName: 'Slack User ID', name: 'slackId', type: 'string', default: '', placeholder: 'e.g. U0MIA', description: 'Mentioned in the Slack text of the Manager Alert' },
					{ displayName: 'Phone', name: 'phone', type: 'string', default: '', placeholder: 'e.g. +15550100' },
				],
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Claim Limit',
				name: 'claimLimit',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: MAX_CLAIM_LIMIT },
				default: DEFAULT_CLAIM_LIMIT,
				description: 'The most timers one poll claims, the most overdue first; the rest fire on the next poll',
			},
			storeScopeOption,
		],
	},
];
