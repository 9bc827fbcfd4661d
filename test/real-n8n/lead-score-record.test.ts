/**
 * Stateful scoring in a real n8n, on the embedded store at its default place in n8n's user
 * folder: one workflow records a lead's activities and rescores it; run twice, as a webhook
 * delivered twice would, the second run changes nothing.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { RealN8n, type Execution } from '../helpers/real-n8n';

const STORE_CREDENTIAL = { id: 'lhStoreEmbedded', name: 'Lead Handoff Store (embedded)' };

const LEADS = [
	{
		email: 'Dana@Globex.com',
		jobTitle: 'VP of Marketing',
		industry: 'Software',
		companySize: 200,
		activities: [
			{ id: 'evt-1', type: 'page_view', url: 'https://acme.com/pricing', timestamp: '2026-06-14T09:00:00Z' },
			{ id: 'evt-2', type: 'webinar_attended', timestamp: '2026-06-10T17:00:00Z' },
		],
	},
	{
		email: 'sam@initech.com',
		jobTitle: 'Analyst',
		activities: [
			// No event id: the ledger keys it by what it is.
			{ type: 'email_open', campaign: 'June newsletter', timestamp: '2026-06-12T08:00:00Z' },
		],
	},
];

const workflow = {
	name: 'Test: record activities and rescore',
	settings: { executionOrder: 'v1' },
	nodes: [
		{ id: 'n1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		{
			id: 'n2',
			name: 'Events',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			position: [220, 0],
			parameters: { jsCode: `return ${JSON.stringify(LEADS)}.map((json) => ({ json }));` },
		},
		{
			id: 'n3',
			name: 'Lead Score',
			type: 'n8n-nodes-lead-handoff.leadScore',
			typeVersion: 1,
			position: [440, 0],
			parameters: { mode: 'recordAndRescore', options: { asOf: '2026-06-15T12:00:00Z' } },
			credentials: { leadHandoffStoreApi: STORE_CREDENTIAL },
		},
		{
			id: 'n4',
			name: 'History',
			type: 'n8n-nodes-lead-handoff.leadHandoffData',
			typeVersion: 1,
			position: [660, 0],
			parameters: { operation: 'getHistory', leadKey: '={{ $json.score.leadKey }}' },
			credentials: { leadHandoffStoreApi: STORE_CREDENTIAL },
		},
	],
	connections: {
		Start: { main: [[{ node: 'Events', type: 'main', index: 0 }]] },
		Events: { main: [[{ node: 'Lead Score', type: 'main', index: 0 }]] },
		'Lead Score': { main: [[{ node: 'History', type: 'main', index: 0 }]] },
	},
};

type Scored = { email: string; score: { total: number; leadKey: string; ledger: { activities: number; recorded: number; duplicates: number }; change: unknown; thresholds: unknown } };

describe('Record activities and rescore in a real n8n', () => {
	let n8n: RealN8n;
	let first: Execution;
	let second: Execution;

	beforeAll(async () => {
		n8n = await RealN8n.create();
		// The credential as a new user leaves it: embedded, no folder.
		await n8n.importCredentials([{ ...STORE_CREDENTIAL, type: 'leadHandoffStoreApi', data: { backend: 'embedded' } }]);
		const id = await n8n.importWorkflow(workflow);
		first = await n8n.execute(id);
		assert.equal(first.status, 'success', first.error?.message);
		second = await n8n.execute(id);
		assert.equal(second.status, 'success', second.error?.message);
	});

	afterAll(async () => {
		await n8n?.dispose();
	});

	it('the first run records every activity, filed under the lower-cased email', () => {
		const scored = first.json('Lead Score') as Scored[];
		assert.deepEqual(scored.map((s) => s.score.leadKey), ['dana@globex.com', 'sam@initech.com']);
		assert.deepEqual(scored.map((s) => s.score.ledger), [
			{ activities: 2, recorded: 2, duplicates: 0 },
			{ activities: 1, recorded: 1, duplicates: 0 },
		]);
	});

	it('the second run of the same events stores nothing and scores exactly as the first', () => {
		const once = first.json('Lead Score') as Scored[];
		const twice = second.json('Lead Score') as Scored[];
		assert.deepEqual(twice.map((s) => s.score.ledger), [
			{ activities: 2, recorded: 0, duplicates: 2 },
			{ activities: 1, recorded: 0, duplicates: 1 },
		]);
		const withoutLedger = (runs: Scored[]) => runs.map(({ score: { ledger: _ledger, ...score }, ...lead }) => ({ ...lead, score }));
		assert.deepEqual(withoutLedger(twice), withoutLedger(once));
		assert.deepEqual(second.json('History').map((h) => h.activityCount), [2, 1], 'the ledger still holds each activity once');
	});

	it('the embedded store lives in n8n\'s own data folder', () => {
		assert.ok(existsSync(join(n8n.folder, '.n8n', 'lead-handoff', 'store.sqlite')));
	});
});
