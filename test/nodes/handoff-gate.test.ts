/**
 * The Handoff Gate node in n8n-core's engine, with Lead Score in front and the real embedded store:
 * outputs, reasons in words, fire once, recycling, the rule table against JSON, and bad input.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { DEFAULT_GATE } from '../../nodes/engine/gate';
import { editorRowsToGate, gateToEditorRows } from '../../nodes/HandoffGate/editorRules';
import { HandoffGate } from '../../nodes/HandoffGate/HandoffGate.node.ts';
import { LeadScore } from '../../nodes/LeadScore/LeadScore.node.ts';
import { closeAllStores } from '../../nodes/store';
import { propertiesOfVersion } from '../../nodes/shared/versions';
import { runNode, runWorkflow } from '../helpers/n8n-runner';

const gate = new HandoffGate();
const leadScore = new LeadScore();
const root = mkdtempSync(path.join(os.tmpdir(), 'lead-handoff-gate-'));
let stores = 0;
/** A credential for a new, empty embedded store. */
const freshStore = () => ({ leadHandoffStoreApi: { backend: 'embedded', folder: path.join(root, `s${++stores}`) } });

afterAll(async () => {
	await closeAllStores();
	rmSync(root, { recursive: true, force: true });
});

const AS_OF = '2026-06-15T12:00:00Z';
/** The parameters a fresh node of this version holds (the latest unless given). */
const editorDefaults = (version = 3) => Object.fromEntries(propertiesOfVersion(gate.description.properties, version).map((p) => [p.name, p.default]));

const vp = {
	email: 'dana@globex.com',
	jobTitle: 'VP of Marketing',
	industry: 'Software',
	companySize: 200,
	activities: [
		{ type: 'page_view', timestamp: '2026-06-15T09:12:00Z', url: 'https://example.com/pricing' },
		{ type: 'content_download', timestamp: '2026-06-13T16:40:00Z', asset: 'Case study: Initech' },
		{ type: 'webinar_attended', timestamp: '2026-06-10T17:00:00Z' },
	],
};
const demo = { email: 'sam@smallco.io', jobTitle: 'Analyst', activities: [{ type: 'demo_request', timestamp: '2026-06-15T08:00:00Z' }] };
const quiet = { email: 'lee@initech.com', jobTitle: 'Engineer', activities: [{ type: 'email_open', timestamp: '2026-06-14T10:00:00Z' }] };
const student = { email: 'kim@gmail.com', jobTitle: 'Marketing Student', activities: [{ type: 'page_view', timestamp: '2026-06-15T09:00:00Z', url: '/pricing' }] };
const unsubscribedDemo = { email: 'ola@acme.com', jobTitle: 'Head of Sales', unsubscribed: true, activities: [{ type: 'demo_request', timestamp: '2026-06-15T08:00:00Z' }] };

/** Lead Score (default rules, scored as of AS_OF) into the gate. */
async function scoreAndGate(items: IDataObject[], credentials = freshStore(), gateParameters: IDataObject = editorDefaults(), asOf = AS_OF, typeVersion?: number) {
	const run = await runWorkflow({
		nodes: [
			{ node: leadScore, parameters: { options: { asOf } } },
			{ node: gate, parameters: gateParameters as INodeParameters, typeVersion },
		],
		items,
		credentials,
	});
	assert.equal(run.error, undefined, run.error?.message);
	return run.outputs['Handoff Gate'];
}

const emails = (items: INodeExecutionData[]) => items.map((i) => i.json.email);
type Handoff = { decision: string; reasons: string[]; fired: Array<{ id: string }>; cooldownUntil?: string; duplicate?: boolean; handedOffAt?: string; eventKey: string; earlierHandoff?: { at: string; eventKey?: string; reasons?: string[] } };
const handoff = (item: INodeExecutionData) => item.json.handoff as Handoff;

describe('Handoff Gate node', () => {
	it('sends each new lead to Hand Off, Not Yet or Disqualified, saying why in words', async () => {
		const [handOff, notYet, disqualified, already] = await scoreAndGate([vp, demo, quiet, student, unsubscribedDemo]);
		assert.equal(already.length, 0, 'new leads: nothing handed off before');
		assert.deepEqual(emails(handOff), ['dana@globex.com', 'sam@smallco.io', 'ola@acme.com']);
		assert.deepEqual(emails(notYet), ['lee@initech.com']);
		assert.deepEqual(emails(disqualified), ['kim@gmail.com']);
		assert.deepEqual(handoff(handOff[1]).reasons, ['Requested a demo (4 hours ago)']);
		assert.ok(handoff(handOff[0]).reasons.some((r) => /visited the pricing page/.test(r)), handoff(handOff[0]).reasons.join(' | '));
		assert.match(handoff(disqualified[0]).reasons[0], /^Student or job seeker: /);
		assert.ok(handoff(notYet[0]).reasons.every((r) => /: not yet \(/.test(r)), 'Not Yet says what is missing for each trigger');
		// An unsubscribed contact who asks for a demo goes to sales: the disqualifier yields to intent.
		assert.equal(handoff(handOff[2]).fired[0].id, 'demo-request');
		for (const [output, items] of [handOff, notYet, disqualified].entries()) {
			for (const item of items) assert.ok(item.json.score && item.json.activities, `output ${output} keeps the item's fields`);
		}
	});

	it('fires once: a redelivered event and a lead in its cool-down leave on Already Handed Off, never on Not Yet', async () => {
		const credentials = freshStore();
		const [first] = await scoreAndGate([demo], credentials);
		assert.equal(first.length, 1);
		const handedOffAt = handoff(first[0]).handedOffAt;
		const [handOff, notYet, disqualified, already] = await scoreAndGate([demo], credentials);
		assert.deepEqual([handOff.length, notYet.length, disqualified.length], [0, 0, 0], 'nurture never gets a lead sales owns');
		assert.equal(handoff(already[0]).decision, 'alreadyHandedOff');
		assert.equal(handoff(already[0]).duplicate, true);
		assert.match(handoff(already[0]).reasons[0], /Already handed off for this event/);
		assert.deepEqual(handoff(already[0]).earlierHandoff, { at: handedOffAt, eventKey: handoff(first[0]).eventKey, reasons: handoff(first[0]).reasons });
		// A new event (another demo request an hour later) within the 90-day cool-down.
		const later = { ...demo, activities: [...demo.activities, { type: 'demo_request', timestamp: '2026-06-15T11:00:00Z' }] };
		const held = (await scoreAndGate([later], credentials))[3];
		assert.match(handoff(held[0]).reasons[0], /^Already handed off .*cool-down of 90 days until 2026-09-13$/);
		assert.equal(handoff(held[0]).cooldownUntil, '2026-09-13T12:00:00.000Z');
		assert.equal(handoff(held[0]).earlierHandoff?.at, handedOffAt);
		assert.equal(handoff(held[0]).duplicate, undefined, 'a new event, not a redelivery');
		// A quiet event of the same lead the next day: sales owns the lead, so it is not nurtured.
		const quietEvent = { email: demo.email, jobTitle: demo.jobTitle, activities: [{ type: 'email_open', timestamp: '2026-06-16T09:00:00Z' }] };
		const [, quietNotYet, , quietAlready] = await scoreAndGate([quietEvent], credentials, editorDefaults(), '2026-06-16T12:00:00Z');
		assert.equal(quietNotYet.length, 0);
		assert.equal(handoff(quietAlready[0]).earlierHandoff?.at, handedOffAt);
	});

	it('version 1 keeps its three outputs: a redelivered event and a cool-down leave on Not Yet', async () => {
		const credentials = freshStore();
		const v1 = (items: IDataObject[]) => scoreAndGate(items, credentials, editorDefaults(1), AS_OF, 1);
		assert.equal((await v1([demo]))[0].length, 1);
		const outputs = await v1([demo]);
		assert.equal(outputs.length, 3);
		const [handOff, notYet] = outputs;
		assert.equal(handOff.length, 0);
		assert.deepEqual([handoff(notYet[0]).decision, handoff(notYet[0]).duplicate], ['notYet', true]);
		assert.match(handoff(notYet[0]).reasons[0], /Already handed off for this event/);
		const later = { ...demo, activities: [...demo.activities, { type: 'demo_request', timestamp: '2026-06-15T11:00:00Z' }] };
		assert.match(handoff((await v1([later]))[1][0]).reasons[0], /cool-down of 90 days/);
	});

	it('a lead sales recycled to nurture qualifies again on new evidence', async () => {
		const credentials = freshStore();
		const params = { ...editorDefaults(), options: { recycledAtField: 'recycledAt' } };
		await scoreAndGate([demo], credentials, params);
		// Without a recycle, a new demo request the next day is held back by the cool-down.
		const nextDay = { ...demo, activities: [...demo.activities, { type: 'demo_request', timestamp: '2026-06-16T11:30:00Z' }] };
		assert.equal((await scoreAndGate([nextDay], credentials, params, '2026-06-16T12:00:00Z'))[3].length, 1);
		const recycledThenNewDemo = { ...nextDay, recycledAt: '2026-06-16T10:00:00Z' };
		const [handOff] = await scoreAndGate([recycledThenNewDemo], credentials, params, '2026-06-16T12:00:00Z');
		assert.equal(handOff.length, 1);
		assert.deepEqual(handoff(handOff[0]).reasons, ['Requested a demo 2 times in the last 30 days (last 30 minutes ago)']);
		// A recycle older than the latest hand-off does not reopen the lead.
		const [, , , already] = await scoreAndGate([{ ...nextDay, recycledAt: '2026-06-16T11:45:00Z', note: 'another event' }], credentials, params, '2026-06-16T12:00:00Z');
		assert.match(handoff(already[0]).reasons[0], /^Already handed off just now; cool-down of 90 days/);
	});

	it('the rule table and the same rules as JSON give the same decisions and reasons', async () => {
		const rows = gateToEditorRows(DEFAULT_GATE);
		assert.deepEqual(editorRowsToGate({ ...rows, cooldownDays: 90 }), DEFAULT_GATE, 'the default table of versions 1-2 is the default gate');
		// Version 3: Match "any" is a rule option, an activity's content, window and words are its options.
		const compact = {
			disqualifiers: [],
			intents: [],
			triggers: { rules: [
				{ name: 'Fit and pricing', conditions: { condition: [{ kind: 'fitAtLeast', fitLetter: 'B' }, { kind: 'activity', activityType: 'page_view', activityOptions: { contentContains: '/pricing', withinDays: 14, label: 'saw pricing' } }] } },
				{ name: 'Hot grade', conditions: { condition: [{ kind: 'grade', grades: 'a1, A2' }, { kind: 'score', measure: 'velocity', comparison: 'atLeast', min: 40 }] }, ruleOptions: { match: 'any' } },
			] },
		};
		// Versions 1-2: the same rules, every value a field of its row.
		const flat = {
			disqualifiers: [],
			intents: [],
			triggers: { rules: [
				{ name: 'Fit and pricing', id: '', match: 'all', conditions: { condition: [{ kind: 'fitAtLeast', fitLetter: 'B' }, { kind: 'activity', activityType: 'page_view', contentContains: '/pricing', minCount: 1, withinDays: 14, label: 'saw pricing' }] } },
				{ name: 'Hot grade', id: '', match: 'any', conditions: { condition: [{ kind: 'grade', grades: 'a1, A2' }, { kind: 'score', measure: 'velocity', comparison: 'atLeast', min: 40 }] } },
			] },
		};
		const json = {
			triggers: [
				{ name: 'Fit and pricing', when: { all: [{ fitAtLeast: 'B' }, { activity: ['page_view'], contentContains: ['/pricing'], withinDays: 14, label: 'saw pricing' }] } },
				{ name: 'Hot grade', when: { any: [{ grade: ['A1', 'A2'] }, { score: 'velocity', atLeast: 40 }] } },
			],
		};
		const items = [vp, demo, quiet, student];
		const view = (outputs: INodeExecutionData[][]) => outputs.map((o) => o.map((i) => [i.json.email, handoff(i).decision, handoff(i).reasons, handoff(i).fired.map((f) => f.id)]));
		const b = await scoreAndGate(items, freshStore(), { rulesSource: 'json', rulesJson: JSON.stringify({ ...json, cooldownDays: 30 }) });
		const a = await scoreAndGate(items, freshStore(), { ...editorDefaults(), ...compact, cooldownDays: 30 });
		assert.deepEqual(view(a), view(b));
		assert.deepEqual(emails(a[0]), ['dana@globex.com']);
		const v2 = await scoreAndGate(items, freshStore(), { ...editorDefaults(2), ...flat, cooldownDays: 30 }, AS_OF, 2);
		assert.deepEqual(view(v2), view(b), 'version 2 rows decide as before');
	});

	describe('bad input', () => {
		it('an invalid JSON rule fails before any item, naming the JSON path', async () => {
			const rulesJson = JSON.stringify({ triggers: [{ name: 'x', when: { score: 'total', atLeast: 70, below: 60 } }] });
			const { error, outputs } = await runNode({ node: gate, parameters: { rulesSource: 'json', rulesJson }, items: [demo], credentials: freshStore() });
			assert.match(error?.message ?? '', /\/triggers\/0\/when\/below: "below" \(60\) must be greater than "atLeast" \(70\)/);
			assert.equal(outputs.flat().length, 0);
		});

		it('a rule row without conditions names the row', async () => {
			const triggers = { rules: [{ name: 'Empty', match: 'all', conditions: {} }] };
			const { error } = await runNode({ node: gate, parameters: { ...editorDefaults(), triggers }, items: [demo], credentials: freshStore() });
			assert.match(error?.message ?? '', /Hand-off trigger 1 \(Empty\): add at least one condition/);
		});

		it('an item without a score or a lead key goes to the error output, naming item and field; the rest carry on', async () => {
			const scored = (await scoreAndGate([demo]))[0][0].json;
			const items = [{ email: 'x@y.com', activities: [] }, { ...scored, email: '' }, { ...scored, email: 'new@lead.io' }];
			const { outputs } = await runNode({ node: gate, parameters: editorDefaults(), items, credentials: freshStore(), onError: 'continueErrorOutput' });
			const [handOff, notYet, disqualified, already, errors] = outputs;
			assert.deepEqual([handOff.length, notYet.length, disqualified.length, already.length], [1, 0, 0, 0]);
			assert.deepEqual(errors.map((i) => i.pairedItem), [{ item: 0 }, { item: 1 }]);
			assert.match(String(errors[0].json.error), /Item 0: Field "score": expected the Lead Score result \(put a Lead Score node before this one\)/);
			assert.deepEqual(errors[1].json.details, { item: 1, field: 'Lead Key', expected: "the lead's email address or CRM id" });
			assert.deepEqual(handOff[0].pairedItem, { item: 2 });
		});

		it('under Continue (regular output) a failed item leaves on Disqualified, marked with its error; none reaches Hand Off', async () => {
			const { handoff: _decided, ...scored } = (await scoreAndGate([demo]))[0][0].json;
			const items = [{ ...scored, email: '' }, { ...scored, email: 'new@lead.io' }];
			for (const typeVersion of [1, 2]) {
				const { outputs } = await runNode({ node: gate, typeVersion, parameters: editorDefaults(typeVersion), items, credentials: freshStore(), onError: 'continueRegularOutput' });
				const [handOff, notYet, disqualified] = outputs;
				assert.deepEqual([handOff.map((i) => i.json.email), notYet.length], [['new@lead.io'], 0]);
				assert.equal(disqualified.length, 1);
				assert.deepEqual(disqualified[0].pairedItem, { item: 0 });
				assert.equal(disqualified[0].json.handoff, undefined, 'no decision was made');
				assert.match(String(disqualified[0].json.error), /^Item 0: Field "Lead Key"/);
				assert.deepEqual(disqualified[0].json.details, { item: 0, field: 'Lead Key', expected: "the lead's email address or CRM id" });
				assert.equal(disqualified[0].json.jobTitle, demo.jobTitle, 'the item keeps its fields');
			}
		});

		it('under Continue (regular output) invalid rules send every item to Disqualified with the error', async () => {
			const rulesJson = JSON.stringify({ triggers: [{ name: 'x', when: { score: 'total', atLeast: 70, below: 60 } }] });
			const { outputs, error } = await runNode({ node: gate, parameters: { rulesSource: 'json', rulesJson }, items: [demo, vp], credentials: freshStore(), onError: 'continueRegularOutput' });
			assert.equal(error, undefined);
			assert.deepEqual(outputs.map((o) => o.length), [0, 0, 2, 0]);
			assert.match(String(outputs[2][1].json.error), /^Invalid protocol: /);
		});
	});
});
