/**
 * A live workflow, through the nodes: Score As Of and Evaluate As Of empty, so the lead is judged
 * now by the node layer's clock (pinned here). A webhook event stamped by a clock a little ahead
 * of ours counts as happening now; far ahead it is left out and the score says so.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { DEFAULT_GATE } from '../../nodes/engine/gate';
import { HandoffGate } from '../../nodes/HandoffGate/HandoffGate.node.ts';
import { LeadScore } from '../../nodes/LeadScore/LeadScore.node.ts';
import { clock } from '../../nodes/shared/clock';
import { closeAllStores } from '../../nodes/store';
import { TierRouter } from '../../nodes/TierRouter/TierRouter.node.ts';
import { runNode, runWorkflow, type NodeSpec } from '../helpers/n8n-runner';

const root = mkdtempSync(path.join(os.tmpdir(), 'lead-handoff-clock-skew-'));
let stores = 0;
const freshStore = () => ({ leadHandoffStoreApi: { backend: 'embedded', folder: path.join(root, `s${++stores}`) } });

const NOW = Date.parse('2026-06-15T12:00:00.000Z');
const realNow = clock.now;
beforeAll(() => {
	clock.now = () => NOW;
});
afterAll(async () => {
	clock.now = realNow;
	await closeAllStores();
	rmSync(root, { recursive: true, force: true });
});

const iso = (ms: number) => new Date(ms).toISOString();
const gateJson = { rulesSource: 'json', rulesJson: JSON.stringify(DEFAULT_GATE) } as INodeParameters;
const routerJson = { rulesSource: 'json', rulesJson: '{}' } as INodeParameters;

/** A VP who just asked for a demo on the website, stamped by the browser's clock `ahead` ms fast. */
const demoRequest = (ahead: number): IDataObject => ({
	email: 'dana@globex.com',
	jobTitle: 'VP Marketing',
	industry: 'Software',
	companySize: 200,
	activities: [{ type: 'demo_request', url: 'https://globex.example/demo', timestamp: iso(NOW + ahead) }],
});

/** Lead Score (with `scoreOptions`) into `next`; the one item `next` put out and its output. */
async function scoredInto(next: NodeSpec, lead: IDataObject, scoreOptions: INodeParameters = {}): Promise<{ item: INodeExecutionData; output: number }> {
	const run = await runWorkflow({ nodes: [{ node: new LeadScore(), parameters: { options: scoreOptions } }, next], items: [lead], credentials: freshStore() });
	assert.equal(run.error, undefined, run.error?.message);
	const outputs = run.outputs[next.name ?? (next.node as HandoffGate).description.defaults.name!];
	const found = outputs.flatMap((items, output) => items.map((item) => ({ item, output })));
	assert.equal(found.length, 1, 'every item leaves on exactly one output');
	return found[0];
}

type Decision = { decision: string; fired: Array<{ group: string; id: string; at?: string }>; evaluatedAt: string };

describe('a live workflow: events stamped a little after now', () => {
	it('a demo request stamped 30 seconds after now, through Lead Score and Handoff Gate, is handed off as an intent', async () => {
		const { item, output } = await scoredInto({ node: new HandoffGate(), parameters: gateJson }, demoRequest(30_000));
		const handoff = item.json.handoff as Decision;
		assert.equal(handoff.decision, 'handoff');
		assert.equal(output, 0, 'it leaves on Handoff');
		const intent = handoff.fired.find((f) => f.id === 'demo-request');
		assert.equal(intent?.group, 'intent');
		assert.equal(intent?.at, iso(NOW), 'the evidence counts at the time the lead is judged, not after it');
		assert.equal(handoff.evaluatedAt, iso(NOW));
		assert.equal((item.json.score as { asOfLive?: boolean }).asOfLive, true);
	});

	it('Tier Router: the demo request 30 seconds ahead gets the tier it gets stamped now', async () => {
		const ahead = await scoredInto({ node: new TierRouter(), parameters: routerJson }, demoRequest(30_000));
		const atNow = await scoredInto({ node: new TierRouter(), parameters: routerJson }, demoRequest(0));
		const tier = (r: typeof ahead) => (r.item.json.routing as { tier: string }).tier;
		assert.equal(tier(ahead), tier(atNow));
		assert.equal(ahead.output, atNow.output);
	});

	it('Score As Of set to that time replays history: the demo request 30 seconds later does not count', async () => {
		const { item } = await scoredInto({ node: new HandoffGate(), parameters: gateJson }, demoRequest(30_000), { asOf: iso(NOW) });
		assert.notEqual((item.json.handoff as Decision).decision, 'handoff');
	});

	it('Lead Score: activity stamped further ahead than the clock skew allows is not counted, and the score says so', async () => {
		const lead = { ...demoRequest(0), activities: [{ type: 'webinar_attended', timestamp: iso(NOW + 2 * 3_600_000) }] };
		const result = await runNode({ node: new LeadScore(), parameters: {}, items: [lead] });
		const score = result.outputs[0][0].json.score as { engagement: number; ignored?: string; asOf: string };
		assert.equal(score.engagement, 0);
		assert.equal(score.ignored, '1 activity dated after now (clock skew over 5 min)');
		assert.equal(score.asOf, iso(NOW), 'empty Score As Of reads the node clock');
	});
});
