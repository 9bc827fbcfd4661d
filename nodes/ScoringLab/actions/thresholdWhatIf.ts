/**
 * Threshold What-If: over historical scored leads (input items, or the store's closed
 * hand-offs), for each candidate hand-off threshold the hand-offs per week, the load per rep
 * against the roster's capacity, the conversions and the precision; the threshold that fills the
 * team without overflowing it, and what moving there gains or loses. One item out; it writes
 * nothing.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, IPairedItemData } from 'n8n-workflow';

import { LeadDataError, ProtocolError } from '../../engine/common/errors';
import { compilePath } from '../../engine/common/paths';
import { thresholdWhatIf, whatIfMarkdown, type ThresholdFigures, type WhatIfLead, type WhatIfOptions, type WhatIfRep } from '../../engine/lab';
import { errorItem, toNodeError } from '../../shared/items';
import { storeScopeOf, storeScopeOption } from '../../shared/leadInput';
import { FROM_ITEMS, FROM_STORE, readConverted, readTime, rowsFromProperty, type OperationModule } from './common';
import { convertedStageProperty, readClosedHandoffs } from './storeHistory';

export const operation: OperationModule['operation'] = {
	name: 'Threshold What-If',
	value: 'thresholdWhatIf',
	description: 'For each candidate hand-off threshold: hand-offs per week, load per rep against capacity, expected conversions and precision; recommends the threshold that fills the team',
	action: 'Weigh hand-off thresholds against capacity',
	subtitle: 'Threshold what-if',
};

const TABLE = { show: { rosterFrom: ['table'] } };
const JSON_ROSTER = { show: { rosterFrom: ['json'] } };

export const description: INodeProperties[] = [
	rowsFromProperty('Closed hand-offs in the store with their score at hand-off (only leads that were handed off: thresholds below them cannot be weighed)', 'One scored lead per item, handed off or not: its score, outcome and time'),
	{ displayName: 'Score Field', name: 'scoreField', type: 'string', displayOptions: FROM_ITEMS, default: 'score', description: "The lead's score (a dot path): a number, or Lead Score's score object (its total is used)" },
	{ displayName: 'Outcome Field', name: 'outcomeField', type: 'string', displayOptions: FROM_ITEMS, default: 'converted', description: 'Whether the lead converted: true/false, 1/0, yes/no, won/lost (a dot path)' },
	{ displayName: 'Time Field', name: 'timeField', type: 'string', displayOptions: FROM_ITEMS, default: 'createdAt', description: 'When the lead reached its score (ISO date or epoch ms): the weeks covered are counted from these. Empty: give Weeks Covered.' },
	{ ...convertedStageProperty },
	{ ...storeScopeOption, displayOptions: FROM_STORE },
	{ displayName: 'Current Threshold', name: 'currentThreshold', type: 'number', default: 50, description: 'The hand-off threshold in use today (e.g. the MQL score in Handoff Gate)' },
	{
		displayName: 'Roster From',
		name: 'rosterFrom',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Table', value: 'table', description: 'Each rep with the hand-offs a week they can take' },
			{ name: 'JSON', value: 'json', description: "Tier Router's routing JSON (its assignment.roster), or a list of reps with capacity" },
		],
		default: 'table',
	},
	{
		displayName: 'Reps',
		name: 'reps',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Rep',
		displayOptions: TABLE,
		default: {},
		options: [
			{
				name: 'rep',
				displayName: 'Rep',
				values: [
					{ displayName: 'Rep ID', name: 'id', type: 'string', default: '' },
					{ displayName: 'Name', name: 'name', type: 'string', default: '' },
					{ displayName: 'Capacity per Week', name: 'perWeek', type: 'number', typeOptions: { minValue: 0 }, default: 25, description: 'Hand-offs a week the rep can take' },
				],
			},
		],
	},
	{
		displayName: 'Roster (JSON)',
		name: 'rosterJson',
		type: 'json',
		displayOptions: JSON_ROSTER,
		default: '{\n  "assignment": {\n    "roster": [\n      { "id": "101", "name": "Ana Silva", "capacity": { "perWeek": 25 } },\n      { "id": "102", "name": "Ben Okafor", "capacity": { "perDay": 5 } }\n    ]\n  }\n}',
		description: "Tier Router's routing JSON, or its roster alone: reps with id, name, capacity (perWeek or perDay), weight and active",
	},
	{
		displayName: 'Options',
		name: 'whatIfOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{ displayName: 'Thresholds to Try', name: 'candidates', type: 'string', default: '', placeholder: 'e.g. 40, 50, 60, 70', description: 'Separated by commas. Empty: whole steps across the scores seen.' },
			{ displayName: 'Weeks Covered', name: 'weeks', type: 'number', typeOptions: { minValue: 0.1, numberPrecision: 1 }, default: 0, description: 'Weeks the history covers. 0: from the first to the last lead\'s time.' },
			{ displayName: 'Working Days per Week', name: 'workdays', type: 'number', typeOptions: { minValue: 1, maxValue: 7 }, default: 5, description: 'Turns a capacity per day into one per week' },
			{ displayName: 'Full at (%)', name: 'fullAt', type: 'number', typeOptions: { minValue: 1, maxValue: 200 }, default: 100, description: "The share of the team's capacity counted as full: 90 keeps a tenth free for surges" },
		],
	},
];

/** Reps from Tier Router's routing JSON, its assignment, its roster, or a plain list. */
export function rosterOf(value: unknown): WhatIfRep[] {
	let v = typeof value === 'string' ? parseJson(value) : value;
	if (v && typeof v === 'object' && !Array.isArray(v) && 'assignment' in v) v = (v as { assignment?: unknown }).assignment;
	if (v && typeof v === 'object' && !Array.isArray(v) && 'roster' in v) v = (v as { roster?: unknown }).roster;
	if (!Array.isArray(v)) throw ProtocolError.at('/roster', 'Roster (JSON): expected a list of reps, a roster or Tier Router\'s routing JSON');
	return v.map((rep: unknown, index) => {
		if (!rep || typeof rep !== 'object') throw ProtocolError.at(`/roster/${index}`, 'Roster (JSON): each rep is an object with id and capacity');
		const r = rep as { id?: unknown; name?: string; capacity?: { perDay?: number; perWeek?: number }; perWeek?: number; perDay?: number; weight?: number; active?: boolean };
		// Tier Router's 0 (or none) means no limit there; here a rep needs a figure to be weighed.
		const perWeek = r.capacity?.perWeek || r.perWeek || undefined;
		const perDay = r.capacity?.perDay || r.perDay || undefined;
		return { id: String(r.id ?? ''), ...(r.name ? { name: r.name } : {}), ...(perWeek ? { perWeek } : {}), ...(perDay ? { perDay } : {}), ...(r.weight ? { weight: r.weight } : {}), ...(r.active === false ? { active: false } : {}) };
	});
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch (error) {
		throw ProtocolError.at('/roster', `Roster (JSON): not valid JSON (${(error as Error).message})`);
	}
}

function candidatesOf(value: unknown): number[] | undefined {
	const text = String(value ?? '').trim();
	if (text === '') return undefined;
	return text.split(/[,;\s]+/).map((v, i) => {
		const n = Number(v);
		if (!Number.isFinite(n)) throw ProtocolError.at(`/candidates/${i}`, `Thresholds to Try: expected numbers separated by commas, like "40, 50, 60"; got ${JSON.stringify(v)}`);
		return n;
	});
}

function parameters(ctx: IExecuteFunctions): Omit<WhatIfOptions, 'knownFrom'> {
	const o = ctx.getNodeParameter('whatIfOptions', 0, {}) as { candidates?: string; weeks?: number; workdays?: number; fullAt?: number };
	const roster =
		ctx.getNodeParameter('rosterFrom', 0, 'table') === 'json'
			? rosterOf(ctx.getNodeParameter('rosterJson', 0, '[]'))
			: ((ctx.getNodeParameter('reps', 0, {}) as { rep?: Array<{ id: string; name?: string; perWeek: number }> }).rep ?? []).map((r) => ({ id: r.id, ...(r.name ? { name: r.name } : {}), perWeek: r.perWeek }));
	const candidates = candidatesOf(o.candidates);
	return {
		current: ctx.getNodeParameter('currentThreshold', 0, 50) as number,
		roster,
		...(candidates ? { candidates } : {}),
		...(o.weeks ? { weeks: o.weeks } : {}),
		workdays: o.workdays ?? 5,
		maxUtilization: (o.fullAt ?? 100) / 100,
	};
}

/** A score as a number, or Lead Score's score object. */
function readScore(value: unknown, field: string): number {
	const v = value && typeof value === 'object' && 'total' in value ? (value as { total: unknown }).total : value;
	const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
	if (!Number.isFinite(n)) throw new LeadDataError(field, "the lead's score: a number (or Lead Score's score object)", value);
	return n;
}

function itemLeads(ctx: IExecuteFunctions, items: INodeExecutionData[], zone: string, leads: WhatIfLead[], used: number[], errors: INodeExecutionData[]): void {
	const scoreField = (ctx.getNodeParameter('scoreField', 0, 'score') as string).trim() || 'score';
	const outcomeField = (ctx.getNodeParameter('outcomeField', 0, 'converted') as string).trim() || 'converted';
	const timeField = (ctx.getNodeParameter('timeField', 0, 'createdAt') as string).trim();
	const [getScore, getOutcome] = [compilePath(scoreField), compilePath(outcomeField)];
	const getTime = timeField ? compilePath(timeField) : undefined;
	for (let index = 0; index < items.length; index++) {
		try {
			const json = items[index].json;
			const score = readScore(getScore(json), scoreField);
			const converted = readConverted(getOutcome(json), outcomeField);
			const at = getTime ? readTime(getTime(json), timeField, zone) : undefined;
			leads.push({ score, converted, ...(at === undefined ? {} : { at }) });
			used.push(index);
		} catch (error) {
			if (!ctx.continueOnFail()) throw toNodeError(ctx, error, index);
			errors.push(errorItem(ctx, items[index], index, error));
		}
	}
}

function rowJson(r: ThresholdFigures): IDataObject {
	const finite = (x: number) => (Number.isFinite(x) ? x : null);
	return {
		threshold: r.threshold,
		handoffs: r.handoffs,
		handoffsPerWeek: r.handoffsPerWeek,
		conversions: r.conversions,
		conversionsPerWeek: r.conversionsPerWeek,
		precision: finite(r.precision),
		recall: finite(r.recall),
		utilization: finite(r.utilization),
		overflows: r.overflows,
		reps: r.reps.map((rep) => ({ ...rep, utilization: finite(rep.utilization) })),
	};
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const zone = this.getTimezone();
	const errors: INodeExecutionData[] = [];
	let options: WhatIfOptions;
	try {
		options = parameters(this);
	} catch (error) {
		if (!this.continueOnFail()) throw toNodeError(this, error);
		return [items.map((item, index) => errorItem(this, item, index, error))];
	}
	const leads: WhatIfLead[] = [];
	const used: number[] = [];
	const fromStore = this.getNodeParameter('rowsFrom', 0, 'items') === 'store';
	if (fromStore) {
		for (const { row, converted } of await readClosedHandoffs(this, storeScopeOf(this.getNodeParameter('scope', 0, undefined)))) {
			if (row.score !== undefined) leads.push({ score: row.score, converted, at: row.handedOffAt });
		}
		// Only handed-off leads are in the store: nothing is known below the lowest of their scores.
		if (leads.length) options = { ...options, knownFrom: Math.min(...leads.map((l) => l.score)) };
	} else itemLeads(this, items, zone, leads, used, errors);
	// Every item was bad and went to the error output: nothing left to weigh.
	if (!leads.length && errors.length) return [errors];
	let json: IDataObject;
	try {
		const report = thresholdWhatIf(leads, options);
		json = {
			recommendedThreshold: report.recommended.threshold,
			currentThreshold: report.current.threshold,
			verdict: report.verdict,
			notes: report.notes,
			leads: report.leads,
			conversions: report.conversions,
			weeks: report.weeks,
			capacityPerWeek: report.capacityPerWeek,
			current: rowJson(report.current),
			recommended: rowJson(report.recommended),
			thresholds: report.rows.map(rowJson),
			markdown: whatIfMarkdown(report),
		};
	} catch (error) {
		throw toNodeError(this, error);
	}
	const paired: IPairedItemData[] = fromStore ? items.map((_, item) => ({ item })) : used.map((item) => ({ item }));
	return [[{ json, pairedItem: paired.length ? paired : [{ item: 0 }] }, ...errors]];
}
