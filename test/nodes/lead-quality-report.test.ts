/**
 * The Lead Quality Report operation in n8n-core's engine: hand-off rows in as items, a summary
 * (Markdown, HTML, findings, PNG charts as binary data) out on Summary and one item per breakdown
 * row on Rows; the period and the score bands as parameters; a bad row names the item and the
 * field, and under "continue" leaves on the error output while the report goes on without it.
 *
 * The operation module is run inside a small node of its own here, with the operation's own
 * parameters and outputs, as Lead Feedback's router runs it.
 */
import assert from 'node:assert/strict';
import { NodeConnectionTypes, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeParameters, type INodeType, type INodeTypeDescription } from 'n8n-workflow';

import type { OperationModule } from '../../nodes/LeadFeedback/actions/common';
import * as leadQuality from '../../nodes/LeadFeedback/actions/report/leadQuality';
import { runNode, type OnError } from '../helpers/n8n-runner';

/** The module as Lead Feedback's router takes an operation (checked by the type-check). */
const operation: OperationModule = leadQuality;

class LeadQualityReportNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Lead Quality Report',
		name: 'leadQualityReport',
		group: ['transform'],
		version: 1,
		description: 'The Lead Quality Report operation',
		defaults: { name: 'Lead Quality Report' },
		inputs: [NodeConnectionTypes.Main],
		outputs: leadQuality.outputs.map((displayName) => ({ type: NodeConnectionTypes.Main, displayName })),
		properties: operation.description,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return operation.execute.call(this);
	}
}

const node = new LeadQualityReportNode();
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
	return runNode({ node, parameters, items, onError, timezone: 'Europe/Berlin' });
}

describe('Lead Quality Report', () => {
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
