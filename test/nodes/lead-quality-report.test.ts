/**
 * Lead Feedback's Lead Quality Report in n8n-core's engine. Rows from input items: a summary
 * (Markdown, HTML, findings, PNG charts as binary data) out on Summary and one item per breakdown
 * row on Rows; the period and the score bands as parameters; a bad row names the item and the
 * field, and under "continue" leaves on the error output while the report goes on without it; no
 * store credential is needed. Rows from the store: the period's hand-offs joined with their
 * owner, SLA timer, outcome and score at hand-off, the period in the workflow's time zone.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { LeadFeedback } from '../../nodes/LeadFeedback/LeadFeedback.node';
import { clock } from '../../nodes/shared/clock';
import { closeAllStores, createStore } from '../../nodes/store';
import { runNode, type OnError } from '../helpers/n8n-runner';
import { start } from '../store/sla-support';

const node = new LeadFeedback();
const T0 = Date.parse('2026-11-02T09:00:00Z');

function handoffs(): IDataObject[] {
	const items: IDataObject[] = [];
	for (let i = 0; i < 120; i++) {
		const slow = i % 2 === 0;
		const won = i % 4 === 1;
		items.push({
			handedOffAt: new Date(T0 + i * 3_600_000).toISOString(),
			score: i % 3 === 0 ? 85 : 65,
			source: i % 3 === 0 ? 'Organic' : 'Paid Search',
			rep: slow ? 'Ben Okafor' : 'Ana Silva',
			slaMinutes: 60,
			slaBasis: 'business',
			firstTouchBusinessMinutes: slow ? 300 : 20,
			metSla: !slow,
			stage: won ? 'won' : 'contacted',
			reached: won ? { won: new Date(T0 + i * 3_600_000 + 10 * 86_400_000).toISOString() } : {},
			wonAmount: won ? 1200 : undefined,
			currency: won ? 'EUR' : undefined,
		});
	}
	return items;
}

async function report(items: IDataObject[], parameters: INodeParameters = {}, onError?: OnError) {
	return runNode({ node, parameters: { resource: 'report', operation: 'leadQuality', rowsFrom: 'items', ...parameters }, items, onError, timezone: 'Europe/Berlin' });
}

describe('Lead Quality Report from input items', () => {
	it('sends one summary with Markdown, HTML, the findings and three PNG charts, and one item per breakdown row', async () => {
		const { outputs, error } = await report(handoffs());
		assert.equal(error, undefined);
		const [summary, rows] = outputs;
		assert.equal(summary.length, 1);
		const s = summary[0];
		assert.equal(s.json.handoffs, 120);
		assert.ok((s.json.findings as string[]).includes("Ben Okafor's median first touch is 5 h against a 1 h business SLA (n = 60; 95 % interval of the median 5 h to 5 h)"));
		assert.match(String(s.json.markdown), /^# Lead Quality Report\n/);
		assert.match(String(s.json.html), /<h2 style="font-size:16px">By rep<\/h2>/);
		assert.match(String(s.json.findingsRule), /at least 30 hand-offs/);
		assert.deepEqual(Object.keys(s.binary ?? {}).sort(), ['conversionByScoreBand', 'funnel', 'speedToContactByRep']);
		for (const chart of Object.values(s.binary!)) {
			assert.equal(chart.mimeType, 'image/png');
			assert.ok(Buffer.from(chart.data, 'base64').subarray(1, 4).equals(Buffer.from('PNG')));
		}
		assert.equal((s.pairedItem as Array<{ item: number }>).length, 120);
		// All hand-offs, 2 bands, no grade, no tier, 2 sources, no campaign, 2 reps, no team.
		assert.equal(rows.length, 1 + 2 + 1 + 1 + 2 + 1 + 2 + 1);
		const organic = rows.find((r) => r.json.dimension === 'source' && r.json.group === 'Organic')!;
		assert.equal(organic.json.handoffs, 40);
		assert.equal(organic.json.breakdown, 'Source');
	});

	it('keeps the hand-offs of the period, reading times without an offset in the workflow time zone', async () => {
		// 09:00 UTC is 10:00 in Berlin: From 10:00 keeps the first hand-off, To 12:00 stops before the third.
		const { outputs } = await report(handoffs(), { from: '2026-11-02T10:00:00', to: '2026-11-02T12:00:00', charts: false });
		assert.equal(outputs[0][0].json.handoffs, 2);
		assert.equal(outputs[0][0].json.periodFrom, '2026-11-02T09:00:00.000Z');
		assert.equal(outputs[0][0].binary, undefined);
	});

	it('reads the rows from a field of the items when told, with the score bands given', async () => {
		const { outputs } = await report(
			handoffs().map((h) => ({ handoff: h })),
			{ rowField: 'handoff', bands: '70', charts: false },
		);
		const bands = outputs[1].filter((r) => r.json.dimension === 'scoreBand').map((r) => [r.json.group, r.json.handoffs]);
		assert.deepEqual(bands, [
			['< 70', 80],
			['70+', 40],
		]);
	});

	it('stops on a bad row, naming the item and the field', async () => {
		const items = handoffs();
		items[7] = { ...items[7], stage: 'signed' };
		const { error } = await report(items, { charts: false });
		assert.match(String(error?.message), /^Item 7: Field "stage": expected one of handedOff, accepted/);
	});

	it('under "continue (using error output)" the bad row leaves there and the report goes on without it', async () => {
		const items = handoffs();
		items[3] = { ...items[3], handedOffAt: 'yesterday' };
		const { outputs } = await report(items, { charts: false }, 'continueErrorOutput');
		const [summary, rows, errors] = outputs;
		assert.equal(summary.length, 1);
		assert.equal(summary[0].json.handoffs, 119);
		assert.ok(rows.length > 0);
		assert.equal(errors.length, 1);
		assert.match(String(errors[0].json.error), /Item 3: Field "handedOffAt"/);
		assert.deepEqual(errors[0].pairedItem, { item: 3 });
	});

	it('refuses score bands that are not ascending whole numbers before reading any row', async () => {
		const { error } = await report(handoffs(), { bands: '60, 40' });
		assert.match(String(error?.message), /Invalid protocol: \/bands\/1: bands must ascend: 40 comes after 60/);
		const { error: text } = await report(handoffs(), { bands: '40, high' });
		assert.match(String(text?.message), /Score Bands: expected whole numbers separated by commas/);
	});
});

describe('Lead Quality Report from the store', () => {
	const root = mkdtempSync(path.join(os.tmpdir(), 'lead-handoff-report-'));
	const realNow = clock.now;
	// Now: 2026-12-02 10:00 UTC. Last month in Berlin: 1 November 00:00 to 1 December 00:00 local time.
	const NOW = Date.parse('2026-12-02T10:00:00Z');
	let folder: string;

	beforeAll(async () => {
		folder = path.join(root, 'store');
		const store = await createStore({ kind: 'embedded', folder });
		const at = (iso: string) => Date.parse(iso);
		// Ana's lead: scored 85 (A) by model m-3, handed off in November, contacted, won.
		await store.saveScore('default', 'ana@x.com', { snapshotKey: 's1', modelId: 'm-3', asOf: at('2026-11-10T08:00:00Z'), total: 85, fit: 50, engagement: 35, negative: 0, velocity: null, grade: 'A', score: {} }, []);
		await store.decideHandoff({ scope: 'default', leadKey: 'ana@x.com', eventKey: 'h-ana', at: at('2026-11-10T09:00:00Z') }, () => ({ handoff: true, details: {} }));
		await store.assignLead({ scope: 'default', leadKey: 'ana@x.com', eventKey: 'h-ana', at: at('2026-11-10T09:00:00Z'), team: 'EMEA', reps: [] }, () => ({ repId: 'ben', details: {} }));
		await start(store, { handoffKey: 'h-ana', leadKey: 'ana@x.com', startedAt: at('2026-11-10T09:00:00Z'), ownerId: 'ben' });
		// A lead handed off on 30 November 23:30 UTC: 1 December 00:30 in Berlin, so not in last month there.
		await store.decideHandoff({ scope: 'default', leadKey: 'late@x.com', eventKey: 'h-late', at: at('2026-11-30T23:30:00Z') }, () => ({ handoff: true, details: {} }));
		// Another scope's hand-off is never read.
		await store.decideHandoff({ scope: 'other', leadKey: 'ana@x.com', eventKey: 'h-other', at: at('2026-11-11T09:00:00Z') }, () => ({ handoff: true, details: {} }));
	});
	beforeEach(() => {
		clock.now = () => NOW;
	});
	afterEach(() => {
		clock.now = realNow;
	});
	afterAll(async () => {
		await closeAllStores();
		rmSync(root, { recursive: true, force: true });
	});

	async function fromStore(parameters: INodeParameters, withCredential = true) {
		const result = await runNode({
			node,
			parameters: { resource: 'report', operation: 'leadQuality', charts: false, ...parameters },
			items: [{}],
			timezone: 'Europe/Berlin',
			...(withCredential ? { credentials: { leadHandoffStoreApi: { backend: 'embedded', folder } } } : {}),
		});
		return result;
	}

	it("reads last month's hand-offs in the workflow's time zone, with the score, owner and SLA of each", async () => {
		const { outputs, error } = await fromStore({ period: 'lastMonth' });
		assert.equal(error, undefined);
		const [summary, rows] = outputs;
		assert.equal(summary[0].json.handoffs, 1);
		assert.equal(summary[0].json.periodFrom, '2026-10-31T23:00:00.000Z');
		assert.equal(summary[0].json.periodTo, '2026-11-30T23:00:00.000Z');
		const group = (dimension: string) => rows.filter((r) => r.json.dimension === dimension).map((r) => r.json.group);
		assert.deepEqual(group('scoreBand'), ['80+']);
		assert.deepEqual(group('grade'), ['A']);
		assert.deepEqual(group('team'), ['EMEA']);
		assert.deepEqual(group('rep'), ['ben']);
	});

	it('reads the last 30 days by default, and a custom period as given', async () => {
		const last30 = await fromStore({});
		assert.equal(last30.outputs[0][0].json.handoffs, 2);
		const custom = await fromStore({ period: 'custom', periodFrom: '2026-12-01T00:00:00', periodTo: '2026-12-02T00:00:00' });
		assert.equal(custom.outputs[0][0].json.handoffs, 1, 'only the hand-off of 1 December, Berlin time');
		const other = await fromStore({ scope: 'other' });
		assert.equal(other.outputs[0][0].json.handoffs, 1);
	});

	it('asks for the store credential only when the rows come from the store', async () => {
		const { error } = await fromStore({}, false);
		assert.match(String(error?.message), /no "Lead Handoff Store" credential is selected/);
		const { error: none, outputs } = await report(handoffs(), { charts: false });
		assert.equal(none, undefined);
		assert.equal(outputs[0][0].json.handoffs, 120);
		const credential = node.description.credentials![0];
		assert.deepEqual(credential.displayOptions, { hide: { rowsFrom: ['items'] } });
	});
});
