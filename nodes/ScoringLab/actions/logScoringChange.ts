/**
 * Log Scoring Change: the change log of the scoring table. Record keeps a published version (its
 * model id, worked out from the rules as Lead Score does) with the rules, why it changed, the
 * impact expected in figures, who published it and when; once per model id, so logging the same
 * publish again changes nothing and returns what was logged first. List gives the logged versions,
 * oldest first. Recording is an explicit act: a test run from the editor records too. The Lead
 * Quality Report shows each version's expected impact beside the actual one; Protocol Document
 * ends with the log.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { LeadDataError, ProtocolError } from '../../engine/common/errors';
import { parseTimestamp } from '../../engine/common/time';
import { compileScorer } from '../../engine/scoring';
import { clock } from '../../shared/clock';
import { processItems } from '../../shared/items';
import { storeScopeOf, storeScopeOption } from '../../shared/leadInput';
import { openStoreFor } from '../../shared/store';
import type { ScoringChange } from '../../store';
import type { OperationModule } from './common';

export const operation: OperationModule['operation'] = {
	name: 'Log Scoring Change',
	value: 'logScoringChange',
	description: 'Record a published scoring table with its rationale, expected impact, who and when (once per model ID), or list the change log',
	action: 'Log a scoring change',
	subtitle: 'Log scoring change',
};

const RECORD = { show: { changeAction: ['record'] } };
const LIST = { show: { changeAction: ['list'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Action',
		name: 'changeAction',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Record', value: 'record', description: 'Log a published version of the scoring table (test runs record too)' },
			{ name: 'List', value: 'list', description: 'The logged versions, oldest first, in one item (per input item)' },
		],
		default: 'record',
	},
	{
		displayName: 'Rules (JSON)',
		name: 'changeRules',
		type: 'json',
		displayOptions: RECORD,
		default: '={{ $json.table }}',
		description: "The published table in Lead Score's JSON rules schema (Learn Point Table's table, or Lead Score's JSON view); its model ID is worked out from it as Lead Score does",
	},
	{
		displayName: 'Rationale',
		name: 'rationale',
		type: 'string',
		typeOptions: { rows: 3 },
		displayOptions: RECORD,
		default: '={{ ($json.changes || []).join("; ") }}',
		description: 'Why the table changed, in words both teams read',
	},
	{
		displayName: 'Expected Impact',
		name: 'expectedImpact',
		type: 'collection',
		placeholder: 'Add Figure',
		displayOptions: RECORD,
		default: {},
		description: 'The figures the change should bring; the Lead Quality Report shows the actual ones beside them',
		options: [
			{ displayName: 'Acceptance Rate (%)', name: 'acceptanceRate', type: 'number', default: 0, typeOptions: { minValue: 0, maxValue: 100, numberPrecision: 1 }, description: 'Share of hand-offs sales accepts' },
			{ displayName: 'AUC', name: 'auc', type: 'number', default: 0.8, typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 3 }, description: 'How well the score ranks won above lost leads (e.g. the holdout AUC of Learn Point Table)' },
			{ displayName: 'Hand-Offs per Week', name: 'handoffsPerWeek', type: 'number', default: 0, typeOptions: { minValue: 0 }, description: 'E.g. from Threshold What-If' },
			{ displayName: 'Meeting Rate (%)', name: 'meetingRate', type: 'number', default: 0, typeOptions: { minValue: 0, maxValue: 100, numberPrecision: 1 }, description: 'Share of hand-offs that reach a meeting' },
			{ displayName: 'Win Rate (%)', name: 'winRate', type: 'number', default: 0, typeOptions: { minValue: 0, maxValue: 100, numberPrecision: 1 }, description: 'Share of hand-offs won: the conversion' },
		],
	},
	{ displayName: 'Published By', name: 'publishedBy', type: 'string', displayOptions: RECORD, default: '', placeholder: 'e.g. maria@example.com', description: 'Who published the table' },
	{ displayName: 'Published At', name: 'publishedAt', type: 'dateTime', displayOptions: RECORD, default: '', description: 'When it went live. Empty: now.' },
	{
		displayName: 'Change Options',
		name: 'changeOptions',
		type: 'collection',
		placeholder: 'Add Option',
		displayOptions: RECORD,
		default: {},
		options: [
			{ displayName: 'Previous Model ID', name: 'previousModelId', type: 'string', default: '', placeholder: 'e.g. lsm_0123456789abcdef', description: 'The version it replaced' },
			{ displayName: 'Title', name: 'title', type: 'string', default: '', placeholder: 'e.g. Q1 webinar weights', description: 'A short name for the change' },
		],
	},
	{ displayName: 'Model ID', name: 'listModelId', type: 'string', displayOptions: LIST, default: '', description: 'Only this version. Empty: all.' },
	{ ...storeScopeOption },
];

const PERCENT_FIGURES = new Set(['acceptanceRate', 'meetingRate', 'winRate']);

function parseJson(text: string): { value: unknown } | { problem: string } {
	try {
		return { value: JSON.parse(text) };
	} catch (error) {
		return { problem: (error as Error).message };
	}
}

/** The model id of the rules, or why Lead Score could not read them. */
function modelIdOf(rules: Record<string, unknown>): { modelId: string } | { problem: { path: string; message: string } } {
	try {
		return { modelId: compileScorer(rules).modelId };
	} catch (error) {
		return { problem: { path: error instanceof ProtocolError ? error.path : '', message: error instanceof Error ? error.message : String(error) } };
	}
}

/** The rules from the parameter: an object, or JSON text; a bad one is this item's error. */
function rulesOf(value: unknown): Record<string, unknown> {
	let rules = value;
	if (typeof rules === 'string') {
		if (rules.trim() === '') throw new LeadDataError('Rules (JSON)', "the published table as Lead Score's JSON rules", value);
		const parsed = parseJson(rules);
		if ('problem' in parsed) throw new LeadDataError('Rules (JSON)', `valid JSON (${parsed.problem})`, value);
		rules = parsed.value;
	}
	if (typeof rules !== 'object' || rules === null || Array.isArray(rules)) throw new LeadDataError('Rules (JSON)', "the published table as Lead Score's JSON rules (an object)", value);
	return rules as Record<string, unknown>;
}

export function changeJson(change: ScoringChange): IDataObject {
	return {
		modelId: change.modelId,
		publishedAt: new Date(change.at).toISOString(),
		publishedBy: change.by ?? null,
		title: change.title ?? null,
		rationale: change.rationale,
		expected: { ...change.expected },
		previousModelId: change.previousModelId ?? null,
		rules: change.rules as IDataObject,
		recordedAt: new Date(change.recordedAt).toISOString(),
	};
}

async function record(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const zone = ctx.getTimezone();
	return processItems(
		ctx,
		1,
		async () => ({ store: await openStoreFor(ctx), scope: storeScopeOf(ctx.getNodeParameter('scope', 0, undefined)) }),
		async (_item, i, { store, scope }) => {
			const rules = rulesOf(ctx.getNodeParameter('changeRules', i, ''));
			const compiled = modelIdOf(rules);
			// The rules come with the item (an expression): a bad table is this item's error.
			if ('problem' in compiled) throw new LeadDataError(`Rules (JSON)${compiled.problem.path}`, 'a table Lead Score can read', compiled.problem.message);
			const modelId = compiled.modelId;
			const rationale = String(ctx.getNodeParameter('rationale', i, '') ?? '').trim();
			if (rationale === '') throw new LeadDataError('Rationale', 'why the table changed, in words', rationale);
			const figures = ctx.getNodeParameter('expectedImpact', i, {}) as Record<string, unknown>;
			const expected: Record<string, number> = {};
			for (const [name, value] of Object.entries(figures)) {
				if (typeof value !== 'number' || !Number.isFinite(value)) throw new LeadDataError(`Expected Impact › ${name}`, 'a number', value);
				expected[name] = PERCENT_FIGURES.has(name) ? value / 100 : value;
			}
			const at = ctx.getNodeParameter('publishedAt', i, '');
			const options = ctx.getNodeParameter('changeOptions', i, {}) as { previousModelId?: string; title?: string };
			const by = String(ctx.getNodeParameter('publishedBy', i, '') ?? '').trim();
			const outcome = await store.recordScoringChange(scope, {
				modelId,
				rules,
				rationale,
				expected,
				at: at === '' || at === undefined || at === null ? clock.now() : parseTimestamp(at, 'Published At', zone),
				...(by ? { by } : {}),
				...(options.title?.trim() ? { title: options.title.trim() } : {}),
				...(options.previousModelId?.trim() ? { previousModelId: options.previousModelId.trim() } : {}),
			});
			return {
				output: 0,
				json: {
					status: outcome.status,
					...(outcome.status === 'duplicate' ? { note: `Model ${modelId} was logged on ${new Date(outcome.change.at).toISOString().slice(0, 10)}; the first record is kept.` } : {}),
					...changeJson(outcome.change),
				},
			};
		},
	);
}

async function list(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return processItems(
		ctx,
		1,
		async () => ({ store: await openStoreFor(ctx), scope: storeScopeOf(ctx.getNodeParameter('scope', 0, undefined)) }),
		async (_item, i, { store, scope }) => {
			const only = String(ctx.getNodeParameter('listModelId', i, '') ?? '').trim();
			const changes = await store.listScoringChanges(scope, only ? { modelIds: [only] } : {});
			return { output: 0, json: { changes: changes.map(changeJson), count: changes.length } };
		},
	);
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return this.getNodeParameter('changeAction', 0, 'record') === 'list' ? list(this) : record(this);
}
