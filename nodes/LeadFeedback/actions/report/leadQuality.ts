/**
 * Lead Quality Report: the monthly review's figures over a period, by score band, grade, tier,
 * source and campaign, rep and team, with findings in words and charts. Reads one report row per
 * hand-off, from the store (the period's hand-offs joined with their assignment, SLA timer,
 * outcome and score at hand-off) or from the input items, and sends out a summary (Markdown,
 * HTML, findings, charts as PNG binary data) on Summary and one item per breakdown row on Rows.
 * It writes nothing in the store.
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
import { changeImpacts, type LoggedChange } from '../../../engine/feedback/report/changes';
import { compareArms, type ExperimentArms } from '../../../engine/feedback/report/experiments';
import { dashboardHtml, dashboardTimer, type DashboardChart, type DashboardTimer } from '../../../engine/feedback/report/dashboard';
import { labHtml, labMarkdown } from '../../../engine/feedback/report/labSections';
import { compilePolicy, type CompiledPolicy, type SlaTimer } from '../../../engine/sla';
import type { HandoffStore } from '../../../store';
import { periodBounds, type ReportPeriod } from '../../../engine/feedback/report/period';
import { clock } from '../../../shared/clock';
import { errorItem, toNodeError } from '../../../shared/items';
import { storeScopeOf, storeScopeOption } from '../../../shared/leadInput';
import { leaseStoreFor } from '../../../shared/store';

export const outputs = ['Summary', 'Rows'];
const SUMMARY = 0;
const ROWS = 1;

const FROM_STORE = { show: { rowsFrom: ['store'] } };
const FROM_ITEMS = { show: { rowsFrom: ['items'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Rows From',
		name: 'rowsFrom',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Lead Handoff Store', value: 'store', description: "The period's hand-offs in the store, with their owner, SLA timer, recorded outcome and score at hand-off" },
			{ name: 'Input Items', value: 'items', description: 'One hand-off with what became of it per input item' },
		],
		default: 'store',
	},
	{
		displayName: 'Period',
		name: 'period',
		type: 'options',
		displayOptions: FROM_STORE,
		options: [
			{ name: 'Last 30 Days', value: 'last30Days', description: 'Hand-offs of the 30 days up to now' },
			{ name: 'Last Month', value: 'lastMonth', description: "The last whole calendar month, in the workflow's time zone" },
			{ name: 'Custom', value: 'custom', description: 'From and to as given' },
		],
		default: 'last30Days',
	},
	{ displayName: 'From', name: 'periodFrom', type: 'dateTime', displayOptions: { show: { rowsFrom: ['store'], period: ['custom'] } }, default: '', description: 'Hand-offs at or after this time. Empty: from the first.' },
	{ displayName: 'To', name: 'periodTo', type: 'dateTime', displayOptions: { show: { rowsFrom: ['store'], period: ['custom'] } }, default: '', description: 'Hand-offs before this time. Empty: to the last.' },
	{ ...storeScopeOption, displayOptions: FROM_STORE },
	{
		displayOptions: FROM_ITEMS,
		displayName:
			'Each input item is one hand-off with what became of it: handedOffAt, score, grade, tier, source, campaign, rep, team, slaMinutes, slaBasis, firstTouchBusinessMinutes, firstTouchClockMinutes, metSla, stage, reached (first time per stage), wonAmount, currency, rejectionReason, lostReason, modelId; experiment and arm (champion or challenger) for a challenger experiment',
		name: 'rowsNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Row Field',
		name: 'rowField',
		type: 'string',
		displayOptions: FROM_ITEMS,
		default: '',
		placeholder: 'e.g. handoff',
		description: 'The field of each item that holds the hand-off row (a dot path). Empty: the item itself.',
	},
	{ displayName: 'From', name: 'from', type: 'dateTime', displayOptions: FROM_ITEMS, default: '', description: 'Only hand-offs at or after this time. Empty: from the first.' },
	{ displayName: 'To', name: 'to', type: 'dateTime', displayOptions: FROM_ITEMS, default: '', description: 'Only hand-offs before this time. Empty: to the last.' },
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
		displayName: 'Dashboard Page',
		name: 'dashboard',
		type: 'boolean',
		default: false,
		description:
			'Whether the summary carries dashboard: a whole HTML page with response times by rep, team and source against the SLA, SLA met, the open SLA timers and who holds them (from the store), the funnel and the charts inline. Answer a webhook with it to serve the page.',
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
			{ displayName: 'Dashboard Refresh (Seconds)', name: 'refreshSeconds', type: 'number', typeOptions: { minValue: 0 }, default: 60, description: 'The dashboard page reloads itself after this many seconds; 0 for never' },
		],
	},
];

interface ReportParameters {
	options: CompiledReportOptions;
	/** Undefined: rows from the items. */
	store?: { scope: string };
	rowField: string;
	charts: boolean;
	title?: string;
	maxFindings?: number;
	maxGroups?: number;
	chartWidth?: number;
	dashboard: boolean;
	refreshSeconds?: number;
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
	const o = ctx.getNodeParameter('reportOptions', 0, {}) as { title?: string; maxFindings?: number; maxGroups?: number; ratio?: number; chartWidth?: number; refreshSeconds?: number };
	const fromStore = ctx.getNodeParameter('rowsFrom', 0, 'store') === 'store';
	let from: number | undefined;
	let to: number | undefined;
	if (fromStore) {
		const period = ctx.getNodeParameter('period', 0, 'last30Days') as ReportPeriod;
		const custom = period === 'custom' ? { from: optionalTime(ctx.getNodeParameter('periodFrom', 0, ''), 'From', zone), to: optionalTime(ctx.getNodeParameter('periodTo', 0, ''), 'To', zone) } : {};
		({ from, to } = periodBounds(period, clock.now(), zone, custom));
	} else {
		from = optionalTime(ctx.getNodeParameter('from', 0, ''), 'From', zone);
		to = optionalTime(ctx.getNodeParameter('to', 0, ''), 'To', zone);
	}
	return {
		...(fromStore ? { store: { scope: storeScopeOf(ctx.getNodeParameter('scope', 0, undefined)) } } : {}),
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
		dashboard: ctx.getNodeParameter('dashboard', 0, false) as boolean,
		refreshSeconds: o.refreshSeconds,
	};
}

/** What the store says about scoring versions: the experiments that ran and the logged changes. */
interface ScoringHistory {
	experiments: ExperimentArms[];
	changes: LoggedChange[];
	/** The open SLA timers, read for the dashboard only. */
	openTimers: DashboardTimer[];
}

/** At most this many open timers are read for the dashboard. */
const OPEN_TIMERS_READ = 1000;

/** The period's rows from the store, read in batches. One summary for the input: the first item pairs it. */
async function readStoreRows(ctx: IExecuteFunctions, p: ReportParameters, rows: ReportRow[], history: ScoringHistory): Promise<void> {
	const lease = await leaseStoreFor(ctx);
	try {
		await lease.store.readReportRows({ scope: p.store!.scope, from: p.options.from, to: p.options.to }, (batch) => {
			for (const row of batch) rows.push(row);
		});
		history.experiments.push(...(await lease.store.listExperiments(p.store!.scope)));
		history.changes.push(...(await lease.store.listScoringChanges(p.store!.scope)));
		if (p.dashboard) history.openTimers.push(...(await openTimers(lease.store, p.store!.scope)));
	} catch (error) {
		throw toNodeError(ctx, error);
	} finally {
		lease.release();
	}
}

/** The scope's running timers, each with its lateness in its own calendar (policies compiled once each). */
async function openTimers(store: HandoffStore, scope: string): Promise<DashboardTimer[]> {
	const now = clock.now();
	const compiled = new Map<string, CompiledPolicy>();
	const out: DashboardTimer[] = [];
	for (const timer of await store.listSlaTimers<SlaTimer>(scope, { limit: OPEN_TIMERS_READ })) {
		let policy = compiled.get(timer.policyKey);
		if (!policy) {
			const found = await store.getSlaTimer<SlaTimer>(scope, timer.handoffKey);
			if (!found) continue;
			policy = compilePolicy(found.policy);
			compiled.set(timer.policyKey, policy);
		}
		out.push(dashboardTimer(timer, policy, now));
	}
	return out;
}

/** One row per input item (or its Row Field); a bad one stops the run, or leaves on the error output. */
function readItemRows(ctx: IExecuteFunctions, items: INodeExecutionData[], p: ReportParameters, zone: string, rows: ReportRow[], used: IPairedItemData[], out: INodeExecutionData[][]): void {
	const getRow = p.rowField === '' ? undefined : compilePath(p.rowField);
	for (let index = 0; index < items.length; index++) {
		try {
			const source = getRow ? getRow(items[index].json) : items[index].json;
			if (source === null || typeof source !== 'object' || Array.isArray(source)) throw new LeadDataError(p.rowField || 'item', 'a hand-off row (an object)', source);
			rows.push(reportRow(source as Record<string, unknown>, zone));
			used.push({ item: index });
		} catch (error) {
			if (!ctx.continueOnFail()) throw toNodeError(ctx, error, index);
			out[SUMMARY].push(errorItem(ctx, items[index], index, error));
		}
	}
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
	const rows: ReportRow[] = [];
	const used: IPairedItemData[] = [];
	const history: ScoringHistory = { experiments: [], changes: [], openTimers: [] };
	if (p.store) {
		await readStoreRows(this, p, rows, history);
		// The summary stands for every item that started the run.
		for (let index = 0; index < items.length; index++) used.push({ item: index });
	} else readItemRows(this, items, p, zone, rows, used, out);
	const report = buildReport(rows, p.options);
	const found = findings(report);
	const summaryOptions = { title: p.title, maxFindings: p.maxFindings, maxGroups: p.maxGroups };
	const inPeriod = rows.filter((r) => (p.options.from === undefined || r.handedOffAt >= p.options.from) && (p.options.to === undefined || r.handedOffAt < p.options.to));
	const arms = compareArms(inPeriod, history.experiments);
	const impacts = changeImpacts(inPeriod, history.changes, { from: p.options.from, to: p.options.to });
	const json: IDataObject = {
		title: p.title ?? 'Lead Quality Report',
		periodFrom: report.from === undefined ? null : new Date(report.from).toISOString(),
		periodTo: report.to === undefined ? null : new Date(report.to).toISOString(),
		handoffs: report.total.handoffs,
		findings: found.map((f) => f.text),
		findingsDetail: found.map((f) => ({ rule: f.rule, dimension: f.dimension, group: f.group, versus: f.versus ?? null, metric: f.metric, n: f.n, text: f.text })),
		findingsRule: findingsRule(report.options.minCount),
		total: groupItem(report, report.total),
		markdown: reportMarkdown(report, found, summaryOptions) + labMarkdown(arms, impacts),
		html: reportHtml(report, found, summaryOptions) + labHtml(arms, impacts),
		experiments: arms as unknown as IDataObject[],
		scoringChanges: impacts as unknown as IDataObject[],
	};
	let binary: IBinaryKeyData | undefined;
	const drawn: DashboardChart[] = [];
	if (p.charts && report.total.handoffs > 0) {
		// Loaded on demand: the chart renderer is only needed when charts are drawn.
		const { reportCharts } = await import('../../../engine/feedback/report/charts');
		binary = {};
		for (const chart of reportCharts(report, { width: p.chartWidth })) {
			binary[chart.name] = await this.helpers.prepareBinaryData(chart.png, chart.fileName, 'image/png');
			drawn.push(chart);
		}
	}
	if (p.dashboard) {
		json.dashboard = dashboardHtml(report, history.openTimers, drawn, { title: p.title, now: clock.now(), zone, refreshSeconds: p.refreshSeconds, maxGroups: p.maxGroups });
		json.openTimers = history.openTimers.length;
	}
	out[SUMMARY].unshift({ json, ...(binary ? { binary } : {}), pairedItem: used });
	for (const row of reportItems(report)) out[ROWS].push({ json: row, pairedItem: used });
	return out;
}
