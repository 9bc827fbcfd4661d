/**
 * Releasing a hand-off, on both backends: the lead's current hand-off and its open assignment
 * are taken back (so the next qualifying event, even the same one, hands off and routes again,
 * and the rep's load drops), recorded with who, when and why, idempotent, and per store scope.
 */
import assert from 'node:assert/strict';

import { ALL_SCOPES, createStore, StoreError, type HandoffStore } from '../../nodes/store';
import { BACKENDS, describeOn } from './backends';

const T0 = Date.parse('2026-06-01T09:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const LEAD = 'dana@globex.com';
const rep = (id: string) => ({ id, dayStart: T0 - HOUR, weekStart: T0 - DAY });
/** Hands off unless the lead has a hand-off (a cool-down longer than any test). */
const fireOnce = (state: { lastHandoffAt?: number } | undefined) => ({ handoff: state?.lastHandoffAt === undefined, details: { reasons: ['Requested a demo'] } });

/** The rep's loads as the router would see them, read in a test run so the probe keeps nothing. */
function loadsOf(store: HandoffStore, scope: string, repId: string) {
	return store.preview(async (view) => {
		let seen: unknown;
		await view.assignLead({ scope, leadKey: 'probe', eventKey: 'probe', at: T0 + HOUR, reps: [rep(repId)] }, ({ loads }) => {
			seen = loads[repId];
			return { queue: 'probe', details: {} };
		});
		return seen as { open: number; assignedToday: number };
	});
}

async function handOffAndAssign(store: HandoffStore, scope: string, eventKey: string, at = T0) {
	const handed = await store.decideHandoff({ scope, leadKey: LEAD, eventKey, at }, fireOnce);
	const assigned = await store.assignLead({ scope, leadKey: LEAD, eventKey, at, team: 'emea', reps: [rep('ana'), rep('ben')] }, ({ counter }) => ({
		repId: counter % 2 === 0 ? 'ana' : 'ben',
		nextCounter: counter + 1,
		details: {},
	}));
	return { handed: handed.status, owner: assigned.record.repId, routed: assigned.status };
}

for (const makeBackend of BACKENDS) {
	const backend = makeBackend();
	const opened: HandoffStore[] = [];
	async function fresh(): Promise<HandoffStore> {
		const store = await createStore(await backend.fresh());
		opened.push(store);
		return store;
	}

	describeOn(backend)(`hand-off releases on ${backend.name}`, () => {
		afterAll(async () => {
			await Promise.all(opened.map((s) => s.close()));
			await backend.cleanup();
		});

		it('releases the current hand-off: the same event hands off and routes again, and the load drops', async () => {
			const store = await fresh();
			assert.deepEqual(await handOffAndAssign(store, 's', 'evt-1'), { handed: 'handedOff', owner: 'ana', routed: 'assigned' });
			assert.deepEqual(await handOffAndAssign(store, 's', 'evt-1'), { handed: 'duplicate', owner: 'ana', routed: 'duplicate' }, 'before: the event is taken');
			assert.equal((await loadsOf(store, 's', 'ana')).open, 1);

			const outcome = await store.releaseHandoff({ scope: 's', leadKey: LEAD, at: T0 + HOUR, reason: 'Handed off by mistake', by: 'ops@example.com', details: { execution: '42' } });
			assert.equal(outcome.status, 'released');
			const release = outcome.status === 'released' ? outcome.release : undefined;
			assert.equal(release?.releaseNo, 1);
			assert.deepEqual(release?.handoff, { scope: 's', leadKey: LEAD, eventKey: 'evt-1', at: T0, details: { reasons: ['Requested a demo'] } });
			assert.deepEqual(release?.assignments.map((a) => [a.eventKey, a.repId]), [['evt-1', 'ana']]);
			assert.deepEqual([release?.releasedAt, release?.releasedBy, release?.reason, release?.details], [T0 + HOUR, 'ops@example.com', 'Handed off by mistake', { execution: '42' }]);
			assert.deepEqual(await loadsOf(store, 's', 'ana'), { open: 0, assignedToday: 0, assignedThisWeek: 0, lastAssignedAt: T0 }, "the rep's load no longer counts it");
			assert.equal(await store.handoffState('s', LEAD), undefined, 'no current hand-off');

			// The turn was taken: the lead goes to the next rep.
			assert.deepEqual(await handOffAndAssign(store, 's', 'evt-1', T0 + 2 * HOUR), { handed: 'handedOff', owner: 'ben', routed: 'assigned' });
		});

		it('releasing twice releases nothing the second time', async () => {
			const store = await fresh();
			await handOffAndAssign(store, 's', 'evt-1');
			const input = { scope: 's', leadKey: LEAD, at: T0 + HOUR, reason: 'Test' };
			assert.equal((await store.releaseHandoff(input)).status, 'released');
			assert.deepEqual(await store.releaseHandoff({ ...input, at: T0 + 2 * HOUR }), { status: 'nothingToRelease' });
			assert.equal((await store.handoffHistory('s', LEAD)).releases.length, 1);
			assert.deepEqual(await store.releaseHandoff({ ...input, leadKey: 'never@seen.io' }), { status: 'nothingToRelease' }, 'a lead never handed off');
		});

		it('a recycled lead has no hand-off to release', async () => {
			const store = await fresh();
			await handOffAndAssign(store, 's', 'evt-1');
			await store.recycleLead('s', LEAD, T0 + DAY);
			const outcome = await store.releaseHandoff({ scope: 's', leadKey: LEAD, at: T0 + 2 * DAY, reason: 'Test' });
			assert.equal(outcome.status, 'nothingToRelease');
		});

		it('keeps every release in the history, numbered, beside the standing hand-offs', async () => {
			const store = await fresh();
			await handOffAndAssign(store, 's', 'evt-1');
			await store.releaseHandoff({ scope: 's', leadKey: LEAD, at: T0 + HOUR, reason: 'First test' });
			await handOffAndAssign(store, 's', 'evt-1', T0 + 2 * HOUR);
			await store.releaseHandoff({ scope: 's', leadKey: LEAD, at: T0 + 3 * HOUR, reason: 'Second test' });
			await handOffAndAssign(store, 's', 'evt-2', T0 + 4 * HOUR);
			const history = await store.handoffHistory('s', LEAD);
			assert.deepEqual(history.releases.map((r) => [r.releaseNo, r.reason, r.handoff.at, r.assignments.map((a) => a.repId)]), [
				[1, 'First test', T0, ['ana']],
				[2, 'Second test', T0 + 2 * HOUR, ['ben']],
			]);
			assert.deepEqual(history.handoffs.map((h) => [h.eventKey, h.at]), [['evt-2', T0 + 4 * HOUR]]);
			assert.deepEqual(history.state, { lastHandoffAt: T0 + 4 * HOUR, lastEventKey: 'evt-2', handoffCount: 1 });
		});

		it('is scoped: a release in one scope leaves the lead of another scope handed off; erasure removes releases', async () => {
			const store = await fresh();
			await handOffAndAssign(store, 'client-a', 'evt-1');
			await handOffAndAssign(store, 'client-b', 'evt-1');
			assert.equal((await store.releaseHandoff({ scope: 'client-a', leadKey: LEAD, at: T0 + HOUR, reason: 'Test' })).status, 'released');
			assert.equal((await store.handoffState('client-b', LEAD))?.lastEventKey, 'evt-1');
			assert.equal((await store.handoffHistory('client-b', LEAD)).releases.length, 0);
			assert.equal((await loadsOf(store, 'client-b', 'ana')).open, 1);
			const { deleted } = await store.eraseLead(ALL_SCOPES, LEAD);
			assert.equal(deleted.handoff_releases, 1);
			assert.deepEqual(await store.handoffHistory('client-a', LEAD), { handoffs: [], releases: [] });
		});

		it('refuses a release without a reason, naming the field', async () => {
			const store = await fresh();
			await assert.rejects(store.releaseHandoff({ scope: 's', leadKey: LEAD, at: T0, reason: '  ' }), (error: unknown) => error instanceof StoreError && /Release reason/.test(error.message));
		});
	});
}
