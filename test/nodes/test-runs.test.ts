/**
 * Test runs from the editor keep nothing: Lead Score, Handoff Gate and Tier Router in a manual
 * execution give the decisions, owner and due time a live run would, marked as a test, and leave
 * the store as it was, so trying the workflow again gives the same answer. Record Test Runs keeps
 * them; live executions always record. On both store backends.
 */
import assert from 'node:assert/strict';
import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData, INodeParameters, WorkflowExecuteMode } from 'n8n-workflow';

import { DEFAULT_TIERS } from '../../nodes/engine/routing';
import { HandoffGate } from '../../nodes/HandoffGate/HandoffGate.node.ts';
import { LeadHandoffData } from '../../nodes/LeadHandoffData/LeadHandoffData.node.ts';
import { LeadScore } from '../../nodes/LeadScore/LeadScore.node.ts';
import { closeAllStores, type StoreConfig } from '../../nodes/store';
import { tiersToEditorRows } from '../../nodes/TierRouter/editorRules';
import { TierRouter } from '../../nodes/TierRouter/TierRouter.node.ts';
import { runNode, runWorkflow } from '../helpers/n8n-runner';
import { BACKENDS, describeOn } from '../store/backends';
import { tableCounts } from '../store/tableCounts';

const leadScore = new LeadScore();
const gate = new HandoffGate();
const router = new TierRouter();
const data = new LeadHandoffData();

/** Monday 16 March 2026, 11:00 in Berlin: inside working hours. */
const AS_OF = '2026-03-16T10:00:00.000Z';
const demo = { email: 'sam@smallco.io', jobTitle: 'Analyst', country: 'DE', activities: [{ id: 'evt-1', type: 'demo_request', timestamp: '2026-03-16T08:00:00Z' }] };

const gateDefaults = () => Object.fromEntries(gate.description.properties.map((p) => [p.name, p.default])) as IDataObject;
const routing = {
	rulesSource: 'editor',
	tiers: { tier: tiersToEditorRows(DEFAULT_TIERS) },
	roster: {
		rep: [
			{ id: '101', name: 'Ana Ruiz', email: 'ana@example.com', timeZone: 'Europe/Berlin' },
			{ id: '102', name: 'Ben Okafor', email: 'ben@example.com', timeZone: 'Europe/Berlin' },
		],
	},
	teams: { team: [{ id: 'emea', name: 'EMEA', members: '101, 102', strategy: 'roundRobin', outsideHours: 'allow' }] },
	settings: { calendarZone: 'Europe/Berlin', workingHours: '09:00-18:00' },
} as IDataObject;

function credentialOf(config: StoreConfig): ICredentialDataDecryptedObject {
	if (config.kind === 'embedded') return { backend: 'embedded', folder: config.folder ?? '' };
	const { host, port, database, user, password, ssl, schema } = config;
	return { backend: 'postgres', host, port, database, user, password, ssl, schema };
}

type Handoff = { decision: string; reasons: string[]; duplicate?: boolean; test?: boolean; testNote?: string };
type Routing = { tier: string; ownerId: string | null; dueAt: string | null; assignedVia?: string; test?: boolean; duplicate?: boolean };

/** Lead Score (record and rescore) into the gate, its Hand Off output into the router. */
async function pipeline(config: StoreConfig, mode: WorkflowExecuteMode, recordTestRuns = false, items: IDataObject[] = [demo]) {
	const record = recordTestRuns ? { recordTestRuns: true } : {};
	const run = await runWorkflow({
		nodes: [
			{ node: leadScore, parameters: { mode: 'recordAndRescore', options: { asOf: AS_OF, ...record } } },
			{ node: gate, parameters: { ...gateDefaults(), options: record } as INodeParameters },
			{ node: router, parameters: { ...routing, options: record } as INodeParameters },
		],
		connections: [
			{ from: 'Lead Score', to: 'Handoff Gate' },
			{ from: 'Handoff Gate', to: 'Tier Router', output: 0 },
		],
		items,
		credentials: { leadHandoffStoreApi: credentialOf(config) },
		mode,
	});
	assert.equal(run.error, undefined, run.error?.message);
	const gateOutputs = run.outputs['Handoff Gate'];
	const handedOff = gateOutputs[0];
	const routed = (run.outputs['Tier Router'] ?? []).flat();
	return {
		outputs: gateOutputs.map((o) => o.length),
		handoffs: gateOutputs.flat().map((i) => i.json.handoff as Handoff),
		handedOff: handedOff.map((i) => i.json.handoff as Handoff),
		routings: routed.map((i) => i.json.routing as Routing),
		scores: (run.outputs['Lead Score'] ?? []).flat().map((i) => i.json.score as IDataObject),
	};
}

/** What a run decided, without its test marks. */
const decisions = (result: Awaited<ReturnType<typeof pipeline>>) => ({
	outputs: result.outputs,
	handoffs: result.handoffs.map(({ decision, reasons }) => ({ decision, reasons })),
	routings: result.routings.map(({ tier, ownerId, dueAt, assignedVia }) => ({ tier, ownerId, dueAt, assignedVia })),
	scores: result.scores.map(({ total, grade }) => ({ total, grade })),
});

afterAll(() => closeAllStores());

for (const makeBackend of BACKENDS) {
	const backend = makeBackend();
	describeOn(backend)(`Test runs from the editor (${backend.name} store)`, () => {
		afterAll(async () => {
			await closeAllStores();
			await backend.cleanup();
		});

		it('a test run shows the live decision, owner and due time, marked as a test, and keeps nothing', async () => {
			const config = await backend.fresh();
			// One lead handed off for real first: the store is not empty, and must stay as it is.
			await pipeline(config, 'webhook', false, [{ ...demo, email: 'earlier@smallco.io' }]);
			const before = await tableCounts(config);
			const first = await pipeline(config, 'manual');
			const second = await pipeline(config, 'manual');
			assert.deepEqual(first.outputs, [1, 0, 0, 0], 'the demo request hands off');
			assert.equal(first.routings.length, 1);
			assert.ok(first.routings[0].ownerId, 'an owner is picked');
			assert.ok(first.routings[0].dueAt, 'with a due time');
			assert.deepEqual(decisions(second), decisions(first), 'the same answer again: no "already handed off", the same round-robin turn');
			for (const marked of [...first.handoffs, ...first.routings, ...first.scores, ...second.handoffs, ...second.routings]) {
				assert.equal(marked.test, true);
			}
			assert.match(first.handoffs[0].testNote ?? '', /nothing was recorded/);
			assert.deepEqual(await tableCounts(config), before, 'every table holds what it held before the test runs');
		});

		it('a live run after test runs behaves like the first run ever', async () => {
			const config = await backend.fresh();
			const live = await pipeline(config, 'webhook');
			const afterLive = await tableCounts(config);
			const other = await backend.fresh();
			await pipeline(other, 'manual');
			await pipeline(other, 'manual');
			const liveAfterTests = await pipeline(other, 'webhook');
			assert.deepEqual(decisions(liveAfterTests), decisions(live));
			assert.equal(liveAfterTests.handoffs[0].test, undefined, 'a live run is not marked');
			assert.equal(liveAfterTests.routings[0].test, undefined);
			assert.deepEqual(await tableCounts(other), afterLive, 'the live run recorded what it records in a store that never saw a test run');
			// `n8n execute` is a live run too.
			const cli = await pipeline(config, 'cli');
			assert.deepEqual(cli.outputs, [0, 0, 0, 1], 'the same event from the command line: already handed off');
		});

		it('Record Test Runs keeps a test run: the second one finds the lead handed off', async () => {
			const config = await backend.fresh();
			const first = await pipeline(config, 'manual', true);
			assert.deepEqual(first.outputs, [1, 0, 0, 0]);
			assert.equal(first.handoffs[0].test, undefined, 'recorded: not marked as a test that kept nothing');
			const second = await pipeline(config, 'manual', true);
			assert.deepEqual(second.outputs, [0, 0, 0, 1], 'Already Handed Off');
			assert.equal(second.handoffs[0].duplicate, true);
		});

		it('two items of one lead in one test run see each other, as in a live run', async () => {
			const later = { ...demo, activities: [{ id: 'evt-2', type: 'demo_request', timestamp: '2026-03-16T09:00:00Z' }] };
			const live = await pipeline(await backend.fresh(), 'webhook', false, [demo, later]);
			const config = await backend.fresh();
			const test = await pipeline(config, 'manual', false, [demo, later]);
			assert.deepEqual(decisions(test), decisions(live));
			assert.deepEqual(test.outputs, [1, 0, 0, 1], 'the second event finds the first one handed off');
			assert.deepEqual(Object.values(await tableCounts(config)).reduce((a, b) => a + b, 0), 0, 'and nothing is kept');
		});

		it('Release Hand-Off lets a recorded hand-off go again, and says so in the history', async () => {
			const config = await backend.fresh();
			const credentials = { leadHandoffStoreApi: credentialOf(config) };
			const first = await pipeline(config, 'webhook');
			const owner = first.routings[0].ownerId;
			const release = (mode: WorkflowExecuteMode) =>
				runNode({ node: data, parameters: { operation: 'release', leadKey: demo.email, reason: 'Testing the workflow', releasedBy: 'ops@example.com' }, items: [{}], credentials, mode });
			const released = await release('manual');
			assert.equal(released.error, undefined, released.error?.message);
			assert.equal(released.outputs[0][0].json.released, true, 'a release in a test run is real');
			const again = await release('webhook');
			assert.equal(again.outputs[0][0].json.released, false);
			assert.match(String(again.outputs[0][0].json.note), /Nothing to release/);
			const rerun = await pipeline(config, 'webhook');
			assert.deepEqual(rerun.outputs, [1, 0, 0, 0], 'the same event hands off again');
			assert.equal(rerun.routings[0].ownerId, owner === '101' ? '102' : '101', 'and is routed again, to the next rep in turn');
			const history = await runNode({ node: data, parameters: { operation: 'getHistory', leadKey: demo.email }, items: [{}], credentials });
			const json = history.outputs[0][0].json as { releases: Array<{ reason: string; releasedBy: string; assignments: Array<{ ownerId: string }> }>; handoffs: unknown[]; currentHandoff: unknown };
			assert.equal(json.releases.length, 1);
			assert.equal(json.releases[0].reason, 'Testing the workflow');
			assert.equal(json.releases[0].releasedBy, 'ops@example.com');
			assert.deepEqual(json.releases[0].assignments.map((a) => a.ownerId), [owner]);
			assert.equal(json.handoffs.length, 1);
			assert.notEqual(json.currentHandoff, null);
		});

		it('Release Hand-Off needs a reason', async () => {
			const config = await backend.fresh();
			const { outputs } = await runNode({
				node: data,
				parameters: { operation: 'release', leadKey: demo.email, reason: ' ' },
				items: [{}],
				credentials: { leadHandoffStoreApi: credentialOf(config) },
				onError: 'continueRegularOutput',
			});
			assert.match(String((outputs[0][0] as INodeExecutionData).json.error), /Reason/);
		});
	});
}
