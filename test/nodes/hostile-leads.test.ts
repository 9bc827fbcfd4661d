/**
 * Hostile leads through every node of the package in n8n-core's engine: arbitrary JSON, huge
 * strings, deep nesting, wrong types, dates out of range, NaN and Infinity as strings, unicode,
 * and `__proto__` / `constructor` / `prototype` keys, in every field a lead has. 10,000 leads in
 * all, batched into executions. None crashes the execution; with the error output every input
 * item leaves on exactly one output; without it a failed item stops the run with an error naming
 * the item; Object.prototype is untouched after every run.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { DEFAULT_TIERS } from '../../nodes/engine/routing';
import { HandoffGate } from '../../nodes/HandoffGate/HandoffGate.node.ts';
import { LeadEnrich } from '../../nodes/LeadEnrich/LeadEnrich.node.ts';
import { LeadFeedback } from '../../nodes/LeadFeedback/LeadFeedback.node.ts';
import { LeadHandoffData } from '../../nodes/LeadHandoffData/LeadHandoffData.node.ts';
import { LeadScore } from '../../nodes/LeadScore/LeadScore.node.ts';
import { ScoringLab } from '../../nodes/ScoringLab/ScoringLab.node.ts';
import { SlaTimer } from '../../nodes/SlaTimer/SlaTimer.node.ts';
import { closeAllStores } from '../../nodes/store';
import { tiersToEditorRows } from '../../nodes/TierRouter/editorRules';
import { TierRouter } from '../../nodes/TierRouter/TierRouter.node.ts';
import { score } from '../engine/gate/helpers';
import { runNode, type NodeSpec } from '../helpers/n8n-runner';
import { hostileLead, prototypeUntouched } from './hostile';

const root = mkdtempSync(path.join(os.tmpdir(), 'lead-handoff-hostile-'));
afterAll(async () => {
	await closeAllStores();
	rmSync(root, { recursive: true, force: true });
});
const store = (name: string) => ({ leadHandoffStoreApi: { backend: 'embedded', folder: path.join(root, name) } });

const AS_OF = '2026-06-15T12:00:00Z';
const routerTables = {
	tiers: { tier: tiersToEditorRows(DEFAULT_TIERS) },
	roster: { rep: [{ id: '101', name: 'Ana Ruiz' }, { id: '102', name: 'Ben Okafor' }] },
	teams: { team: [{ id: 'sales', name: 'Sales', members: '101, 102', strategy: 'roundRobin', outsideHours: 'allow' }] },
} as unknown as INodeParameters;

interface Case {
	title: string;
	spec: Omit<NodeSpec, 'onError'>;
	credentials?: Record<string, IDataObject>;
	/** Leads in this node's share of the 10,000. */
	leads: number;
	/** The node reads all its items together and sends one result (Scoring Lab's learning): no per-item output. */
	aggregate?: boolean;
	/** Leads as they reach the node: the gate and the router read Lead Score's result. */
	prepare?: (lead: IDataObject, n: number) => IDataObject;
}

/** A Lead Score result on the lead, unless the fuzzer already broke its score field. */
const scored = (lead: IDataObject, n: number): IDataObject =>
	Object.prototype.hasOwnProperty.call(lead, 'score') ? lead : { ...lead, score: score({ total: (n * 37) % 101, grade: n % 3 ? 'A1' : 'C3', asOf: AS_OF }) as unknown as IDataObject };

const cases: Case[] = [
	{ title: 'Lead Score', spec: { node: new LeadScore() }, leads: 1500 },
	{ title: 'Lead Enrich', spec: { node: new LeadEnrich(), parameters: { options: { asOf: AS_OF } } }, leads: 1500 },
	{ title: 'Lead Handoff Data', spec: { node: new LeadHandoffData() }, credentials: store('data'), leads: 1000 },
	{ title: 'Handoff Gate', spec: { node: new HandoffGate() }, credentials: store('gate'), leads: 1000, prepare: scored },
	{ title: 'Tier Router', spec: { node: new TierRouter(), parameters: routerTables }, credentials: store('router'), leads: 1000, prepare: scored },
	{
		title: 'SLA Timer: Start',
		spec: { node: new SlaTimer(), parameters: { operation: 'start', handoffKey: '={{ $json.eventId }}', ownerId: '={{ $json.ownerId }}', tier: 'Hot', slaMinutes: 30, startedAt: AS_OF } },
		credentials: store('sla'),
		leads: 750,
	},
	{ title: 'SLA Timer: Mark Contacted', spec: { node: new SlaTimer(), parameters: { operation: 'markContacted', findBy: 'leadKey', contactedAt: AS_OF } }, credentials: store('sla'), leads: 750 },
	{
		title: 'Lead Feedback: Record Outcome',
		spec: { node: new LeadFeedback(), parameters: { resource: 'outcome', operation: 'record', input: 'fields', fields: { eventId: '={{ $json.eventId }}', occurredAt: '={{ $json.at }}' } } },
		credentials: store('feedback'),
		leads: 1000,
	},
	{
		title: 'Lead Scoring Lab: Learn Point Table',
		spec: { node: new ScoringLab(), parameters: { operation: 'learnPointTable', rowsFrom: 'items', outcomeField: 'outcome', timeField: 'createdAt', labOptions: { resamples: 20 } } },
		leads: 1500,
		aggregate: true,
	},
];

const BATCH = 125;
const placed = (outputs: INodeExecutionData[][]) => outputs.flatMap((items, output) => items.map((item) => ({ item, output })));
const indexOf = (item: INodeExecutionData) => (item.pairedItem as { item: number }).item;

it('the cases cover 10,000 leads', () => {
	assert.equal(cases.reduce((sum, c) => sum + c.leads, 0), 10_000);
});

describe.each(cases)('$title', (c) => {
	const batches = (seed: number) => fc.sample(fc.array(hostileLead, { minLength: BATCH, maxLength: BATCH }), { numRuns: Math.ceil(c.leads / BATCH), seed }).map((leads) => leads.map((lead, n) => c.prepare?.(lead, n) ?? lead));

	it('with the error output: no crash, every item on exactly one output', async () => {
		for (const items of batches(1)) {
			const { outputs, error, runData } = await runNode({ ...c.spec, onError: 'continueErrorOutput', items, credentials: c.credentials as never, timezone: 'Europe/Berlin' });
			assert.equal(error, undefined, error?.message);
			const nodeRun = Object.values(runData).flat().find((r) => r.error);
			assert.equal(nodeRun?.error, undefined, `the node crashed: ${nodeRun?.error?.message}`);
			prototypeUntouched();
			const out = placed(outputs);
			if (c.aggregate) {
				assert.ok(out.length >= 1, 'one result or the error');
				continue;
			}
			const seen = out.map(({ item }) => indexOf(item)).sort((a, b) => a - b);
			assert.deepEqual(seen, items.map((_, i) => i), 'each input item exactly once');
			const errorOutput = outputs.length - 1;
			for (const { item, output } of out) if (output === errorOutput) assert.match(String(item.json.error), /\S/);
		}
	});

	it('without it: the run succeeds or stops with an error naming the item, never a TypeError', async () => {
		for (const items of batches(2).slice(0, 3)) {
			const { error } = await runNode({ ...c.spec, items, credentials: c.credentials as never, timezone: 'Europe/Berlin' });
			prototypeUntouched();
			if (!error) continue;
			assert.equal(error.name, 'NodeOperationError', `${error.name}: ${error.message}`);
			assert.doesNotMatch(error.message, /TypeError|Cannot read|is not a function|undefined|Maximum call stack/);
			if (!c.aggregate) assert.match(error.message, /^Item \d+: /);
		}
	});
});
