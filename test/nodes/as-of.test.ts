/**
 * History as it stood, through the nodes: Lead Score with Score As Of, then the Handoff Gate and
 * the Tier Router judging at the score's time. Activities dated after it change nothing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { DEFAULT_GATE } from '../../nodes/engine/gate';
import { HandoffGate } from '../../nodes/HandoffGate/HandoffGate.node.ts';
import { LeadScore } from '../../nodes/LeadScore/LeadScore.node.ts';
import { closeAllStores } from '../../nodes/store';
import { TierRouter } from '../../nodes/TierRouter/TierRouter.node.ts';
import { runWorkflow, type NodeSpec } from '../helpers/n8n-runner';

const root = mkdtempSync(path.join(os.tmpdir(), 'lead-handoff-as-of-'));
let stores = 0;
const freshStore = () => ({ leadHandoffStoreApi: { backend: 'embedded', folder: path.join(root, `s${++stores}`) } });

afterAll(async () => {
	await closeAllStores();
	rmSync(root, { recursive: true, force: true });
});

const AS_OF = '2026-06-15T12:00:00.000Z';
const gateJson = { rulesSource: 'json', rulesJson: JSON.stringify(DEFAULT_GATE) };
const routerJson = { rulesSource: 'json', rulesJson: '{}' };

/** A VP in the target profile who looked at pricing before AS_OF: 54.94 points then, Not Yet, MQL. */
const dana = {
	email: 'dana@globex.com',
	jobTitle: 'VP Marketing',
	industry: 'Software',
	companySize: 200,
	activities: [{ type: 'page_view', url: 'https://globex.example/pricing', timestamp: '2026-06-15T09:00:00Z' }],
};
/** What Dana did after AS_OF: enough for a hand-off and Hot, had it happened by then. */
const later = [
	{ type: 'webinar_attended', timestamp: '2026-06-16T17:00:00Z' },
	{ type: 'content_download', asset: 'Case study: Initech', timestamp: '2026-06-17T10:00:00Z' },
	{ type: 'demo_request', timestamp: '2026-06-18T08:00:00Z' },
];
const withLater = { ...dana, activities: [...dana.activities, ...later] };

/** Runs Lead Score (as of AS_OF) into `next`; returns the one item `next` put out, wherever it went. */
async function scoredInto(next: NodeSpec, lead: IDataObject): Promise<{ item: INodeExecutionData; output: number }> {
	const run = await runWorkflow({ nodes: [{ node: new LeadScore(), parameters: { options: { asOf: AS_OF } } }, next], items: [lead], credentials: freshStore() });
	assert.equal(run.error, undefined, run.error?.message);
	const outputs = run.outputs[next.name ?? (next.node as HandoffGate).description.defaults.name!];
	const found = outputs.flatMap((items, output) => items.map((item) => ({ item, output })));
	assert.equal(found.length, 1, 'every item leaves on exactly one output');
	return found[0];
}

describe('as of a time, through the nodes', () => {
	it('Handoff Gate: activities after Score As Of neither add points nor hand the lead off', async () => {
		const then = await scoredInto({ node: new HandoffGate(), parameters: gateJson as INodeParameters }, dana);
		const again = await scoredInto({ node: new HandoffGate(), parameters: gateJson as INodeParameters }, withLater);
		const decision = (r: typeof then) => r.item.json.handoff as { decision: string; reasons: string[]; evaluatedAt: string };
		assert.equal((then.item.json.score as { total: number }).total, 54.94);
		assert.deepEqual(again.item.json.score, then.item.json.score);
		assert.equal(decision(then).decision, 'notYet');
		assert.deepEqual([decision(again).decision, decision(again).reasons], [decision(then).decision, decision(then).reasons]);
		assert.equal(again.output, then.output);
		assert.equal(decision(again).evaluatedAt, AS_OF, 'the gate judges at the time the lead was scored');
	});

	it('Tier Router: the tier reads the lead as it stood, and the SLA runs from that time', async () => {
		const then = await scoredInto({ node: new TierRouter(), parameters: routerJson as INodeParameters }, dana);
		const again = await scoredInto({ node: new TierRouter(), parameters: routerJson as INodeParameters }, withLater);
		const routing = (r: typeof then) => r.item.json.routing as { tier: string; dueAt: string; tierReason: string };
		assert.equal(routing(then).tier, 'MQL');
		assert.deepEqual([routing(again).tier, routing(again).tierReason, routing(again).dueAt], [routing(then).tier, routing(then).tierReason, routing(then).dueAt]);
		assert.equal(again.output, then.output);
		assert.equal(routing(then).dueAt, '2026-06-17T12:00:00.000Z', 'MQL: acknowledged within 48 hours of the as-of time');
	});

	it('judging a lead before the time it was scored is an error on that item, naming the field', async () => {
		const run = await runWorkflow({
			nodes: [
				{ node: new LeadScore(), parameters: { options: { asOf: AS_OF } } },
				{ node: new HandoffGate(), parameters: { ...gateJson, options: { evaluateAt: '2026-06-01T00:00:00Z' } } as INodeParameters, onError: 'continueErrorOutput' },
			],
			items: [dana],
			credentials: freshStore(),
		});
		const outputs = run.outputs['Handoff Gate'];
		const errors = outputs[outputs.length - 1];
		assert.equal(outputs.slice(0, -1).flat().length, 0);
		assert.equal(errors.length, 1);
		assert.match(String(errors[0].json.error), /Field "score\.asOf": expected a time no later than 2026-06-01T00:00:00\.000Z/);
	});
});
