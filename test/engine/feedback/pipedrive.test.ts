import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

import { compileDispositions, compilePipedrive, outcomeOf, type OutcomeEvent } from '../../../nodes/engine/feedback';

const load = (name: string): Record<string, unknown> => JSON.parse(readFileSync(path.join(__dirname, 'fixtures/pipedrive', name), 'utf8'));
const context = { receivedAt: Date.parse('2026-04-05T00:00:00Z') };
const pipedrive = compilePipedrive(compileDispositions({ pipedrive: { stages: { '3': 'meeting_booked' } } }));
const map = (name: string) => pipedrive.map(load(name), context);

describe('the Pipedrive preset (webhooks v2)', () => {
	it('a new open deal is an opportunity, linked to its person', () => {
		const { events, errors } = map('deal-created.json');
		assert.deepEqual(errors, []);
		assert.deepEqual(events, [
			{
				id: 'pipedrive:13923453:71825ee0-0054-4267-b5fd-d28b7a414212:stage',
				at: Date.parse('2026-03-09T14:02:11.902Z'),
				source: 'pipedrive',
				record: { system: 'pipedrive', type: 'deal', id: '1187' },
				actor: '21870455',
				links: [{ system: 'pipedrive', type: 'person', id: '2290' }],
				code: 'opportunity',
				stage: 'opportunity',
				value: 'stage 1',
			},
		]);
	});

	it('a deal moved to a mapped stage: meeting booked', () => {
		const { events } = map('deal-stage-changed.json');
		assert.deepEqual(
			events.map((e) => [e.code, e.value, e.asserted]),
			[['meeting_booked', 'stage 3', true]],
		);
	});

	it('a deal won carries its value and currency; the retried delivery (attempt 2) is the same event', () => {
		const won = map('deal-won.json').events;
		assert.deepEqual(
			won.map((e) => [e.id, e.code, e.amount, e.currency, e.asserted]),
			[['pipedrive:13923453:6ba407fc-006d-4556-9804-8298e584a288:status', 'won', 24500, 'EUR', true]],
		);
		assert.deepEqual(map('deal-won-retry.json').events, won);
	});

	it("a deal lost carries Pipedrive's lost reason, read against the lost reasons", () => {
		const { events } = map('deal-lost.json');
		assert.deepEqual(
			events.map((e) => [e.code, e.reason, e.reasonText, e.record?.id]),
			[['lost', 'price', undefined, '1203']],
		);
		const own = load('deal-lost.json');
		(own.data as Record<string, unknown>).lost_reason = 'Merged with another company';
		assert.deepEqual(
			pipedrive.map(own, context).events.map((e) => [e.reason, e.reasonText]),
			[['other', 'Merged with another company']],
		);
	});

	it('a won deal reopened is a correction; delivered in any order, the outcome is open with the win in its history', () => {
		const events: OutcomeEvent[] = ['deal-created.json', 'deal-stage-changed.json', 'deal-won.json', 'deal-reopened.json'].flatMap((name) => map(name).events);
		// The reopened deal is in stage 3 (mapped): its stage, as it is now.
		assert.deepEqual(
			map('deal-reopened.json').events.map((e) => [e.code, e.value, e.asserted]),
			[['meeting_booked', 'stage 3', true]],
		);
		const inOrder = outcomeOf(events);
		assert.deepEqual(outcomeOf([...events].reverse()), inOrder);
		assert.equal(inOrder.stage, 'meeting', "the deal's stage as it is now");
		assert.equal(inOrder.closed, false);
		assert.equal(inOrder.corrections, 1);
		assert.equal(inOrder.amount, 24500);
		assert.equal(inOrder.reached.won, Date.parse('2026-04-02T08:31:57.114Z'));
		assert.deepEqual(
			inOrder.history.map((h) => [h.to, h.effect]),
			[
				['opportunity', 'advanced'],
				['meeting', 'moved'],
				['won', 'closed'],
				['meeting', 'reopened'],
			],
		);
	});

	it('without a mapped stage, a closed deal back to open is a reopen, back to the furthest stage reached', () => {
		const plain = compilePipedrive(compileDispositions());
		const events = ['deal-created.json', 'deal-stage-changed.json', 'deal-won.json', 'deal-reopened.json'].flatMap((name) => plain.map(load(name), context).events);
		assert.deepEqual(
			events.map((e) => [e.code, e.value]),
			[
				['opportunity', 'stage 1'],
				['won', 'won'],
				['reopened', 'won to open'],
			],
		);
		const outcome = outcomeOf(events);
		assert.deepEqual([outcome.stage, outcome.closed, outcome.code, outcome.corrections], ['opportunity', false, 'reopened', 1]);
	});

	it("a person's mapped label or status field, when it changes; a rename says nothing", () => {
		const preset = compilePipedrive(
			compileDispositions({ pipedrive: { personLabels: { '5': 'accepted' }, personField: '5f1c9e0a7b3d2e4f6a8c0b1d3e5f7a9c1b3d5e7f', personFieldOptions: { '41': 'contacted', '42': { code: 'rejected', reason: 'bad_data' } } } }),
		);
		const { events } = preset.map(load('person-label-changed.json'), context);
		assert.deepEqual(
			events.map((e) => [e.id, e.code, e.email, e.record?.type]),
			[
				['pipedrive:13923453:7c812ffd-8f50-45ea-a597-b8fcba2da9c0:label:5', 'accepted', 'dana.scully@globex.com', 'person'],
				['pipedrive:13923453:7c812ffd-8f50-45ea-a597-b8fcba2da9c0:field:41', 'contacted', 'dana.scully@globex.com', 'person'],
			],
		);
		const renamed = preset.map(load('person-renamed.json'), context);
		assert.deepEqual(renamed.events, []);
		assert.match(renamed.ignored[0].why, /no mapped label or field of the person changed/);
		assert.match(pipedrive.map(load('person-label-changed.json'), context).ignored[0].why, /no person label or field is mapped/);
	});

	it('refuses a v1 payload with what to do about it, and ignores deletes and other companies', () => {
		const v1 = pipedrive.map(load('v1-deal-updated.json'), context);
		assert.equal(v1.errors[0].field, 'meta.version');
		assert.match(v1.errors[0].message, /create the webhook with version 2.0/);
		const deleted = load('deal-won.json');
		Object.assign(deleted, { previous: deleted.data, data: null, meta: { ...(deleted.meta as object), action: 'delete' } });
		assert.match(pipedrive.map(deleted, context).ignored[0].why, /a deleted record says nothing/);
		const other = compilePipedrive(compileDispositions({ pipedrive: { companyId: 777 } })).map(load('deal-won.json'), context);
		assert.match(other.ignored[0].why, /it comes from Pipedrive company 13923453, not 777/);
		const noId = load('deal-won.json');
		delete (noId.meta as Record<string, unknown>).id;
		assert.equal(pipedrive.map(noId, context).errors[0].field, 'meta.id');
	});

	it('a value changed on its own is an amount; an unmapped stage move is ignored with the reason', () => {
		const revalued = load('deal-won.json');
		Object.assign(revalued, { previous: { value: 24500 }, meta: { ...(revalued.meta as object), id: 'b1e8c3f0-0000-4000-8000-000000000001' } });
		(revalued.data as Record<string, unknown>).value = 26000;
		assert.deepEqual(
			pipedrive.map(revalued, context).events.map((e) => [e.code, e.amount]),
			[[undefined, 26000]],
		);
		const moved = load('deal-stage-changed.json');
		(moved.data as Record<string, unknown>).stage_id = 4;
		assert.match(pipedrive.map(moved, context).ignored[0].why, /no change to the deal's status, a mapped stage, value or lost reason/);
	});
});
