/**
 * Where items go, for every node of the package in n8n-core's engine: each input item leaves on
 * exactly one output (or the error output), paired to its input; a failed item never leaves on
 * an output that puts someone on the lead (Hand Off, Not Yet, Already Handed Off; a tier with an
 * owner or a due time); and binary data travels with the item, as n8n's If and Switch keep it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import type { IBinaryKeyData, IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { DEFAULT_TIERS } from '../../nodes/engine/routing';
import { HandoffGate } from '../../nodes/HandoffGate/HandoffGate.node.ts';
import { LeadEnrich } from '../../nodes/LeadEnrich/LeadEnrich.node.ts';
import { LeadHandoffData } from '../../nodes/LeadHandoffData/LeadHandoffData.node.ts';
import { LeadScore } from '../../nodes/LeadScore/LeadScore.node.ts';
import { closeAllStores } from '../../nodes/store';
import { tiersToEditorRows } from '../../nodes/TierRouter/editorRules';
import { TierRouter } from '../../nodes/TierRouter/TierRouter.node.ts';
import { score } from '../engine/gate/helpers';
import { runNode, type NodeSpec, type OnError } from '../helpers/n8n-runner';

const root = mkdtempSync(path.join(os.tmpdir(), 'lead-handoff-items-'));
afterAll(async () => {
	await closeAllStores();
	rmSync(root, { recursive: true, force: true });
});
const store = (name: string) => ({ leadHandoffStoreApi: { backend: 'embedded', folder: path.join(root, name) } });

const AS_OF = '2026-06-15T12:00:00Z';
const recent = (type: string, hoursAgo: number, extra: IDataObject = {}) => ({ type, timestamp: new Date(Date.parse(AS_OF) - hoursAgo * 3_600_000).toISOString(), ...extra });

/** What varies between random leads: how hot they are, and, for a bad one, how it is broken. */
interface Shape {
	bad: boolean;
	total: number;
	demo: boolean;
	pricing: boolean;
	student: boolean;
	breakage: number;
}

const shape: fc.Arbitrary<Shape> = fc.record({
	bad: fc.boolean(),
	total: fc.integer({ min: 0, max: 100 }),
	demo: fc.boolean(),
	pricing: fc.boolean(),
	student: fc.boolean(),
	breakage: fc.nat(2),
});

const activitiesOf = (s: Shape) => [
	...(s.demo ? [recent('demo_request', 3)] : []),
	...(s.pricing ? [recent('page_view', 2, { url: 'https://example.com/pricing' })] : []),
	recent('email_open', 30),
];

/** A scored lead as Lead Score leaves it, or one the gate and the router cannot read. */
function scoredLead(email: string, s: Shape): IDataObject {
	const lead: IDataObject = { email, jobTitle: s.student ? 'Marketing Student' : 'Head of Sales', activities: activitiesOf(s) };
	if (!s.bad) return { ...lead, score: score({ total: s.total, grade: s.total >= 60 ? 'A1' : 'C3', asOf: AS_OF }) as unknown as IDataObject };
	return [{ ...lead }, { ...lead, email: '', score: score({ total: s.total, asOf: AS_OF }) as unknown as IDataObject }, { ...lead, score: 'high' }][s.breakage];
}

/** A raw lead for Lead Score and Lead Enrich; a bad one has an activity no one can date or type. */
function rawLead(email: string, s: Shape): IDataObject {
	const lead: IDataObject = { email, firstName: 'Dana', activities: activitiesOf(s) };
	if (!s.bad) return lead;
	const broken = [{ type: 'page_view', timestamp: 'the day before yesterday' }, { type: 'page_view', timestamp: { when: 'soon' } }, { type: 'page_view', timestamp: 'yesterday' }][s.breakage];
	return { ...lead, activities: [...(lead.activities as IDataObject[]), broken] };
}

const routerTables = {
	tiers: { tier: tiersToEditorRows(DEFAULT_TIERS) },
	roster: { rep: [{ id: '101', name: 'Ana Ruiz' }, { id: '102', name: 'Ben Okafor' }] },
	teams: { team: [{ id: 'sales', name: 'Sales', members: '101, 102', strategy: 'roundRobin', outsideHours: 'allow' }] },
} as unknown as INodeParameters;

/** One node as a user sets it up, and what its outputs mean. */
interface Case {
	title: string;
	spec: Omit<NodeSpec, 'onError'>;
	credentials?: Record<string, IDataObject>;
	lead: (email: string, s: Shape) => IDataObject;
	/** Main outputs, without the error output. */
	outputs: number;
	/** Where a failed item leaves under "Continue (regular output)". */
	failedOutput: number;
	/** Outputs that notify a rep or start contact with the lead. */
	contacting: number[];
}

const cases: Case[] = [
	{ title: 'Lead Score', spec: { node: new LeadScore() }, lead: rawLead, outputs: 1, failedOutput: 0, contacting: [] },
	{ title: 'Lead Enrich', spec: { node: new LeadEnrich(), parameters: { options: { asOf: AS_OF } } }, lead: rawLead, outputs: 1, failedOutput: 0, contacting: [] },
	{
		title: 'Lead Handoff Data',
		spec: { node: new LeadHandoffData() },
		credentials: store('data'),
		lead: (email, s) => ({ email: s.bad ? ['', '   ', null][s.breakage] : email, marker: email }),
		outputs: 1,
		failedOutput: 0,
		contacting: [],
	},
	{
		title: 'Lead Handoff Data: Confirm Delivery',
		spec: { node: new LeadHandoffData(), parameters: { operation: 'confirmDelivery' } },
		credentials: store('confirm'),
		// Routed leads (an event key) and leads that were not (none); a bad one has no usable lead key.
		lead: (email, s) => ({ email: s.bad ? ['', '   ', null][s.breakage] : email, marker: email, ...(s.breakage === 1 && !s.bad ? {} : { routing: { eventKey: `evt-${email}` } }) }),
		outputs: 1,
		failedOutput: 0,
		contacting: [],
	},
	// Hand Off pings a rep, Not Yet feeds nurture, Already Handed Off may tell the owner.
	{ title: 'Handoff Gate v1', spec: { node: new HandoffGate(), typeVersion: 1 }, credentials: store('gate1'), lead: scoredLead, outputs: 3, failedOutput: 2, contacting: [0, 1] },
	{ title: 'Handoff Gate v2', spec: { node: new HandoffGate(), typeVersion: 2 }, credentials: store('gate2'), lead: scoredLead, outputs: 4, failedOutput: 2, contacting: [0, 1, 3] },
	// Hot, Warm and MQL get an owner and a due time; Nurture neither.
	{ title: 'Tier Router v1', spec: { node: new TierRouter(), typeVersion: 1, parameters: routerTables }, credentials: store('router1'), lead: scoredLead, outputs: 4, failedOutput: 3, contacting: [0, 1, 2] },
	{ title: 'Tier Router v2', spec: { node: new TierRouter(), typeVersion: 2, parameters: routerTables }, credentials: store('router2'), lead: scoredLead, outputs: 5, failedOutput: 4, contacting: [0, 1, 2] },
];

let leads = 0;
/** Random leads, each with an address no other run uses, so the store sees new leads. */
const batch = (c: Case, shapes: Shape[]) => shapes.map((s) => c.lead(`lead${++leads}@example.com`, s));
const markerOf = (json: IDataObject) => String(json.marker ?? json.email ?? json.leadKey);

/** Each output item with the output it left on. */
const placed = (outputs: INodeExecutionData[][]) => outputs.flatMap((items, output) => items.map((item) => ({ item, output })));

describe('every item leaves on exactly one output, and a failed one never where someone is contacted', () => {
	for (const c of cases) {
		describe(c.title, () => {
			for (const onError of ['continueRegularOutput', 'continueErrorOutput'] as OnError[]) {
				it(`under ${onError}`, async () => {
					await fc.assert(
						fc.asyncProperty(fc.array(shape, { minLength: 1, maxLength: 6 }), async (shapes) => {
							const items = batch(c, shapes);
							const { outputs, error } = await runNode({ ...c.spec, onError, items, credentials: c.credentials as never, timezone: 'Europe/Berlin' });
							assert.equal(error, undefined, error?.message);
							const errorOutput = onError === 'continueErrorOutput' ? c.outputs : undefined;
							assert.equal(outputs.length, c.outputs + (errorOutput === undefined ? 0 : 1));
							const out = placed(outputs);
							assert.deepEqual(out.map(({ item }) => (item.pairedItem as { item: number }).item).sort((a, b) => a - b), items.map((_, i) => i), 'each input item exactly once');
							for (const { item, output } of out) {
								const index = (item.pairedItem as { item: number }).item;
								assert.equal(markerOf(item.json), markerOf(items[index]), 'the output item is its input item');
								if (shapes[index].bad) {
									assert.ok(item.json.error, `item ${index} says what went wrong`);
									assert.equal(output, errorOutput ?? c.failedOutput, `failed item ${index} on output ${output}`);
									assert.ok(!c.contacting.includes(output));
								} else {
									assert.equal(item.json.error, undefined, `item ${index}: ${String(item.json.error)}`);
									assert.notEqual(output, errorOutput);
								}
							}
						}),
						{ numRuns: 15 },
					);
				});
			}

			it('under stopWorkflow a bad item stops the run, naming it; good items pass', async () => {
				await fc.assert(
					fc.asyncProperty(fc.array(shape, { minLength: 1, maxLength: 6 }), async (shapes) => {
						const items = batch(c, shapes);
						const { outputs, error } = await runNode({ ...c.spec, items, credentials: c.credentials as never, timezone: 'Europe/Berlin' });
						const firstBad = shapes.findIndex((s) => s.bad);
						if (firstBad >= 0) {
							assert.match(error?.message ?? '', new RegExp(`^Item ${firstBad}: `));
						} else {
							assert.equal(error, undefined, error?.message);
							assert.equal(placed(outputs).length, items.length);
						}
					}),
					{ numRuns: 10 },
				);
			});
		});
	}
});

describe('binary data passes through unchanged', () => {
	const binaryOf = (i: number): IBinaryKeyData => ({
		attachment: { data: Buffer.from(`lead ${i} business card`).toString('base64'), mimeType: 'text/plain', fileName: `card-${i}.txt`, fileExtension: 'txt' },
	});

	for (const c of cases) {
		for (const onError of ['continueRegularOutput', 'continueErrorOutput'] as OnError[]) {
			it(`${c.title}, ${onError}: on whichever output an item takes`, async () => {
				const shapes: Shape[] = [
					{ bad: false, total: 90, demo: true, pricing: true, student: false, breakage: 0 },
					{ bad: false, total: 20, demo: false, pricing: false, student: false, breakage: 0 },
					{ bad: false, total: 65, demo: false, pricing: true, student: true, breakage: 0 },
					{ bad: true, total: 70, demo: false, pricing: true, student: false, breakage: 1 },
				];
				const items = batch(c, shapes).map((json, i) => ({ json, binary: binaryOf(i) }));
				const { outputs, error } = await runNode({ ...c.spec, onError, items, credentials: c.credentials as never, timezone: 'Europe/Berlin' });
				assert.equal(error, undefined, error?.message);
				const out = placed(outputs);
				assert.equal(out.length, items.length);
				for (const { item, output } of out) {
					const index = (item.pairedItem as { item: number }).item;
					assert.deepEqual(item.binary, binaryOf(index), `item ${index} on output ${output}`);
				}
			});
		}
	}
});
