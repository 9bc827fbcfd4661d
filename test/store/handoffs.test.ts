/**
 * Hand-offs, recycling, round-robin cursors and rep loads, one suite run against both real
 * backends: the embedded store (node:sqlite) and PostgreSQL.
 */
import assert from 'node:assert/strict';

import { createStore, StoreError, type AssignmentDecision, type HandoffStore, type StoreConfig } from '../../nodes/store';
import { BACKENDS, describeOn } from './backends';

const T0 = Date.parse('2026-06-01T09:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A decider that hands off unless the lead was handed off within `days`, as the gate's cool-down does. */
const coolDown = (days: number, now: number) => (state: { lastHandoffAt?: number; recycledAt?: number } | undefined) => {
	const recycled = state?.recycledAt !== undefined && state.recycledAt >= (state.lastHandoffAt ?? 0);
	const handoff = state?.lastHandoffAt === undefined || recycled || now - state.lastHandoffAt >= days * DAY;
	return { handoff, details: { reasons: ['Score 72 ≥ 70 and downloaded a case study'] } };
};

for (const makeBackend of BACKENDS) {
	const backend = makeBackend();
	const opened: HandoffStore[] = [];

	async function fresh(): Promise<{ store: HandoffStore; config: StoreConfig }> {
		const config = await backend.fresh();
		const store = await createStore(config);
		opened.push(store);
		return { store, config };
	}

	describeOn(backend)(`hand-offs on ${backend.name}`, () => {
		afterAll(async () => {
			await Promise.all(opened.map((s) => s.close()));
			await backend.cleanup();
		});

		it('hands a lead off once; a redelivered event is a duplicate; the cool-down holds a new event back', async () => {
			const ctx = await fresh();
			const { store } = ctx;
			const input = { scope: 'default', leadKey: 'dana@globex.com', eventKey: 'evt-1', at: T0 };
			const first = await store.decideHandoff(input, coolDown(90, T0));
			assert.equal(first.status, 'handedOff');
			assert.deepEqual(first.status === 'handedOff' && first.record.details, { reasons: ['Score 72 ≥ 70 and downloaded a case study'] });
			assert.equal(first.status === 'handedOff' && first.previous, undefined);

			let called = false;
			const again = await store.decideHandoff({ ...input, at: T0 + HOUR }, () => ((called = true), { handoff: true, details: {} }));
			assert.equal(again.status, 'duplicate');
			assert.equal(called, false, 'a seen event is not judged again');
			assert.equal(again.status === 'duplicate' && again.record.at, T0);

			const held = await store.decideHandoff({ ...input, eventKey: 'evt-2', at: T0 + 10 * DAY }, coolDown(90, T0 + 10 * DAY));
			assert.deepEqual(held, { status: 'notHandedOff', previous: { lastHandoffAt: T0, lastEventKey: 'evt-1', handoffCount: 1 } });
			const later = await store.decideHandoff({ ...input, eventKey: 'evt-3', at: T0 + 91 * DAY }, coolDown(90, T0 + 91 * DAY));
			assert.equal(later.status, 'handedOff');
			assert.deepEqual(await store.handoffState('default', 'dana@globex.com'), { lastHandoffAt: T0 + 91 * DAY, lastEventKey: 'evt-3', handoffCount: 2 });
			assert.equal(await store.handoffState('other-scope', 'dana@globex.com'), undefined, 'scopes are separate');
		});

		it('a lead recycled to nurture may qualify again, and its open assignment closes', async () => {
			const ctx = await fresh();
			const { store } = ctx;
			const lead = { scope: 's', leadKey: 'lee@initech.com' };
			await store.decideHandoff({ ...lead, eventKey: 'e1', at: T0 }, coolDown(90, T0));
			await store.assignLead({ ...lead, eventKey: 'e1', at: T0, reps: [{ id: 'ana', dayStart: T0 - HOUR, weekStart: T0 - DAY }] }, () => ({ repId: 'ana', details: {} }));
			assert.deepEqual(await store.recycleLead('s', 'lee@initech.com', T0 + 5 * DAY), { recycledAt: T0 + 5 * DAY, closedAssignments: 1 });
			// An older recycle arriving late changes nothing; the same one again neither.
			assert.deepEqual(await store.recycleLead('s', 'lee@initech.com', T0 + DAY), { recycledAt: T0 + 5 * DAY, closedAssignments: 0 });
			const loads = await loadsOf(store, 's', 'ana', T0 + 6 * DAY);
			assert.equal(loads.open, 0, 'the recycled lead no longer counts as open');
			const again = await store.decideHandoff({ ...lead, eventKey: 'e2', at: T0 + 6 * DAY }, coolDown(90, T0 + 6 * DAY));
			assert.equal(again.status, 'handedOff');
			assert.deepEqual(again.status === 'handedOff' && again.previous, { lastHandoffAt: T0, lastEventKey: 'e1', handoffCount: 1, recycledAt: T0 + 5 * DAY });
		});

		it('concurrent executions for one lead hand it off exactly once', async () => {
			const ctx = await fresh();
			const other = await createStore(ctx.config);
			opened.push(other);
			const results = await Promise.all(
				Array.from({ length: 20 }, (_, i) => (i % 2 ? ctx.store : other).decideHandoff({ scope: 'default', leadKey: 'lead-9', eventKey: `evt-${i}`, at: T0 + i }, coolDown(90, T0 + i))),
			);
			assert.equal(results.filter((r) => r.status === 'handedOff').length, 1);
			assert.equal((await ctx.store.handoffState('default', 'lead-9'))?.handoffCount, 1);
		});

		it('round-robin: the counter moves by what the decision says; a redelivered event gets its first owner back', async () => {
			const ctx = await fresh();
			const { store } = ctx;
			const reps = ['ana', 'ben', 'cy'].map((id) => ({ id, dayStart: T0 - HOUR, weekStart: T0 - DAY }));
			const pick = (leadKey: string, eventKey = 'e1') =>
				store.assignLead({ scope: 'default', leadKey, eventKey, at: T0, team: 'emea', reps }, ({ counter }): AssignmentDecision => ({ repId: reps[counter % 3].id, nextCounter: counter + 1, details: { counter } }));
			const owners = [];
			for (const lead of ['l1', 'l2', 'l3', 'l4']) owners.push((await pick(lead)).record.repId);
			assert.deepEqual(owners, ['ana', 'ben', 'cy', 'ana']);
			const dup = await pick('l2');
			assert.equal(dup.status, 'duplicate');
			assert.deepEqual([dup.record.repId, dup.record.team, dup.record.details], ['ben', 'emea', { counter: 1 }]);
			assert.equal((await pick('l5')).record.repId, 'ben', 'the duplicate did not move the counter');
		});

		it('counts each rep\'s open, today\'s and this week\'s assignments; a new assignment of a lead closes its previous one', async () => {
			const ctx = await fresh();
			const { store } = ctx;
			const assign = (leadKey: string, eventKey: string, at: number, repId: string) =>
				store.assignLead({ scope: 'default', leadKey, eventKey, at, reps: [{ id: repId, dayStart: at, weekStart: at }] }, () => ({ repId, details: {} }));
			await assign('l1', 'e1', T0 - 3 * DAY, 'ana');
			await assign('l2', 'e1', T0 - 2 * HOUR, 'ana');
			await assign('l3', 'e1', T0 - HOUR, 'ana');
			await assign('l3', 'e2', T0 - 30 * 60_000, 'ben');
			assert.equal(await store.closeAssignments('default', 'l2', T0), 1);
			assert.deepEqual(await loadsOf(store, 'default', 'ana', T0, T0 - 4 * HOUR, T0 - 7 * DAY), { open: 1, assignedToday: 2, assignedThisWeek: 3, lastAssignedAt: T0 - HOUR });
			assert.deepEqual(await loadsOf(store, 'default', 'ben', T0, T0 - 4 * HOUR, T0 - 7 * DAY), { open: 1, assignedToday: 1, assignedThisWeek: 1, lastAssignedAt: T0 - 30 * 60_000 });
		});

		it('a queue instead of a rep, and a decision that throws writes nothing', async () => {
			const ctx = await fresh();
			const { store } = ctx;
			const input = { scope: 'default', leadKey: 'l1', eventKey: 'e1', at: T0, team: 'emea', reps: [] };
			await assert.rejects(store.assignLead(input, () => { throw new Error('no rule matched'); }), /no rule matched/);
			const queued = await store.assignLead(input, ({ counter }) => ({ queue: 'Unassigned', nextCounter: counter, details: { why: 'nobody available' } }));
			assert.equal(queued.status, 'assigned', 'the failed attempt left no claim behind');
			assert.deepEqual({ ...queued.record, at: undefined }, { scope: 'default', leadKey: 'l1', eventKey: 'e1', team: 'emea', queue: 'Unassigned', at: undefined, details: { why: 'nobody available' } });
			await assert.rejects(store.assignLead({ ...input, eventKey: 'e2' }, ({ counter }) => ({ repId: 'ana', nextCounter: counter - 1, details: {} })), (e: unknown) => e instanceof StoreError && /counter of team "emea"/.test(e.message));
		});

		it('refuses unusable keys and times, naming them', async () => {
			const ctx = await fresh();
			const { store } = ctx;
			await assert.rejects(store.decideHandoff({ scope: 'default', leadKey: '', eventKey: 'e', at: T0 }, coolDown(1, T0)), /Lead key must be a non-empty string/);
			await assert.rejects(store.decideHandoff({ scope: 'default', leadKey: 'l', eventKey: 'e', at: 1.5 }, coolDown(1, T0)), /Hand-off time must be a time in whole epoch milliseconds/);
			await assert.rejects(store.assignLead({ scope: 'default', leadKey: 'l', eventKey: 'e', at: T0, reps: [{ id: '', dayStart: T0, weekStart: T0 }] }, () => ({ details: {} })), /Rep 1: id/);
		});

		it('erasure deletes the lead\'s hand-offs, state and assignments, and nothing of others', async () => {
			const ctx = await fresh();
			const { store } = ctx;
			for (const leadKey of ['erase-me', 'keep-me']) {
				await store.decideHandoff({ scope: 'default', leadKey, eventKey: 'e1', at: T0 }, coolDown(90, T0));
				await store.assignLead({ scope: 'default', leadKey, eventKey: 'e1', at: T0, team: 'emea', reps: [] }, () => ({ repId: 'ana', nextCounter: 1, details: {} }));
			}
			const { deleted } = await store.eraseLead('default', 'erase-me');
			assert.deepEqual([deleted.handoff_leads, deleted.handoffs, deleted.assignments], [1, 1, 1]);
			assert.equal(await store.handoffState('default', 'erase-me'), undefined);
			assert.equal((await store.handoffState('default', 'keep-me'))?.handoffCount, 1);
			assert.equal((await loadsOf(store, 'default', 'ana', T0)).open, 1, 'only the kept lead still counts');
		});
	});
}

/** A rep's counts, read the way the router reads them: inside an assignment that assigns nobody. */
async function loadsOf(store: HandoffStore, scope: string, repId: string, at: number, dayStart = at - HOUR, weekStart = at - DAY) {
	let seen: unknown;
	await store.assignLead({ scope, leadKey: `probe-${Math.random()}`, eventKey: 'probe', at, reps: [{ id: repId, dayStart, weekStart }] }, ({ loads }) => {
		seen = loads[repId];
		return { queue: 'probe', details: {} };
	});
	return seen as { open: number; assignedToday: number; assignedThisWeek: number; lastAssignedAt?: number };
}
