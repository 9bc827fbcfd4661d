/**
 * Lead Quality Report: the monthly review's figures over a period, by score band, grade, tier,
 * source and campaign, rep and team, with findings in words and charts. Reads one report row per
 * input item (a hand-off with what became of it) and sends out a summary (Markdown, HTML,
 * findings, charts as PNG binary data) on Summary and one item per breakdown row on Rows.
 * It reads and writes nothing in the store.
 */
import type { IBinaryKeyData, IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, IPairedItemData } from 'n8n-workflow';

import { LeadDataError, ProtocolError } from '../../../engine/common/errors';
import { compilePath } from '../../../engine/common/paths';
import { parseTimestamp } from '../../../engine/common/time';
import {
	buildReport,
	compileReportOptions,
	DEFAULT_MIN_COUNT,
	DEFAULT_RATIO,
	findings,
	findingsRule,
	groupItem,
	reportHtml,
	reportItems,
	reportMarkdown,
	reportRow,
	type CompiledReportOptions,
	type ReportRow,
} from '../../../engine/feedback/report';
import { errorItem, toNodeError } from '../../../shared/items';

export const outputs = ['Summary', 'Rows'];
const SUMMARY = 0;
const ROWS = 1;

export const description: INodeProperties[] = [
	{
		displayName:
			'Each input item is one hand-off with what became of it: handedOffAt, score, grade, tier, source, campaign, rep, team, slaMinutes, slaBasis, firstTouchBusinessMinutes, firstTouchClockMinutes, metSla, stage, reached (first time per stage), wonAmount, currency, rejectionReason, lostReason, modelId',
		name: 'rowsNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Row Field',
		name: 'rowField',
		type: 'string',
		default: '',
		placeholder: 'e.g. handoff',
		description: 'The field of each item that holds the hand-off row (a dot path). Empty: the item itself.',
	},
	{ displayName: 'From', name: 'from', type: 'dateTime', default: '', description: 'Only hand-offs at or after this time. Empty: from the first.' },
	{ displayName: 'To', name: 'to', type: 'dateTime', default: '', description: 'Only hand-offs before this time. Empty: to the last.' },
	{
		displayName: 'Score Bands',
		name: 'bands',
		type: 'string',
		default: '40, 60, 80',
		description: 'Lower bounds of the bands above the lowest, ascending whole numbers: "40, 60, 80" gives < 40, 40-59, 60-79 and 80+',
	},
	{
		displayName: 'Minimum Count',
		name: 'minCount',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: DEFAULT_MIN_COUNT,
		description: 'The fewest hand-offs (first touches, for speed) a group needs before a finding names it; findings also need their 95 % confidence interval to support them',
	},
	{
		displayName: 'Include Charts',
		name: 'charts',
		type: 'boolean',
		default: true,
		description: 'Whether the summary carries PNG charts as binary data: conversionByScoreBand, speedToContactByRep, funnel',
	},
	{
		displayName: 'Report Options',
		name: 'reportOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{ displayName: 'Title', name: 'title', type: 'string', default: 'Lead Quality Report' },
			{ displayName: 'Findings Shown', name: 'maxFindings', type: 'number', typeOptions: { minValue: 1 }, default: 10, description: 'At most this many findings in the Markdown and HTML (all are in the findings field)' },
			{ displayName: 'Groups Shown per Breakdown', name: 'maxGroups', type: 'number', typeOptions: { minValue: 1 }, default: 15, description: 'The largest groups of each breakdown in the Markdown and HTML tables (all are on Rows)' },
			{ displayName: 'Rejection Reason Ratio', name: 'ratio', type: 'number', typeOptions: { minValue: 1.01, numberPrecision: 2 }, default: DEFAULT_RATIO, description: 'A source or campaign is called out for a rejection reason at this many times the average rate or more' },
			{ displayName: 'Chart Width', name: 'chartWidth', type: 'number', typeOptions: { minValue: 300 }, default: 720, description: 'In pixels before the 2x scaling for sharp screens' },
		],
	},
];

interface ReportParameters {
	options: CompiledReportOptions;
	rowField: string;
	charts: boolean;
	title?: string;
	maxFindings?: number;
	maxGroups?: number;
	chartWidth?: number;
}

/** A period bound: empty is none; a bad one stops the run before any item (it is a parameter, not item data). */
function optionalTime(value: unknown, field: string, zone: string): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	try {
		return parseTimestamp(value, field, zone);
	} catch (error) {
		throw ProtocolError.at(`/${field.toLowerCase()}`, error instanceof Error ? error.message : String(error));
	}
}

/** Score bands from "40, 60, 80" (or a list of numbers from an expression). */
export function parseBands(value: unknown): number[] {
	if (Array.isArray(value)) return value.map((v, i) => bandNumber(v, i));
	const text = String(value ?? '').trim();
	if (text === '') return [];
	return text.split(/[,;\s]+/).map((v, i) => bandNumber(v, i));
}

function bandNumber(value: unknown, index: number): number {
	const n = typeof value === 'number' ? value : Number(String(value).trim());
	if (!Number.isInteger(n)) throw ProtocolError.at(`/bands/${index}`, `Score Bands: expected whole numbers separated by commas, like "40, 60, 80"; got ${JSON.stringify(value)}`);
	return n;
}

function parameters(ctx: IExecuteFunctions, zone: string): ReportParameters {
	const o = ctx.getNodeParameter('reportOptions', 0, {}) as { title?: string; maxFindings?: number; maxGroups?: number; ratio?: number; chartWidth?: number };
	const from = optionalTime(ctx.getNodeParameter('from', 0, ''), 'From', zone);
	const to = optionalTime(ctx.getNodeParameter('to', 0, ''), 'To', zone);
	return {
		options: compileReportOptions({
			bands: parseBands(ctx.getNodeParameter('bands', 0, '40, 60, 80')),
			minCount: ctx.getNodeParameter('minCount', 0, DEFAULT_MIN_COUNT) as number,
			ratio: o.ratio,
			from,
			to,
		}),
		rowField: (ctx.getNodeParameter('rowField', 0, '') as string).trim(),
		charts: ctx.getNodeParameter('charts', 0, true) as boolean,
		title: o.title || undefined,
		maxFindings: o.maxFindings,
		maxGroups: o.maxGroups,
		chartWidth: o.chartWidth,
	};
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const zone = this.getTimezone();
	const out: INodeExecutionData[][] = [[], []];
	let p: ReportParameters;
	try {
		p = parameters(this, zone);
	} catch (error) {
		if (!this.continueOnFail()) throw toNodeError(this, error);
		out[SUMMARY] = items.map((item, index) => errorItem(this, item, index, error));
		return out;
	}
	const getRow = p.rowField === '' ? undefined : compilePath(p.rowField);
	const rows: ReportRow[] = [];
	const used: IPairedItemData[] = [];
	for (let index = 0; index < items.length; index++) {
		try {
			const source = getRow ? getRow(items[index].json) : items[index].json;
			if (source === null || typeof source !== 'object' || Array.isArray(source)) throw new LeadDataError(p.rowField || 'item', 'a hand-off row (an object)', source);
			rows.push(reportRow(source as Record<string, unknown>, zone));
			used.push({ item: index });
		} catch (error) {
			if (!this.continueOnFail()) throw toNodeError(this, error, index);
			out[SUMMARY].push(errorItem(this, items[index], index, error));
		}
	}
	const report = buildReport(rows, p.options);
	const found = findings(report);
	const summaryOptions = { title: p.title, maxFindings: p.maxFindings, maxGroups: p.maxGroups };
	const json: IDataObject = {
		title: p.title ?? 'Lead Quality Report',
		periodFrom: report.from === undefined ? null : new Date(report.from).toISOString(),
		periodTo: report.to === undefined ? null : new Date(report.to).toISOString(),
		handoffs: report.total.handoffs,
		findings: found.map((f) => f.text),
		findingsDetail: found.map((f) => ({ rule: f.rule, dimension: f.dimension, group: f.group, versus: f.versus ?? null, metric: f.metric, n: f.n, text: f.text })),
		findingsRule: findingsRule(report.options.minCount),
		total: groupItem(report, report.total),
		markdown: reportMarkdown(report, found, summaryOptions),
		html: reportHtml(report, found, summaryOptions),
	};
	let binary: IBinaryKeyData | undefined;
	if (p.charts && report.total.handoffs > 0) {
		// Loaded on demand: the chart renderer is only needed when charts are drawn.
		const { reportCharts } = await import('../../../engine/feedback/report/charts');
		binary = {};
		for (const chart of reportCharts(report, { width: p.chartWidth })) {
			binary[chart.name] = await this.helpers.prepareBinaryData(chart.png, chart.fileName, 'image/png');
		}
	}
	out[SUMMARY].unshift({ json, ...(binary ? { binary } : {}), pairedItem: used });
	for (const row of reportItems(report)) out[ROWS].push({ json: row, pairedItem: used });
	return out;
}
