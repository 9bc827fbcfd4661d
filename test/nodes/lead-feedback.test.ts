/**
 * Lead Feedback's Record Outcome in n8n-core's engine with the real embedded store: outcomes from
 * fields mapped by hand and from the CRM presets, linked to the hand-off, assignment, SLA timer
 * and scoring model; a contact stops the SLA timer; the same CRM event again leaves on Unchanged;
 * bad input names the item and the field; test runs keep nothing.
 */
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { IDataObject, INodeExecutionData, INodeParameters, WorkflowExecuteMode } from 'n8n-workflow';

import type { SlaTimer } from '../../nodes/engine/sla';
import { LeadFeedback } from '../../nodes/LeadFeedback/LeadFeedback.node';
import { clock } from '../../nodes/shared/clock';
import { closeAllStores, createStore, type HandoffStore } from '../../nodes/store';
import { runNode, type OnError } from '../helpers/n8n-runner';
import { start } from '../store/sla-support';

const node = new LeadFeedback();
const root = mkdtempSync(path.join(os.tmpdir(), 'lead-handoff-feedback-'));
let stores = 0;
const T0 = Date.parse('2026-03-10T09:00:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const LEAD = 'dana@globex.com';
const HANDOFF = 'evt-handoff-1';

const realNow = clock.now;
beforeEach(() => {
	clock.now = () => T0 + 5 * HOUR;
});
afterEach(() => {
	clock.now = realNow;
});
afterAll(async () => {
	await closeAllStores();
	rmSync(root, { recursive: true, force: true });
});

interface Fixture {
	folder: string;
	credentials: { leadHandoffStoreApi: { backend: string; folder: string } };
	store: HandoffStore;
}

/** A store with Dana scored by model m-2, handed off, assigned to Ben with an SLA timer running. */
async function seeded(leadKey = LEAD, handoffKey = HANDOFF): Promise<Fixture> {
	const folder = path.join(root, `s${++stores}`);
	const store = await createStore({ kind: 'embedded', folder });
	const snapshot = { snapshotKey: 's1', modelId: 'model-m2', asOf: T0 - MINUTE, total: 80, fit: 50, engagement: 30, negative: 0, velocity: null, grade: 'A', score: {} };
	await store.saveScore('default', leadKey, snapshot, []);
	await store.decideHandoff({ scope: 'default', leadKey, eventKey: handoffKey, at: T0 }, () => ({ handoff: true, details: {} }));
	await store.assignLead({ scope: 'default', leadKey, eventKey: handoffKey, at: T0, team: 'emea', reps: [] }, () => ({ repId: 'ben', details: {} }));
	await start(store, { handoffKey, leadKey, startedAt: T0, ownerId: 'ben' });
	return { folder, store, credentials: { leadHandoffStoreApi: { backend: 'embedded', folder } } };
}

type Out = IDataObject & { status?: string; stage?: string; linked?: IDataObject; slaTimer?: IDataObject; note?: string; recorded?: number; duplicates?: number; test?: boolean };

async function feedback(f: Fixture, parameters: IDataObject, items: IDataObject[], options: { mode?: WorkflowExecuteMode; onError?: OnError } = {}) {
	const result = await runNode({ node, parameters: parameters as INodeParameters, items, credentials: f.credentials, timezone: 'Europe/Berlin', ...options });
	const view = (list: INodeExecutionData[] | undefined) => (list ?? []).map((i) => (i.json.outcome ?? i.json) as Out);
	return { recorded: view(result.outputs[0]), unchanged: view(result.outputs[1]), errors: (result.outputs[2] ?? []).map((i) => i.json), error: result.error?.message, outputs: result.outputs };
}

const fields = (extra: IDataObject = {}) => ({ resource: 'outcome', operation: 'record', input: 'fields', ...extra });

describe('Lead Feedback: Record Outcome', () => {
	it('links an outcome to the hand-off, the assignment and the scoring model, stops the SLA timer on first contact, and sends the same event again to Unchanged', async () => {
		const f = await seeded();
		const contact = { email: 'Dana@Globex.com', disposition: 'Connected', eventId: 'call-1', at: new Date(T0 + 20 * MINUTE).toISOString() };
		const params = fields({ fields: { eventId: '={{ $json.eventId }}', occurredAt: '={{ $json.at }}' } });
		const first = await feedback(f, params, [contact]);
		assert.equal(first.recorded.length, 1, JSON.stringify(first));
		const out = first.recorded[0];
		assert.equal(out.status, 'recorded');
		assert.equal(out.stage, 'contacted', '"Connected" is an alias of contacted');
		assert.deepEqual(out.linked, { handedOffAt: new Date(T0).toISOString(), assignment: HANDOFF, repId: 'ben', team: 'emea', slaTimer: HANDOFF, modelId: 'model-m2' });
		assert.equal(out.slaTimer?.status, 'contacted');
		assert.equal((await f.store.getSlaTimer<SlaTimer>('default', HANDOFF))!.timer.status, 'contacted');

		const again = await feedback(f, params, [contact]);
		assert.equal(again.recorded.length, 0);
		assert.equal(again.unchanged[0].status, 'unchanged');
		assert.equal(again.unchanged[0].duplicates, 1);
		assert.match(String(again.unchanged[0].note), /recorded before/);
		assert.equal((await f.store.listOutcomeEvents('default', LEAD, HANDOFF)).length, 1);
	});

	it('keys outcomes mapped without an Event ID by their lead too: two leads with the same disposition at the same time are both recorded, each once', async () => {
		await fc.assert(
			fc.asyncProperty(fc.uniqueArray(fc.emailAddress(), { minLength: 2, maxLength: 4, selector: (e) => e.toLowerCase() }), fc.constantFrom('Connected', 'accepted', 'Closed Won'), async (emails, disposition) => {
				const f = await seeded();
				const at = new Date(T0 + 20 * MINUTE).toISOString();
				const params = fields({ fields: { occurredAt: '={{ $json.at }}', amount: '={{ $json.amount ?? "" }}' } });
				const items = emails.map((email) => ({ email, disposition, at, ...(disposition === 'Closed Won' ? { amount: '100' } : {}) }));
				const first = await feedback(f, params, items);
				assert.equal(first.recorded.length, emails.length, JSON.stringify(first));
				const again = await feedback(f, params, items);
				assert.equal(again.recorded.length, 0, 'the same events again change nothing');
				assert.equal(again.unchanged.length, emails.length);
			}),
			{ numRuns: 8 },
		);
	});

	it('ends won whatever the order (won before accepted), with the amount, and keeps a reopen as a correction', async () => {
		const f = await seeded();
		const params = fields({ fields: { eventId: '={{ $json.id }}', occurredAt: '={{ $json.at }}', amount: '={{ $json.amount ?? "" }}', currency: '={{ $json.currency ?? "" }}' } });
		const at = (h: number) => new Date(T0 + h * HOUR).toISOString();
		const run = await feedback(f, params, [
			{ email: LEAD, disposition: 'Closed Won', id: 'w', at: at(30), amount: '$12,500', currency: 'usd' },
			{ email: LEAD, disposition: 'accepted', id: 'a', at: at(1) },
		]);
		assert.equal(run.recorded.length, 2);
		const last = run.recorded[1];
		assert.equal(last.stage, 'won');
		assert.equal(last.amount, 12500);
		assert.equal(last.currency, 'USD');
		assert.deepEqual(Object.keys(last.reached as IDataObject).sort(), ['accepted', 'won']);
		const reopened = await feedback(f, params, [{ email: LEAD, disposition: 'reopened', id: 'r', at: at(31) }]);
		assert.equal(reopened.recorded[0].stage, 'accepted');
		assert.equal(reopened.recorded[0].corrections, 1);
	});

	it('maps a HubSpot webhook batch with the HubSpot preset: one item, several events, the lead by its CRM record ID', async () => {
		const f = await seeded('87211034512', 'hs-handoff');
		const body = JSON.parse(readFileSync(path.join(__dirname, '../engine/feedback/fixtures/hubspot/contact-batch.json'), 'utf8')) as IDataObject[];
		const run = await feedback(f, { resource: 'outcome', operation: 'record', input: 'hubspot' }, [{ body }]);
		assert.equal(run.recorded.length, 1);
		const out = run.recorded[0];
		assert.ok((out.recorded ?? 0) >= 2, JSON.stringify(out));
		assert.equal(out.leadKey, '87211034512');
		assert.equal(out.handoffKey, 'hs-handoff');
		const again = await feedback(f, { resource: 'outcome', operation: 'record', input: 'hubspot' }, [{ body }]);
		assert.equal(again.unchanged.length, 1, 'a redelivered batch changes nothing');
		assert.equal(again.unchanged[0].recorded, 0);
	});

	it('maps a Pipedrive deal won to the deal\'s person, and a Salesforce lead status to the lead\'s email', async () => {
		const fixture = (name: string) => JSON.parse(readFileSync(path.join(__dirname, '../engine/feedback/fixtures', name), 'utf8')) as IDataObject;
		const pd = await seeded('2290', 'pd-handoff');
		const won = await feedback(pd, { resource: 'outcome', operation: 'record', input: 'pipedrive' }, [{ body: fixture('pipedrive/deal-won.json') }]);
		assert.equal(won.recorded.length, 1, JSON.stringify(won));
		assert.deepEqual([won.recorded[0].leadKey, won.recorded[0].handoffKey, won.recorded[0].stage, won.recorded[0].amount, won.recorded[0].currency], ['2290', 'pd-handoff', 'won', 24500, 'EUR']);
		assert.equal(won.recorded[0].slaTimer?.status, 'contacted', 'a won deal needed a first touch: the timer stops');

		const sf = await seeded('dana.scully@globex.com', 'sf-handoff');
		const contacted = await feedback(sf, { resource: 'outcome', operation: 'record', input: 'salesforce' }, [{ body: fixture('salesforce/flow-lead-status.json') }]);
		assert.deepEqual([contacted.recorded[0]?.leadKey, contacted.recorded[0]?.handoffKey, contacted.recorded[0]?.stage], ['dana.scully@globex.com', 'sf-handoff', 'contacted'], JSON.stringify(contacted));
	});

	it('takes the team\'s own codes from the table', async () => {
		const f = await seeded();
		const params = fields({ codesSource: 'editor', codes: { code: [{ code: 'demo_held', label: 'Demo held', stage: 'meeting', aliases: 'Demo done' }] }, fields: { eventId: 'd1' } });
		const run = await feedback(f, params, [{ email: LEAD, disposition: 'Demo done' }]);
		assert.equal(run.recorded[0].stage, 'meeting');
		assert.equal(run.recorded[0].code, 'demo_held');
	});

	it('sends bad input to the error output naming the item, the field and what was expected; the other items go on', async () => {
		const f = await seeded();
		const run = await feedback(
			f,
			fields({ fields: { eventId: '={{ $json.id }}', reason: '={{ $json.reason ?? "" }}' } }),
			[
				{ email: LEAD, disposition: 'teleported', id: '1' },
				{ email: LEAD, disposition: 'accepted', id: '2' },
				{ email: '', disposition: 'accepted', id: '3' },
			],
			{ onError: 'continueErrorOutput' },
		);
		assert.equal(run.recorded.length, 1);
		assert.equal(run.errors.length, 2);
		assert.deepEqual(run.errors[0].details, { item: 0, field: 'Disposition', expected: (run.errors[0].details as IDataObject).expected });
		assert.match(String((run.errors[0].details as IDataObject).expected), /accepted, rejected, contacted/);
		assert.equal((run.errors[1].details as IDataObject).item, 2);
		assert.equal((run.errors[1].details as IDataObject).field, 'Lead Key');
	});

	it('names the JSON path of a mistake in the feedback protocol', async () => {
		const f = await seeded();
		const run = await feedback(f, fields({ codesSource: 'json', feedbackJson: JSON.stringify({ codes: [{ code: 'x', label: 'X', stage: 'nowhere' }] }) }), [{ email: LEAD, disposition: 'accepted' }]);
		assert.match(String(run.error), /\/codes\/0\/stage/);
	});

	it('keeps nothing in a test run from the editor, unless Record Test Runs is on', async () => {
		const f = await seeded();
		const item = { email: LEAD, disposition: 'accepted' };
		const test = await feedback(f, fields({ fields: { eventId: 't1' } }), [item], { mode: 'manual' });
		assert.equal(test.recorded[0].stage, 'accepted');
		assert.equal(test.recorded[0].test, true);
		assert.equal((await f.store.listOutcomes('default', LEAD)).length, 0);
		assert.equal((await f.store.getSlaTimer<SlaTimer>('default', HANDOFF))!.timer.status, 'open');
		const kept = await feedback(f, fields({ fields: { eventId: 't1' }, options: { recordTestRuns: true } }), [item], { mode: 'manual' });
		assert.equal(kept.recorded[0].test, undefined);
		assert.equal((await f.store.listOutcomes('default', LEAD)).length, 1);
	});
});
