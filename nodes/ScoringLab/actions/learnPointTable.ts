/**
 * Learn Point Table: from closed leads (the store's recorded outcomes, or a CRM export given as
 * items), a point table in Lead Score's JSON rules schema, every change in words with its
 * evidence, the current table and the proposal side by side on a random and a time-ordered
 * holdout, and drift warnings. One item out; it writes nothing.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, IPairedItemData } from 'n8n-workflow';

import { LeadDataError, ProtocolError } from '../../engine/common/errors';
import { compilePath } from '../../engine/common/paths';
import { labMarkdown, runLab, type LabOptions, type LabReport, type OutcomeRow, type TableFigures, type Validation } from '../../engine/lab';
import { normalizeProtocol } from '../../engine/scoring';
import { clock } from '../../shared/clock';
import { errorItem, toNodeError } from '../../shared/items';
import { storeScopeOf, storeScopeOption } from '../../shared/leadInput';
import { currentRules, currentRulesProperties, fieldList, FROM_ITEMS, FROM_STORE, readConverted, readTime, rowsFromProperty, type OperationModule } from './common';
import { readStoreHistory, storeHistoryProperties } from './storeHistory';

export const operation: OperationModule['operation'] = {
	name: 'Learn Point Table',
	value: 'learnPointTable',
	description: 'Learn points from won and lost leads, test them against the current table on leads the learner never saw, explain every change',
	action: 'Learn a point table from outcomes',
	subtitle: 'Learn point table',
};

export const description: INodeProperties[] = [
	rowsFromProperty("Closed hand-offs in the store: the recorded outcome, the lead's source and campaign, its activities before the hand-off", 'One closed lead per item (a CRM export): its attributes, activities and outcome'),
	{
		displayOptions: FROM_ITEMS,
		displayName: "Each input item is one closed lead: its fields (source, role, country, ...), its activities where Lead Score's rules read them, its outcome, and when it was scored or created",
		name: 'itemsNotice',
		type: 'notice',
		default: '',
	},
	{ displayName: 'Lead Field', name: 'leadField', type: 'string', displayOptions: FROM_ITEMS, default: '', placeholder: 'e.g. lead', description: "The field holding the lead's attributes and activities (a dot path). Empty: the item itself." },
	{ displayName: 'Outcome Field', name: 'outcomeField', type: 'string', displayOptions: FROM_ITEMS, default: 'converted', description: 'Whether the lead converted: true/false, 1/0, yes/no, won/lost (a dot path)' },
	{ displayName: 'Time Field', name: 'timeField', type: 'string', displayOptions: FROM_ITEMS, default: '', placeholder: 'e.g. createdAt', description: 'When the lead was scored or created (ISO date or epoch ms): activities are counted as of then, and the time-ordered holdout takes the latest leads. Empty: no time.' },
	...storeHistoryProperties,
	{ ...storeScopeOption, displayOptions: FROM_STORE },
	...currentRulesProperties,
	{
		displayName: 'Options',
		name: 'labOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{ displayName: 'Exclude Fields', name: 'exclude', type: 'string', default: '', placeholder: 'e.g. Tags, Lead Quality', description: 'Fields never to learn from, separated by commas: those sales fills in after contact, ids, anything a lead does not have when it is scored' },
			{ displayName: 'Max Rules', name: 'maxRules', type: 'number', typeOptions: { minValue: 1 }, default: 25, description: 'The most rules the proposed table may have' },
			{ displayName: 'Holdout Share', name: 'holdoutShare', type: 'number', typeOptions: { minValue: 0.05, maxValue: 0.5, numberPrecision: 2 }, default: 0.3, description: 'Share of the leads kept out of learning to test on' },
			{ displayName: 'Seed', name: 'seed', type: 'number', default: 1, description: 'The same seed picks the same random holdout and bootstrap samples' },
			{ displayName: 'Time-Ordered Holdout', name: 'timeOrdered', type: 'boolean', default: true, description: 'Whether to also learn on the earlier leads and test on the most recent ones, with a drift check (needs a time on every lead)' },
			{ displayName: 'Score Bands', name: 'bands', type: 'number', typeOptions: { minValue: 2, maxValue: 10 }, default: 5, description: 'How many score bands to check calibration on' },
			{ displayName: 'Bootstrap Samples', name: 'resamples', type: 'number', typeOptions: { minValue: 50 }, default: 400, description: 'Resamples for the confidence interval of the AUC gain' },
			{ displayName: 'Drift Warning PSI', name: 'psiWarn', type: 'number', typeOptions: { minValue: 0.01, numberPrecision: 2 }, default: 0.25, description: "A field whose distribution moved this far (population stability index) between the earlier and the recent leads is named in a warning, and the proposal is not recommended" },
		],
	},
];

interface Parameters {
	current: unknown;
	activitiesField: string;
	options: Omit<LabOptions, 'current' | 'asOf'>;
}

function parameters(ctx: IExecuteFunctions, items: INodeExecutionData[]): Parameters {
	const o = ctx.getNodeParameter('labOptions', 0, {}) as { exclude?: unknown; maxRules?: number; holdoutShare?: number; seed?: number; timeOrdered?: boolean; bands?: number; resamples?: number; psiWarn?: number };
	const share = o.holdoutShare ?? 0.3;
	if (!(share > 0 && share < 1)) throw ProtocolError.at('/holdoutShare', `Holdout Share: expected a share between 0 and 1, like 0.3; got ${share}`);
	const current = currentRules(ctx, items);
	return {
		current,
		activitiesField: normalizeProtocol(current).fields.activities,
		options: {
			exclude: fieldList(o.exclude),
			maxRules: o.maxRules ?? 25,
			holdoutShare: share,
			seed: o.seed ?? 1,
			timeOrdered: o.timeOrdered ?? true,
			bands: o.bands ?? 5,
			resamples: o.resamples ?? 400,
			drift: { psiWarn: o.psiWarn ?? 0.25 },
		},
	};
}

/** One closed lead per item; the outcome and time fields are taken out of the lead so nothing learns from them. */
function itemRows(ctx: IExecuteFunctions, items: INodeExecutionData[], zone: string, rows: OutcomeRow[], used: number[], errors: INodeExecutionData[]): void {
	const leadField = (ctx.getNodeParameter('leadField', 0, '') as string).trim();
	const outcomeField = (ctx.getNodeParameter('outcomeField', 0, 'converted') as string).trim() || 'converted';
	const timeField = (ctx.getNodeParameter('timeField', 0, '') as string).trim();
	const getLead = leadField ? compilePath(leadField) : undefined;
	const getOutcome = compilePath(outcomeField);
	const getTime = timeField ? compilePath(timeField) : undefined;
	for (let index = 0; index < items.length; index++) {
		try {
			const json = items[index].json;
			const source = getLead ? getLead(json) : json;
			if (source === null || typeof source !== 'object' || Array.isArray(source)) throw new LeadDataError(leadField || 'item', "the lead's fields (an object)", source);
			const converted = readConverted(getOutcome(json), outcomeField);
			const at = getTime ? readTime(getTime(json), timeField, zone) : undefined;
			const lead = { ...(source as IDataObject) };
			if (!getLead) {
				delete lead[outcomeField.split('.')[0]];
				if (timeField) delete lead[timeField.split('.')[0]];
			}
			rows.push({ lead, converted, ...(at === undefined ? {} : { at }) });
			used.push(index);
		} catch (error) {
			if (!ctx.continueOnFail()) throw toNodeError(ctx, error, index);
			errors.push(errorItem(ctx, items[index], index, error));
		}
	}
}

const ROW_ERROR = /^rows\[(\d+)\](?:\.lead)?\.?(.*)$/;

/**
 * Runs the lab; a lead the engine cannot read (a number field holding words) is named by its
 * item, and under "continue" leaves on the error output while the lab runs without it.
 */
function runOnRows(ctx: IExecuteFunctions, items: INodeExecutionData[], rows: OutcomeRow[], used: number[], options: LabOptions, errors: INodeExecutionData[]): LabReport {
	for (;;) {
		try {
			return runLab(rows, options);
		} catch (error) {
			const match = error instanceof LeadDataError ? ROW_ERROR.exec(error.field) : null;
			if (!match || !(error instanceof LeadDataError)) throw toNodeError(ctx, error);
			const row = Number(match[1]);
			const itemIndex = used[row];
			const named = new LeadDataError(match[2] || 'lead', error.expected, error.received);
			if (itemIndex === undefined) throw toNodeError(ctx, named);
			if (!ctx.continueOnFail()) throw toNodeError(ctx, named, itemIndex);
			errors.push(errorItem(ctx, items[itemIndex], itemIndex, named));
			rows.splice(row, 1);
			used.splice(row, 1);
		}
	}
}

/** Figures as JSON: band limits at the open ends are null. */
function figuresJson(f: TableFigures): IDataObject {
	return {
		modelId: f.modelId,
		auc: f.auc,
		top30: f.top30,
		worstBandGap: f.worstBandGap,
		bands: f.bands.map((b) => ({ from: Number.isFinite(b.from) ? b.from : null, to: Number.isFinite(b.to) ? b.to : null, leads: b.leads, conversions: b.conversions, observed: b.observed, predicted: b.predicted })),
	};
}

function validationJson(v: Validation): IDataObject {
	return { leads: v.leads, conversions: v.conversions, current: figuresJson(v.current), proposal: figuresJson(v.proposal), aucGain: { ...v.aucGain }, better: v.better, verdict: v.verdict };
}

export function reportJson(report: LabReport): IDataObject {
	const p = report.proposal;
	const t = report.timeOrdered;
	return {
		recommended: report.offer.better,
		reasons: report.offer.reasons,
		modelId: p.modelId,
		ruleCount: p.ruleCount,
		keptWithoutEvidence: p.keptWithoutEvidence,
		pointsToDoubleOdds: p.pointsToDoubleOdds,
		table: p.table as IDataObject,
		tableJson: JSON.stringify(p.table, null, 2),
		changes: p.changes.map((c) => c.text),
		changesDetail: p.changes.map((c) => ({ kind: c.kind, rule: c.rule, from: c.from ?? null, to: c.to ?? null, evidence: c.evidence ? { ...c.evidence } : null, text: c.text })),
		trainedOn: { ...p.trainedOn },
		randomHoldout: validationJson(report.random),
		timeOrderedHoldout: t ? { ...validationJson(t.validation), modelId: t.proposal.modelId, trainedOn: { ...t.proposal.trainedOn } } : null,
		drift: t ? { drifted: t.drift.drifted, warnings: t.drift.warnings, before: { ...t.drift.before }, recent: { ...t.drift.recent }, fields: t.drift.fields.map((f) => ({ ...f })) } : null,
		markdown: labMarkdown(report),
	};
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const zone = this.getTimezone();
	const errors: INodeExecutionData[] = [];
	let p: Parameters;
	try {
		p = parameters(this, items);
	} catch (error) {
		if (!this.continueOnFail()) throw toNodeError(this, error);
		return [items.map((item, index) => errorItem(this, item, index, error))];
	}
	const rows: OutcomeRow[] = [];
	const used: number[] = [];
	const fromStore = this.getNodeParameter('rowsFrom', 0, 'items') === 'store';
	if (fromStore) {
		rows.push(...(await readStoreHistory(this, storeScopeOf(this.getNodeParameter('scope', 0, undefined)), items, p.activitiesField)));
	} else itemRows(this, items, zone, rows, used, errors);
	// Every item was bad and went to the error output: nothing left to learn from.
	if (!fromStore && !rows.length && errors.length) return [errors];
	const options: LabOptions = { ...p.options, current: p.current, asOf: clock.now(), zone };
	let report: LabReport;
	try {
		report = fromStore ? runLab(rows, options) : runOnRows(this, items, rows, used, options, errors);
	} catch (error) {
		// Already named by item when it came from a row; else a protocol or history error.
		throw toNodeError(this, error);
	}
	const paired: IPairedItemData[] = fromStore ? items.map((_, item) => ({ item })) : used.map((item) => ({ item }));
	return [[{ json: reportJson(report), pairedItem: paired.length ? paired : [{ item: 0 }] }, ...errors]];
}
