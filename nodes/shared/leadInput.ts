/**
 * What the Handoff Gate and the Tier Router read from an item besides their rules: the lead key,
 * the Lead Score result, the activities, the time to judge at and the event's idempotency key.
 * Their parameters are shared, so both nodes read an item the same way. The Store Scope option is
 * shared with every other node that keeps lead data.
 */
import type { INodeProperties } from 'n8n-workflow';

import { LeadDataError } from '../engine/common/errors';
import { eventKeyOf } from '../engine/common/eventKey';
import { getPath } from '../engine/common/paths';
import { parseTimestamp } from '../engine/common/time';
import type { Activity, Lead } from '../engine/common/types';
import { compileScorer, DEFAULT_FIELDS, leadKeyOf, type LeadScoreResult } from '../engine/scoring';
import { DEFAULT_SCOPE } from '../store/scope';
import type { NodeAsOf } from './asOf';
import { clock } from './clock';

export interface LeadInputOptions {
	scoreField?: string;
	evaluateAt?: string;
	eventKey?: string;
	scope?: string;
	activitiesField?: string;
	activityTypeField?: string;
	activityTimeField?: string;
	activityUrlField?: string;
	activityAssetField?: string;
	activityTitleField?: string;
}

export const leadKeyProperty: INodeProperties = {
	displayName: 'Lead Key',
	name: 'leadKey',
	type: 'string',
	default: '={{ $json.email }}',
	required: true,
	description: 'Identifies the lead in the store: its email address (compared without case) or CRM record ID',
};

/**
 * The "Store Scope" option, the same on every node that keeps lead data (Lead Score, Handoff Gate,
 * Tier Router, Lead Handoff Data), in its Options. One store can serve several clients or
 * unrelated pipelines: each scope has its own leads.
 */
export const storeScopeOption: INodeProperties = {
	displayName: 'Store Scope',
	name: 'scope',
	type: 'string',
	default: DEFAULT_SCOPE,
	description:
		"Keeps the leads of unrelated clients or workflows apart in one store: their activities, scores, hand-offs, owners and round-robin turns. Every node of one pipeline uses the same scope.",
};

/** The scope named by the option; blank means the default scope. */
export function storeScopeOf(value: unknown): string {
	if (value === undefined || value === null) return DEFAULT_SCOPE;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	if (typeof value !== 'string') throw new LeadDataError('Store Scope', 'a text naming the scope', value);
	return value.trim() || DEFAULT_SCOPE;
}

/** Options both nodes share; `outputField` differs per node and is added by it. */
export const leadInputOptions: INodeProperties[] = [
	{ displayName: 'Activities Field', name: 'activitiesField', type: 'string', default: DEFAULT_FIELDS.activities, description: "Path of the lead's activities array" },
	{ displayName: 'Activity Asset Field', name: 'activityAssetField', type: 'string', default: DEFAULT_FIELDS.activityAsset },
	{ displayName: 'Activity Time Field', name: 'activityTimeField', type: 'string', default: DEFAULT_FIELDS.activityTime },
	{ displayName: 'Activity Title Field', name: 'activityTitleField', type: 'string', default: DEFAULT_FIELDS.activityTitle },
	{ displayName: 'Activity Type Field', name: 'activityTypeField', type: 'string', default: DEFAULT_FIELDS.activityType },
	{ displayName: 'Activity URL Field', name: 'activityUrlField', type: 'string', default: DEFAULT_FIELDS.activityUrl },
	{
		displayName: 'Evaluate As Of',
		name: 'evaluateAt',
		type: 'dateTime',
		default: '',
		description: 'The time windows end at and hand-offs are recorded at. Empty: the time the lead was scored (score.asOf), or now.',
	},
	{
		displayName: 'Event Key',
		name: 'eventKey',
		type: 'string',
		default: '',
		placeholder: 'e.g. {{ $json.eventId }}',
		description: "Identifies the event, so a webhook delivered twice changes nothing the second time. Empty: a hash of the item's content (without the score).",
	},
	{ displayName: 'Score Field', name: 'scoreField', type: 'string', default: 'score', description: 'Where Lead Score put its result' },
	storeScopeOption,
];

export interface LeadReader {
	readonly scoreField: string;
	readonly scope: string;
	leadKey(value: unknown): string;
	score(lead: Lead): LeadScoreResult | undefined;
	activities(lead: Lead): Activity[];
	/**
	 * The time to judge at, epoch ms: the fixed option (Evaluate As Of), else the score's asOf, else
	 * now. Live when it is now, or the time of a score that was live (Score As Of empty); a fixed
	 * option, or a score as of a set time, replays history.
	 */
	asOf(lead: Lead, fixed: unknown): NodeAsOf;
	/** The event's idempotency key (see the engine's eventKeyOf); `leave` names fields this node adds. */
	eventKey(lead: Lead, given: unknown, leave: string[]): string;
}

export function leadReader(options: LeadInputOptions, zone: string): LeadReader {
	const scoreField = options.scoreField || 'score';
	// A scorer without rules: only its activity reader is used, with the same field mapping as Lead Score.
	const reader = compileScorer({
		fit: [],
		engagement: [],
		negative: [],
		fields: {
			...DEFAULT_FIELDS,
			...Object.fromEntries(
				Object.entries({
					activities: options.activitiesField,
					activityType: options.activityTypeField,
					activityTime: options.activityTimeField,
					activityUrl: options.activityUrlField,
					activityAsset: options.activityAssetField,
					activityTitle: options.activityTitleField,
				}).filter(([, v]) => typeof v === 'string' && v.trim() !== ''),
			),
		},
	});
	const score = (lead: Lead): LeadScoreResult | undefined => {
		const value = getPath(lead, scoreField);
		if (value === undefined || value === null) return undefined;
		if (typeof value !== 'object' || typeof (value as { total?: unknown }).total !== 'number') {
			throw new LeadDataError(scoreField, 'the Lead Score result (an object with total, grade and breakdown)', value);
		}
		return value as LeadScoreResult;
	};
	const asOf = (lead: Lead, fixed: unknown): NodeAsOf => {
		if (fixed !== undefined && fixed !== null && fixed !== '') return { at: parseTimestamp(fixed, 'Evaluate As Of', zone), live: false };
		const scored = score(lead);
		if (scored?.asOf === undefined) return { at: clock.now(), live: true };
		return { at: parseTimestamp(scored.asOf, `${scoreField}.asOf`, zone), live: scored.asOfLive === true };
	};
	return {
		scoreField,
		scope: storeScopeOf(options.scope),
		leadKey: (value) => leadKeyOf(value, 'Lead Key'),
		score,
		activities: (lead) => reader.readActivities(lead, zone),
		asOf,
		eventKey: (lead, given, leave) => eventKeyOf(lead, given, [scoreField, ...leave]),
	};
}
