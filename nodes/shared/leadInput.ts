/**
 * What the Handoff Gate and the Tier Router read from an item besides their rules: the lead key,
 * the Lead Score result, the activities, the time to judge at and the event's idempotency key.
 * Their parameters are shared, so both nodes read an item the same way.
 */
import { createHash } from 'node:crypto';
import stableStringify from 'fast-json-stable-stringify';
import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { LeadDataError } from '../engine/common/errors';
import { getPath } from '../engine/common/paths';
import { parseTimestamp } from '../engine/common/time';
import type { Activity, Lead } from '../engine/common/types';
import { compileScorer, DEFAULT_FIELDS, leadKeyOf, type LeadScoreResult } from '../engine/scoring';

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
	{
		displayName: 'Store Scope',
		name: 'scope',
		type: 'string',
		default: 'default',
		description: 'Separates hand-offs and round-robin turns of unrelated workflows or clients in one store; the gate and the router of one pipeline use the same scope',
	},
];

export interface LeadReader {
	readonly scoreField: string;
	readonly scope: string;
	leadKey(value: unknown): string;
	score(lead: Lead): LeadScoreResult | undefined;
	activities(lead: Lead): Activity[];
	/** Epoch ms: the fixed option, else the score's asOf, else now. */
	evaluateAt(lead: Lead, fixed: unknown): number;
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
	return {
		scoreField,
		scope: options.scope?.trim() || 'default',
		leadKey: (value) => leadKeyOf(value, 'Lead Key'),
		score,
		activities: (lead) => reader.readActivities(lead, zone),
		evaluateAt(lead, fixed) {
			if (fixed !== undefined && fixed !== null && fixed !== '') return parseTimestamp(fixed, 'Evaluate As Of', zone);
			const asOf = (score(lead) as { asOf?: unknown } | undefined)?.asOf;
			return asOf === undefined ? Date.now() : parseTimestamp(asOf, `${scoreField}.asOf`, zone);
		},
		eventKey(lead, given, leave) {
			if (typeof given === 'number' || (typeof given === 'string' && given.trim() !== '')) return String(given).trim();
			// Without an id: what the event is, not when it was scored or what later nodes added.
			const content: IDataObject = { ...(lead as IDataObject) };
			for (const key of [scoreField, ...leave]) delete content[key];
			return `h:${createHash('sha256').update(stableStringify(content)).digest('hex').slice(0, 32)}`;
		},
	};
}
