/**
 * At-least-once hand-off messages: Tier Router's "Resend Until Delivery Confirmed" sends a
 * redelivered event to its tier again (same owner, same due time, no new turn or SLA timer) until
 * Lead Handoff Data's Confirm Delivery records that its messages went; then a redelivery goes to
 * Not Routed as before. Off (the default), a redelivery goes to Not Routed at once. A fast-check
 * property runs any sequence of deliveries dying at any point: each hand-off's messages go at
 * least once, twice only after a run died between sending and confirming, never after a confirm.
 * n8n-core's engine, the real embedded store.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import fc from 'fast-check';
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { DEFAULT_TIERS } from '../../nodes/engine/routing';
import { LeadHandoffData } from '../../nodes/LeadHandoffData/LeadHandoffData.node.ts';
import { closeAllStores } from '../../nodes/store';
import { tiersToEditorRows } from '../../nodes/TierRouter/editorRules';
import { TierRouter } from '../../nodes/TierRouter/TierRouter.node.ts';
import { runNode } from '../helpers/n8n-runner';
import { score } from '../engine/gate/helpers';

const router = new TierRouter();
const data = new LeadHandoffData();
const root = mkdtempSync(path.join(os.tmpdir(), 'lead-handoff-delivery-'));
let stores = 0;
const freshStore = () => ({ leadHandoffStoreApi: { backend: 'embedded', folder: path.join(root, `s${++stores}`) } });

afterAll(async () => {
	await closeAllStores();
	rmSync(root, { recursive: true, force: true });
});

/** Monday 16 March 2026, 11:00 in Berlin, and two hours later. */
const MONDAY_11 = '2026-03-16T10:00:00.000Z';
const MONDAY_13 = '2026-03-16T12:00:00.000Z';

const tables = (resend: boolean | undefined, lease = 0): INodeParameters =>
	({
		rulesSource: 'editor',
		tiers: { tier: tiersToEditorRows(DEFAULT_TIERS) },
		roster: { rep: [{ id: '101', name: 'Ana Ruiz', slackId: 'U0ANA', timeZone: 'Europe/Berlin' }, { id: '102', name: 'Ben Okafor', slackId: 'U0BEN', timeZone: 'Europe/Berlin' }] },
		teams: { team: [{ id: 'emea', name: 'EMEA', members: '101, 102', strategy: 'roundRobin', outsideHours: 'allow' }] },
		settings: { calendarZone: 'Europe/Berlin', workingHours: '09:00-18:00' },
		// A lease of 0: a redelivery resends at once (the in-flight case has its own test).
		options: resend === undefined ? {} : { resendUntilDelivered: resend, resendAfterSeconds: lease },
	}) as unknown as INodeParameters;

/** A lead as Lead Score leaves it, its event named by its activity. */
const lead = (email: string, at: string, event = 'form-1'): IDataObject => ({ email, activities: [{ type: 'form_submit', timestamp: MONDAY_11, id: event }], score: score({ total: 65, asOf: at }) as unknown as IDataObject });

type Routing = { tier: string; ownerId: string | null; dueAt: string | null; eventKey?: string; assignedAt?: string; duplicate?: boolean; redelivery?: boolean; deliveredAt?: string; slaTimer: { status: string } };
const routingOf = (item: INodeExecutionData) => item.json.routing as Routing;
const WARM = 1;
const NOT_ROUTED = 4;

/** The Tier Router's run on one lead: the output it left on and its item. */
async function route(credentials: ReturnType<typeof freshStore>, one: IDataObject, resend: boolean | 'unset' = true, lease = 0): Promise<{ output: number; item: INodeExecutionData }> {
	const { outputs, error } = await runNode({ node: router, parameters: tables(resend === 'unset' ? undefined : resend, lease), items: [one], credentials, timezone: 'Europe/Berlin' });
	assert.equal(error, undefined, error?.message);
	const placed = outputs.flatMap((items, output) => items.map((item) => ({ item, output })));
	assert.equal(placed.length, 1, 'the item leaves on exactly one output');
	return placed[0];
}

async function confirm(credentials: ReturnType<typeof freshStore>, items: IDataObject[]): Promise<IDataObject[]> {
	// The Event Key left at its default: a tier output's routing.eventKey, nothing for Not Routed.
	const { outputs, error } = await runNode({ node: data, parameters: { operation: 'confirmDelivery', leadKey: '={{ $json.routing ? $json.routing.leadKey : $json.email }}' }, items, credentials, timezone: 'Europe/Berlin' });
	assert.equal(error, undefined, error?.message);
	assert.equal(outputs[0].length, items.length);
	return outputs[0].map((item) => item.json);
}

describe('Resend Until Delivery Confirmed', () => {
	it('a redelivery before the confirmation goes to its tier again with the same owner and due time, and uses no turn; after it, Not Routed', async () => {
		const credentials = freshStore();
		const first = await route(credentials, lead('dana@initech.de', MONDAY_11));
		assert.equal(first.output, WARM);
		const r1 = routingOf(first.item);
		assert.deepEqual([r1.ownerId, r1.slaTimer.status, r1.redelivery, r1.duplicate], ['101', 'started', undefined, undefined]);
		assert.equal(typeof r1.eventKey, 'string');

		// The run died before its messages went; the sender delivers again two hours later.
		const again = await route(credentials, lead('dana@initech.de', MONDAY_13));
		assert.equal(again.output, WARM, 'on its tier again, so the messages go');
		const r2 = routingOf(again.item);
		assert.deepEqual([r2.ownerId, r2.dueAt, r2.assignedAt, r2.eventKey, r2.redelivery, r2.duplicate, r2.slaTimer.status], [r1.ownerId, r1.dueAt, r1.assignedAt, r1.eventKey, true, undefined, 'duplicate']);
		assert.equal(routingOf((await route(credentials, lead('eve@initech.de', MONDAY_13))).item).ownerId, '102', 'the redelivery took no round-robin turn');

		const [confirmed] = await confirm(credentials, [again.item.json]);
		assert.deepEqual([(confirmed.delivery as IDataObject).confirmed, (confirmed.delivery as IDataObject).status], [true, 'confirmed']);
		assert.equal(confirmed.email, 'dana@initech.de', 'the item passes through');

		const late = await route(credentials, lead('dana@initech.de', MONDAY_13));
		assert.equal(late.output, NOT_ROUTED);
		const r3 = routingOf(late.item);
		assert.deepEqual([r3.ownerId, r3.duplicate, r3.redelivery, typeof r3.deliveredAt], ['101', true, undefined, 'string']);
		const [twice] = await confirm(credentials, [again.item.json]);
		assert.deepEqual([(twice.delivery as IDataObject).status, (twice.delivery as IDataObject).deliveredAt], ['alreadyConfirmed', (confirmed.delivery as IDataObject).deliveredAt], 'the first confirmation is kept');
	});

	it('a redelivery while the first run may still be sending (within Resend After): Not Routed, marked in progress with the seconds to wait; nothing to confirm on it', async () => {
		const credentials = freshStore();
		const first = await route(credentials, lead('dana@initech.de', MONDAY_11), true, 300);
		assert.equal(first.output, WARM);
		const early = await route(credentials, lead('dana@initech.de', MONDAY_13), true, 300);
		const r = early.item.json.routing as Routing & { deliveryInProgress?: boolean; retryAfterSeconds?: number };
		assert.deepEqual([early.output, r.duplicate, r.redelivery, r.deliveryInProgress], [NOT_ROUTED, true, undefined, true]);
		assert.ok(r.retryAfterSeconds! > 0 && r.retryAfterSeconds! <= 300, String(r.retryAfterSeconds));
		const [passed] = await confirm(credentials, [early.item.json]);
		assert.equal((passed.delivery as IDataObject).status, 'nothingToConfirm', 'this run sent nothing: it confirms nothing');
		// The first run finishes: confirmed, a redelivery is a plain duplicate.
		await confirm(credentials, [first.item.json]);
		const late = await route(credentials, lead('dana@initech.de', MONDAY_13), true, 300);
		assert.deepEqual([late.output, (late.item.json.routing as { deliveryInProgress?: boolean }).deliveryInProgress], [NOT_ROUTED, undefined]);
	});

	it('off (the default, as in flows saved before it): a redelivery goes to Not Routed whether or not it was confirmed', async () => {
		for (const resend of ['unset', false] as const) {
			const credentials = freshStore();
			assert.equal((await route(credentials, lead('dana@initech.de', MONDAY_11), resend)).output, WARM);
			const again = await route(credentials, lead('dana@initech.de', MONDAY_13), resend);
			assert.deepEqual([again.output, routingOf(again.item).duplicate, routingOf(again.item).redelivery], [NOT_ROUTED, true, undefined]);
		}
	});

	it('Confirm Delivery passes every item through: a lead without an event key has nothing to confirm, an event never assigned is not recorded', async () => {
		const credentials = freshStore();
		const out = await confirm(credentials, [
			{ email: 'below@gate.de', handoff: { decision: 'notYet' } },
			{ email: 'ghost@x.de', routing: { leadKey: 'ghost@x.de', eventKey: 'evt-never' } },
		]);
		assert.deepEqual(
			out.map((json) => [json.email, (json.delivery as IDataObject).confirmed, (json.delivery as IDataObject).status]),
			[
				['below@gate.de', false, 'nothingToConfirm'],
				['ghost@x.de', false, 'noAssignment'],
			],
		);
	});

	it('a bad event key fails its item, naming the field', async () => {
		const { error } = await runNode({ node: data, parameters: { operation: 'confirmDelivery', eventKey: '={{ 42 }}' }, items: [{ email: 'dana@initech.de' }], credentials: freshStore() });
		assert.match(error?.message ?? '', /Event Key/);
	});

	/** Where a run of the template stops: before Tier Router, after it but before the messages, after them but before Confirm Delivery, or not at all. */
	type Crash = 'beforeRouter' | 'beforeSend' | 'beforeConfirm' | 'none';

	it('any deliveries dying anywhere: the messages go at least once, again only after a death between sending and confirming, never after the confirmation (fast-check)', async () => {
		const credentials = freshStore();
		let leads = 0;
		await fc.assert(
			fc.asyncProperty(
				fc.array(fc.constantFrom<Crash>('beforeRouter', 'beforeSend', 'beforeConfirm', 'none'), { minLength: 1, maxLength: 5 }),
				fc.integer({ min: 0, max: 2 }),
				async (attempts, afterwards) => {
					const email = `lead${++leads}@initech.de`;
					// The sender retries until a run answers: the attempts up to the first that completes, then some harmless retries of it.
					const done = attempts.indexOf('none');
					const runs: Crash[] = [...(done === -1 ? [...attempts, 'none' as const] : attempts.slice(0, done + 1)), ...Array<Crash>(afterwards).fill('none')];
					const sent: Routing[] = [];
					const sentBy: number[] = [];
					let confirmedAt = -1;
					for (const [n, crash] of runs.entries()) {
						if (crash === 'beforeRouter') continue;
						const { output, item } = await route(credentials, lead(email, MONDAY_11));
						if (output === NOT_ROUTED) continue;
						assert.equal(output, WARM);
						if (crash === 'beforeSend') continue;
						sent.push(routingOf(item));
						sentBy.push(n);
						assert.equal(confirmedAt, -1, `run ${n + 1} sent after the confirmation`);
						if (crash === 'beforeConfirm') continue;
						const [json] = await confirm(credentials, [item.json]);
						assert.equal((json.delivery as IDataObject).confirmed, true);
						confirmedAt = n;
					}
					const diedAfterSending = runs.filter((c) => c === 'beforeConfirm').length;
					assert.equal(sent.length, 1 + diedAfterSending, 'once, plus once per run that died between sending and confirming');
					assert.ok(confirmedAt >= 0);
					assert.equal(new Set(sent.map((r) => JSON.stringify([r.ownerId, r.dueAt, r.assignedAt, r.eventKey]))).size, 1, 'every send names the same owner and due time');
					// The run that assigned sends as a new hand-off; every later send is marked a redelivery.
					const assigning = runs.findIndex((c) => c !== 'beforeRouter');
					assert.deepEqual(
						sent.map((r) => r.redelivery === true),
						sentBy.map((n) => n !== assigning),
					);
				},
			),
			{ numRuns: 40 },
		);
	});
});
