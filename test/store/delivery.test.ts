/**
 * A hand-off's delivery: Confirm Delivery records when its messages were sent, once (the first
 * time is kept), and a redelivered event's assignment says so, one lead at a time and in a batch;
 * erasure and release remove it with the assignment. Both backends.
 */
import assert from 'node:assert/strict';

import { ALL_SCOPES, type AssignmentInput, type HandoffStore } from '../../nodes/store';
import { BACKENDS, describeOn, storesOn } from './backends';

const T0 = Date.parse('2026-06-01T09:00:00Z');
const MINUTE = 60_000;

const input = (leadKey: string, eventKey: string, at = T0, scope = 'default'): AssignmentInput => ({ scope, leadKey, eventKey, at, team: 'emea', reps: [{ id: '101', dayStart: T0 - 9 * 60 * MINUTE, weekStart: T0 - 9 * 60 * MINUTE }] });
const to101 = () => ({ repId: '101', team: 'emea', nextCounter: 1, details: { owner: { ownerId: '101' } } });

for (const makeBackend of BACKENDS) {
	const backend = makeBackend();
	const stores = storesOn(backend);

	describeOn(backend)(`hand-off delivery on ${backend.name}`, () => {
		afterAll(() => stores.closeAll());

		it('confirms once and keeps the first time; a redelivered event then carries it, alone and in a batch', async () => {
			const store = await stores.fresh();
			const first = await store.assignLead(input('dana@globex.com', 'evt-1'), to101);
			assert.equal(first.status, 'assigned');
			assert.equal(first.record.deliveredAt, undefined);

			const before = await store.assignLead(input('dana@globex.com', 'evt-1', T0 + MINUTE), to101);
			assert.equal(before.status, 'duplicate');
			assert.equal(before.record.deliveredAt, undefined, 'not confirmed yet: the redelivery may send again');

			assert.deepEqual(await store.confirmDelivery('default', 'dana@globex.com', 'evt-1', T0 + 2 * MINUTE), { status: 'confirmed', deliveredAt: T0 + 2 * MINUTE, repId: '101' });
			assert.deepEqual(await store.confirmDelivery('default', 'dana@globex.com', 'evt-1', T0 + 3 * MINUTE), { status: 'alreadyConfirmed', deliveredAt: T0 + 2 * MINUTE, repId: '101' });

			const alone = await store.assignLead(input('dana@globex.com', 'evt-1', T0 + 4 * MINUTE), to101);
			assert.deepEqual([alone.status, alone.record.deliveredAt, alone.record.repId], ['duplicate', T0 + 2 * MINUTE, '101']);
			const batch = await store.assignLeads([
				{ input: input('dana@globex.com', 'evt-1', T0 + 5 * MINUTE), decide: to101 },
				{ input: input('eve@initech.de', 'evt-9', T0 + 5 * MINUTE), decide: to101 },
				{ input: input('eve@initech.de', 'evt-9', T0 + 5 * MINUTE), decide: to101 },
			]);
			assert.deepEqual(
				batch.map((r) => (r.status === 'failed' ? r.error.message : [r.status, r.record.deliveredAt])),
				[
					['duplicate', T0 + 2 * MINUTE],
					['assigned', undefined],
					['duplicate', undefined],
				],
			);
		});

		it('nothing to confirm for an event never assigned, or assigned in another scope; nothing is written', async () => {
			const store = await stores.fresh();
			await store.assignLead(input('dana@globex.com', 'evt-1'), to101);
			assert.deepEqual(await store.confirmDelivery('default', 'dana@globex.com', 'evt-2', T0), { status: 'noAssignment' });
			assert.deepEqual(await store.confirmDelivery('client-b', 'dana@globex.com', 'evt-1', T0), { status: 'noAssignment' });
			assert.deepEqual(await store.confirmDelivery('default', 'eve@initech.de', 'evt-1', T0), { status: 'noAssignment' });
			const again = await store.assignLead(input('dana@globex.com', 'evt-1'), to101);
			assert.equal(again.record.deliveredAt, undefined);
		});

		it('concurrent confirmations of one hand-off: one confirms, the others find its time', async () => {
			const store = await stores.fresh();
			await store.assignLead(input('dana@globex.com', 'evt-1'), to101);
			const outcomes = await Promise.all(Array.from({ length: 6 }, (_, i) => store.confirmDelivery('default', 'dana@globex.com', 'evt-1', T0 + (i + 1) * MINUTE)));
			const confirmed = outcomes.filter((o) => o.status === 'confirmed');
			assert.equal(confirmed.length, 1);
			const time = confirmed[0].status === 'confirmed' ? confirmed[0].deliveredAt : NaN;
			assert.ok(outcomes.every((o) => o.status !== 'noAssignment' && o.deliveredAt === time));
		});

		it('a recycled lead: the redelivered event says its assignment closed', async () => {
			const store = await stores.fresh();
			await store.assignLead(input('dana@globex.com', 'evt-1'), to101);
			await store.recycleLead('default', 'dana@globex.com', T0 + MINUTE);
			const again = await store.assignLead(input('dana@globex.com', 'evt-1', T0 + 2 * MINUTE), to101);
			assert.deepEqual([again.status, again.record.closedAt, again.record.deliveredAt], ['duplicate', T0 + MINUTE, undefined]);
		});

		it('erasure and release take the delivery with the assignment: the event can be confirmed only once assigned again', async () => {
			const store = await stores.fresh();
			for (const lead of ['dana@globex.com', 'eve@initech.de']) {
				await store.decideHandoff({ scope: 'default', leadKey: lead, eventKey: 'evt-1', at: T0 }, () => ({ handoff: true, details: {} }));
				await store.assignLead(input(lead, 'evt-1'), to101);
				await store.confirmDelivery('default', lead, 'evt-1', T0 + MINUTE);
			}
			await store.eraseLead(ALL_SCOPES, 'dana@globex.com');
			assert.deepEqual(await store.confirmDelivery('default', 'dana@globex.com', 'evt-1', T0 + 2 * MINUTE), { status: 'noAssignment' });
			const released = await store.releaseHandoff({ scope: 'default', leadKey: 'eve@initech.de', at: T0 + 2 * MINUTE, reason: 'test' });
			assert.equal(released.status, 'released');
			assert.deepEqual(await store.confirmDelivery('default', 'eve@initech.de', 'evt-1', T0 + 3 * MINUTE), { status: 'noAssignment' });
			const anew = await store.assignLead(input('dana@globex.com', 'evt-1', T0 + 4 * MINUTE), to101);
			assert.deepEqual([anew.status, anew.record.deliveredAt], ['assigned', undefined]);
		});

		it('a redelivery resends only once nobody has been sending for the lease, and of concurrent ones only one; never once confirmed or closed', async () => {
			const store = await stores.fresh();
			await store.assignLead(input('dana@globex.com', 'evt-1'), to101);
			const held = await store.claimResend('default', 'dana@globex.com', 'evt-1', 60_000);
			assert.equal(held.status, 'inFlight', 'the assignment started the lease: its run may still be sending');
			assert.ok(held.status === 'inFlight' && held.retryAfterMs > 0 && held.retryAfterMs <= 60_000);
			await new Promise((resolve) => setTimeout(resolve, 1100));
			const claims = await Promise.all(Array.from({ length: 6 }, () => store.claimResend('default', 'dana@globex.com', 'evt-1', 1000)));
			assert.deepEqual(claims.map((c) => c.status).sort(), ['inFlight', 'inFlight', 'inFlight', 'inFlight', 'inFlight', 'resend'], 'one redelivery takes the sending over');
			assert.equal((await store.claimResend('default', 'dana@globex.com', 'evt-1', 0)).status, 'resend', 'a lease of 0: every redelivery resends');
			await store.confirmDelivery('default', 'dana@globex.com', 'evt-1', T0 + MINUTE);
			assert.deepEqual(await store.claimResend('default', 'dana@globex.com', 'evt-1', 0), { status: 'confirmed', deliveredAt: T0 + MINUTE });
			await store.assignLead(input('eve@initech.de', 'evt-1'), to101);
			await store.recycleLead('default', 'eve@initech.de', T0 + MINUTE);
			assert.deepEqual(await store.claimResend('default', 'eve@initech.de', 'evt-1', 0), { status: 'closed', closedAt: T0 + MINUTE });
			assert.deepEqual(await store.claimResend('default', 'ghost@x.de', 'evt-1', 0), { status: 'noAssignment' });
			await assert.rejects(store.claimResend('default', 'dana@globex.com', 'evt-1', -1), /lease/);
		});

		it('refuses a bad key or time, naming the field', async () => {
			const store: HandoffStore = await stores.fresh();
			await assert.rejects(store.confirmDelivery('default', '', 'evt-1', T0), /Lead key/);
			await assert.rejects(store.confirmDelivery('default', 'dana@globex.com', '', T0), /Event key/);
			await assert.rejects(store.confirmDelivery('default', 'dana@globex.com', 'evt-1', Number.NaN), /Delivery time/);
		});
	});
}
