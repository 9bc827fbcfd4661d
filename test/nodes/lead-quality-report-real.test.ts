/**
 * The Lead Quality Report from the store over the real X Education leads (../shared/data), each
 * loaded through the nodes as a workflow would: Lead Score records the lead's form submission
 * (with its lead source and origin as the activity's source and campaign) and scores it with a
 * point table that gives the mapping's score (./engine/feedback/report/x-education.ts); Handoff
 * Gate hands every lead off; Lead Feedback's Record Outcome records what sales did (from the
 * lead's tags and `Converted`). Then the report reads its rows from the store, and the counts and
 * rates per score band and per source are checked against the computation from the CSV alone
 * (x-education-tally.ts).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { parse } from 'csv-parse/sync';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { HandoffGate } from '../../nodes/HandoffGate/HandoffGate.node';
import { LeadFeedback } from '../../nodes/LeadFeedback/LeadFeedback.node';
import { LeadScore } from '../../nodes/LeadScore/LeadScore.node';
import { clock } from '../../nodes/shared/clock';
import { closeAllStores } from '../../nodes/store';
import { BAD_DATA, CALLING, DATA, LOST, NOT_QUALIFIED, score, type Csv } from '../engine/feedback/report/x-education';
import { bandOfScore, checkItems, tallies } from '../engine/feedback/report/x-education-tally';
import { runNode, runWorkflow } from '../helpers/n8n-runner';

/** How many leads go through the nodes: the first ones of the file (LH_REPORT_LEADS=all for all 9,240). */
const LEADS = process.env.LH_REPORT_LEADS === 'all' ? Infinity : Number(process.env.LH_REPORT_LEADS ?? 3000);
const T = Date.parse('2026-11-16T09:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The mapping's score as a point table: time on the site in three steps, 3 points a visit up to 10, 20 for the lead form. */
const SCORING = {
	fit: [
		{ label: 'Two minutes on the site', field: 'timeOnSite', operator: 'greaterThan', value: 119, points: 10 },
		{ label: 'Ten minutes on the site', field: 'timeOnSite', operator: 'greaterThan', value: 599, points: 20 },
		{ label: 'Twenty minutes on the site', field: 'timeOnSite', operator: 'greaterThan', value: 1199, points: 20 },
		...Array.from({ length: 10 }, (_, k) => ({ label: `Visit ${k + 1}`, field: 'visits', operator: 'greaterThan', value: k, points: 3 })),
		{ label: 'Lead form', field: 'origin', operator: 'equals', value: 'Lead Add Form', points: 20 },
	],
	engagement: [],
	negative: [],
	decay: { kind: 'none' },
};
const EVERY_LEAD = { disqualifiers: [], intents: [], triggers: [{ id: 'every-lead', name: 'Every lead', when: { score: 'total', atLeast: 0 } }] };

function leadItem(lead: Csv): IDataObject {
	const activity: IDataObject = { id: 'form', type: 'form_submit', timestamp: new Date(T - HOUR).toISOString(), campaign: lead['Lead Origin'] };
	if (lead['Lead Source']) activity.source = lead['Lead Source'];
	return {
		leadKey: lead['Prospect ID'],
		timeOnSite: Number(lead['Total Time Spent on Website']) || 0,
		visits: Number(lead.TotalVisits) || 0,
		origin: lead['Lead Origin'],
		activities: [activity],
	};
}

/** What sales did with the lead, as a CRM would send it (nothing for a lead without tags that did not convert). */
function outcomeItem(lead: Csv): IDataObject | undefined {
	const id = lead['Prospect ID'];
	const tag = lead.Tags;
	const base = { leadKey: id, eventId: `${id}:1` };
	if (lead.Converted === '1') return { ...base, disposition: 'won', amount: '800', currency: 'USD', at: new Date(T + 21 * DAY).toISOString() };
	const at = new Date(T + 2 * HOUR).toISOString();
	if (NOT_QUALIFIED.includes(tag)) return { ...base, disposition: 'rejected', reason: 'not qualified', at };
	if (BAD_DATA.includes(tag)) return { ...base, disposition: 'rejected', reason: 'bad data', at };
	if (LOST.includes(tag)) return { ...base, disposition: 'lost', reason: 'chose competitor', at: new Date(T + 10 * DAY).toISOString() };
	if (CALLING.includes(tag)) return { ...base, disposition: 'accepted', at };
	if (tag !== '') return { ...base, disposition: 'contacted', at };
	return undefined;
}

const describeData = existsSync(DATA) ? describe : describe.skip;

describeData('the Lead Quality Report from the store, the X Education leads loaded through the nodes', () => {
	const root = mkdtempSync(path.join(os.tmpdir(), 'lead-handoff-report-real-'));
	const credentials = { leadHandoffStoreApi: { backend: 'embedded', folder: path.join(root, 'store') } };
	const all = parse(readFileSync(DATA), { columns: true, skip_empty_lines: true, relax_column_count: true }) as Csv[];
	const leads = all.slice(0, Math.min(LEADS, all.length));
	const realNow = clock.now;
	let report: { summary: IDataObject; rows: IDataObject[] };

	beforeAll(async () => {
		clock.now = () => T;
		const loaded = await runWorkflow({
			nodes: [
				{ node: new LeadScore(), parameters: { mode: 'recordAndRescore', leadKey: '={{ $json.leadKey }}', rulesSource: 'json', rulesJson: JSON.stringify(SCORING) } },
				{ node: new HandoffGate(), parameters: { leadKey: '={{ $json.leadKey }}', rulesSource: 'json', rulesJson: JSON.stringify(EVERY_LEAD) } },
			],
			items: leads.map(leadItem),
			credentials,
			timezone: 'Europe/Berlin',
		});
		assert.equal(loaded.error, undefined, loaded.error?.message);
		assert.equal(loaded.outputs['Handoff Gate'][0].length, leads.length, 'every lead handed off');

		const outcomes = leads.map(outcomeItem).filter((o): o is IDataObject => o !== undefined);
		const recorded = await runNode({
			node: new LeadFeedback(),
			parameters: {
				resource: 'outcome',
				operation: 'record',
				input: 'fields',
				leadKey: '={{ $json.leadKey }}',
				disposition: '={{ $json.disposition }}',
				fields: { eventId: '={{ $json.eventId }}', occurredAt: '={{ $json.at }}', reason: '={{ $json.reason ?? "" }}', amount: '={{ $json.amount ?? "" }}', currency: '={{ $json.currency ?? "" }}' },
			} as INodeParameters,
			items: outcomes,
			credentials,
			timezone: 'Europe/Berlin',
		});
		assert.equal(recorded.error, undefined, recorded.error?.message);
		assert.equal(recorded.outputs[0].length, outcomes.length, 'every outcome recorded');

		clock.now = () => T + 30 * DAY;
		const run = await runNode({
			node: new LeadFeedback(),
			parameters: { resource: 'report', operation: 'leadQuality', period: 'last30Days', charts: false },
			items: [{}],
			credentials,
			timezone: 'Europe/Berlin',
		});
		assert.equal(run.error, undefined, run.error?.message);
		report = { summary: run.outputs[0][0].json, rows: run.outputs[1].map((i) => i.json) };
	}, 600_000);

	afterAll(async () => {
		clock.now = realNow;
		await closeAllStores();
		rmSync(root, { recursive: true, force: true });
	});

	const groups = (dimension: string) => report.rows.filter((r) => r.dimension === dimension);

	it('counts every lead handed off once, and its conversions', () => {
		assert.equal(report.summary.handoffs, leads.length);
		const total = report.rows.find((r) => r.dimension === 'total')!;
		assert.equal(total.won, leads.filter((l) => l.Converted === '1').length);
	});

	it('per score band: the same counts and rates as computed from the CSV', () => {
		checkItems(groups('scoreBand'), tallies(leads, (lead) => bandOfScore(score(lead))), 'band');
	});

	it('per source: the same counts and rates as computed from the CSV', () => {
		checkItems(groups('source'), tallies(leads, (lead) => lead['Lead Source'] || '(none)'), 'source');
	});
});
