/**
 * A stage a poll holds (SlaHold): the SLA Breach Trigger's Reassignment stage, which must fire
 * together with the lead's reassignment. On both backends: the claim leases the stage instead of
 * firing it; `reassignSlaTimer` with the lease fires it in the reassignment's transaction, once;
 * a lease that runs out (the poller died, or its database dropped) is claimed again by the next
 * poll, and the old holder can no longer fire it; a contact meanwhile leaves nothing to fire.
 */
import assert from 'node:assert/strict';

import { type HandoffStore, type SlaClaim, type SlaHold } from '../../nodes/store';
import { pollStep, reassignTimer, type SlaTimer } from '../../nodes/engine/sla';
import { BACKENDS, describeOn, storesOn } from './backends';
import { COMPILED, contact, HOUR, MINUTE, SCOPE, start, T0 } from './sla-support';

const LEASE = 2 * MINUTE;
const HOLD: SlaHold = { stages: ['reassign'], leaseMs: LEASE };
/** With the support policy (1 business hour from Tuesday 10:00), the Reassignment stage is due at 12:00. */
const REASSIGN_DUE = T0 + 2 * HOUR;

async function claim(store: HandoffStore, now: number): Promise<Array<SlaClaim<SlaTimer>>> {
	return store.claimDueSlaStages<SlaTimer>(SCOPE, now, pollStep, { hold: HOLD });
}

/** Fires the held stage as the trigger does, giving the lead to `to` (or to nobody). */
function fire(store: HandoffStore, handoffKey: string, until: number, at: number, to?: string) {
	let seen: SlaTimer | undefined;
	const done = store.reassignSlaTimer<SlaTimer>({ scope: SCOPE, handoffKey, at, reps: [], held: { stage: 'reassign', until } }, ({ timer }) => {
		seen = timer;
		return to === undefined ? {} : { timer: reassignTimer(COMPILED, timer, { at, ownerId: to }).timer };
	});
	return done.then((outcome) => ({ outcome, seen }));
}

const stagesOf = async (store: HandoffStore, handoffKey = 'evt-1') => (await store.slaEscalations(SCOPE, handoffKey)).map((e) => e.stage);

for (const makeBackend of BACKENDS) {
	const backend = makeBackend();
	const stores = storesOn(backend);
	async function fresh(): Promise<HandoffStore> {
		const store = await stores.fresh();
		await start(store, { handoffKey: 'evt-1', leadKey: 'lead-1', ownerId: '101', startedAt: T0 });
		return store;
	}

	describeOn(backend)(`A held SLA stage on ${backend.name}`, () => {
		afterAll(() => stores.closeAll());

		it('is leased by the claim, not fired: the stages before it fire, and no poll claims it until the lease runs out', async () => {
			const store = await fresh();
			// n8n was down all morning: reminder, manager alert and reassignment all fall due at once.
			const [first] = await claim(store, T0 + 5 * HOUR);
			assert.deepEqual(first.due.map((d) => d.stage), ['reminder', 'manager']);
			assert.deepEqual(first.held, { stage: { stage: 'reassign', dueAt: REASSIGN_DUE }, until: T0 + 5 * HOUR + LEASE });
			assert.deepEqual(await stagesOf(store), ['reminder', 'manager'], 'the held stage is not recorded as fired');
			const timer = (await store.getSlaTimer<SlaTimer>(SCOPE, 'evt-1'))!.timer;
			assert.deepEqual([timer.ownerId, timer.fired, timer.schedule.map((s) => s.stage)], ['101', ['reminder', 'manager'], ['reassign']]);
			assert.deepEqual(await claim(store, T0 + 5 * HOUR + LEASE - 1), [], 'leased: not claimed again');
			// A poll without hold (reassigning off) that finds it once the lease ran out fires it plainly.
			const plain = await store.claimDueSlaStages<SlaTimer>(SCOPE, T0 + 5 * HOUR + LEASE, pollStep);
			assert.deepEqual(plain.map((c) => [c.due.map((d) => d.stage), c.held]), [[['reassign'], undefined]]);
			assert.deepEqual(await stagesOf(store), ['reminder', 'manager', 'reassign']);
		});

		it('fires with the reassignment under its lease, once; the decision sees the stage fired', async () => {
			const store = await fresh();
			const [claimed] = await claim(store, REASSIGN_DUE);
			assert.deepEqual(claimed.due.map((d) => d.stage), ['reminder', 'manager']);
			const { outcome, seen } = await fire(store, 'evt-1', claimed.held!.until, REASSIGN_DUE, '102');
			assert.equal(outcome.status, 'reassigned');
			assert.deepEqual(seen!.fired, ['reminder', 'manager', 'reassign']);
			assert.deepEqual(await stagesOf(store), ['reminder', 'manager', 'reassign']);
			const timer = (await store.getSlaTimer<SlaTimer>(SCOPE, 'evt-1'))!.timer;
			assert.deepEqual([timer.ownerId, timer.previousOwners, timer.reassignments, timer.schedule.map((s) => s.stage)], ['102', ['101'], 1, ['lastAlert']]);
			// The same lease again (a retry of a poll that did commit) changes nothing.
			assert.deepEqual((await fire(store, 'evt-1', claimed.held!.until, REASSIGN_DUE, '103')).outcome, { status: 'leaseLost' });
			assert.equal((await store.getSlaTimer<SlaTimer>(SCOPE, 'evt-1'))!.timer.ownerId, '102');
			// The new owner's window runs on: its last alert, and nothing of the first window again.
			const later = await claim(store, T0 + 48 * HOUR);
			assert.deepEqual(later.map((c) => [c.due.map((d) => d.stage), c.held]), [[['lastAlert'], undefined]]);
		});

		it('fires when nobody can take the lead, the timer moving on past it', async () => {
			const store = await fresh();
			const [claimed] = await claim(store, REASSIGN_DUE + MINUTE);
			const { outcome } = await fire(store, 'evt-1', claimed.held!.until, REASSIGN_DUE + MINUTE);
			assert.equal(outcome.status, 'unchanged');
			assert.deepEqual(await stagesOf(store), ['reminder', 'manager', 'reassign']);
			assert.deepEqual(await store.slaEscalations(SCOPE, 'evt-1').then((e) => e.at(-1)), { stage: 'reassign', dueAt: REASSIGN_DUE, firedAt: REASSIGN_DUE + MINUTE });
			assert.equal((await store.getSlaTimer<SlaTimer>(SCOPE, 'evt-1'))!.timer.ownerId, '101');
			assert.deepEqual(await claim(store, T0 + 48 * HOUR), [], 'nothing left to fire');
		});

		it('a lease that ran out goes to the next poll; the old holder, back late, fires nothing', async () => {
			const store = await fresh();
			const [dead] = await claim(store, REASSIGN_DUE);
			// The first poller died (or stalled) after its claim. Once its lease runs out, the next poll claims the stage again.
			const [next] = await claim(store, dead.held!.until);
			assert.deepEqual(next.due, [], 'nothing else fires again');
			assert.deepEqual(next.held, { stage: { stage: 'reassign', dueAt: REASSIGN_DUE }, until: dead.held!.until + LEASE });
			assert.deepEqual((await fire(store, 'evt-1', dead.held!.until, REASSIGN_DUE, '103')).outcome, { status: 'leaseLost' });
			assert.equal((await fire(store, 'evt-1', next.held!.until, dead.held!.until, '102')).outcome.status, 'reassigned');
			assert.deepEqual(await stagesOf(store), ['reminder', 'manager', 'reassign']);
			assert.equal((await store.getSlaTimer<SlaTimer>(SCOPE, 'evt-1'))!.timer.ownerId, '102');
		});

		it('a reassignment that fails rolls the firing back with it: the stage stays leased and fires once, later', async () => {
			const store = await fresh();
			const [claimed] = await claim(store, REASSIGN_DUE);
			const failing = store.reassignSlaTimer<SlaTimer>({ scope: SCOPE, handoffKey: 'evt-1', at: REASSIGN_DUE, reps: [{ id: '102', dayStart: T0, weekStart: T0 }], held: { stage: 'reassign', until: claimed.held!.until } }, () => {
				throw new Error('the database dropped');
			});
			await assert.rejects(failing, /the database dropped/);
			assert.deepEqual(await stagesOf(store), ['reminder', 'manager']);
			assert.deepEqual(await claim(store, claimed.held!.until - 1), []);
			const [again] = await claim(store, claimed.held!.until);
			assert.equal((await fire(store, 'evt-1', again.held!.until, claimed.held!.until, '102')).outcome.status, 'reassigned');
			assert.deepEqual(await stagesOf(store), ['reminder', 'manager', 'reassign']);
		});

		it('a contact while the stage is leased leaves nothing to fire', async () => {
			const store = await fresh();
			const [claimed] = await claim(store, REASSIGN_DUE);
			const contacted = await contact(store, { handoffKey: 'evt-1' }, REASSIGN_DUE + 10_000);
			assert.equal(contacted.timers[0].after.status, 'contacted');
			assert.deepEqual((await fire(store, 'evt-1', claimed.held!.until, REASSIGN_DUE + 20_000, '102')).outcome, { status: 'leaseLost' });
			assert.deepEqual(await claim(store, T0 + 48 * HOUR), []);
			assert.deepEqual(await stagesOf(store), ['reminder', 'manager']);
			assert.equal((await store.getSlaTimer<SlaTimer>(SCOPE, 'evt-1'))!.timer.ownerId, '101');
		});
	});
}
