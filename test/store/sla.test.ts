/**
 * SLA timers in the store, one suite run against both real backends: starting once per
 * hand-off, contacts in any order, loads that follow the lead, and polls that fire every stage
 * exactly once: over 10,000 timers, with a second poller in another process, and across a restart.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';

import { createStore, type HandoffStore, type StoreConfig } from '../../nodes/store';
import { compileRouter } from '../../nodes/engine/routing';
import { compilePolicy, decideAssignedStart, reassignTimer, routeReassignment, type SlaTimer, type StartState } from '../../nodes/engine/sla';
import { BACKENDS, describeOn } from './backends';
import { COMPILED, contact, HOUR, MINUTE, poll, reassign, SCOPE, start, startOf, T0 } from './sla-support';

const ROOT = path.resolve(__dirname, '../..');

/** A poll by another process (a second n8n on the same store): the pairs it fired. */
function pollInOtherProcess(config: StoreConfig, now: number): Promise<string[]> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'sla-poller.ts'), JSON.stringify(config), String(now)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		let err = '';
		child.stdout.on('data', (d) => (out += d));
		child.stderr.on('data', (d) => (err += d));
		child.on('error', reject);
		child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as string[]) : reject(new Error(`poller exited with ${code}: ${err}`))));
	});
}

/** `count` hand-offs started at `at`, keys `<prefix>-<n>`, in batches as an import starts them. */
async function startMany(store: HandoffStore, prefix: string, count: number, at: number): Promise<void> {
	for (let from = 0; from < count; from += 1000) {
		const batch = Array.from({ length: Math.min(1000, count - from) }, (_, i) => startOf({ handoffKey: `${prefix}-${from + i}`, leadKey: `${prefix}-lead-${from + i}`, ownerId: `rep-${(from + i) % 7}`, startedAt: at }));
		const outcomes = await store.startSlaTimers<SlaTimer>(batch);
		assert.ok(outcomes.every((o) => o.status === 'started'));
	}
}

for (const makeBackend of BACKENDS) {
	const backend = makeBackend();
	const opened: HandoffStore[] = [];

	async function fresh(): Promise<{ store: HandoffStore; config: StoreConfig }> {
		const config = await backend.fresh();
		const store = await createStore(config);
		opened.push(store);
		return { store, config };
	}

	describeOn(backend)(`SLA timers on ${backend.name}`, () => {
		afterAll(async () => {
			await Promise.all(opened.map((s) => s.close().catch(() => undefined)));
			await backend.cleanup();
		});

		it('starts one timer per hand-off: starting it again changes nothing and returns the first', async () => {
			const { store } = await fresh();
			const first = await start(store, { handoffKey: 'evt-1', leadKey: 'dana@globex.com', ownerId: '101', startedAt: T0 });
			assert.equal(first.status, 'started');
			assert.equal(first.timer.status, 'open');
			let called = false;
			const again = await store.startSlaTimer<SlaTimer>(startOf({ handoffKey: 'evt-1', leadKey: 'dana@globex.com', ownerId: '102', startedAt: T0 + HOUR }).input, () => {
				called = true;
				throw new Error('a duplicate is not decided again');
			});
			assert.equal(called, false);
			assert.equal(again.status, 'duplicate');
			assert.deepEqual(again.timer, first.timer);
			assert.deepEqual((await store.getSlaTimer<SlaTimer>(SCOPE, 'evt-1'))?.timer, first.timer);
		});

		it('a contact closes the timer, found by hand-off or by lead; a second contact changes nothing', async () => {
			const { store } = await fresh();
			await start(store, { handoffKey: 'evt-1', leadKey: 'dana@globex.com', ownerId: '101', startedAt: T0 });
			const byLead = await contact(store, { leadKey: 'dana@globex.com' }, T0 + 20 * MINUTE);
			assert.equal(byLead.timers.length, 1);
			assert.equal(byLead.timers[0].changed, true);
			assert.equal(byLead.timers[0].after.status, 'contacted');
			assert.equal(byLead.timers[0].after.firstTouchClockMinutes, 20);
			assert.equal(byLead.timers[0].after.metSla, true);
			const twice = await contact(store, { handoffKey: 'evt-1' }, T0 + 40 * MINUTE);
			assert.equal(twice.timers[0].changed, false);
			assert.equal(twice.timers[0].after.contactedAt, T0 + 20 * MINUTE);
			const byLeadAgain = await contact(store, { leadKey: 'dana@globex.com' }, T0 + 50 * MINUTE);
			assert.equal(byLeadAgain.timers[0].changed, false, 'a closed lead answers with its latest timer');
			assert.deepEqual((await poll(store, T0 + 10 * HOUR)).fired, [], 'a contacted timer escalates nothing');
		});

		it('keeps a contact that arrives before its timer, and closes the timer with it on start', async () => {
			const { store } = await fresh();
			const early = await contact(store, { handoffKey: 'evt-1' }, T0 + 5 * MINUTE);
			assert.deepEqual(early, { timers: [], kept: true });
			const later = await contact(store, { handoffKey: 'evt-1' }, T0 + 9 * MINUTE);
			assert.equal(later.kept, true);
			const started = await start(store, { handoffKey: 'evt-1', leadKey: 'dana@globex.com', ownerId: '101', startedAt: T0 });
			assert.equal(started.status, 'started');
			assert.equal(started.timer.status, 'contacted');
			assert.equal(started.timer.contactedAt, T0 + 5 * MINUTE, 'the earliest kept contact is the first touch');
			assert.deepEqual((await poll(store, T0 + 10 * HOUR)).fired, []);

			// Kept under the lead's key: it closes a hand-off it followed, not one that came after it.
			await contact(store, { leadKey: 'bob@initech.com' }, T0 + 30 * MINUTE);
			const next = await start(store, { handoffKey: 'evt-2', leadKey: 'bob@initech.com', ownerId: '101', startedAt: T0 + HOUR });
			assert.equal(next.timer.status, 'open');
			assert.equal((await start(store, { handoffKey: 'evt-3', leadKey: 'bob@initech.com', ownerId: '101', startedAt: T0 + 2 * HOUR })).timer.status, 'open', 'the kept contact was used up');
		});

		it('a new hand-off of a lead supersedes its running timer', async () => {
			const { store } = await fresh();
			await start(store, { handoffKey: 'evt-1', leadKey: 'dana@globex.com', ownerId: '101', startedAt: T0 });
			const second = await start(store, { handoffKey: 'evt-2', leadKey: 'dana@globex.com', ownerId: '102', startedAt: T0 + 10 * MINUTE });
			assert.equal(second.status === 'started' && second.others[0].status, 'cancelled');
			assert.deepEqual((await store.listSlaTimers<SlaTimer>(SCOPE, { leadKey: 'dana@globex.com' })).map((t) => t.handoffKey), ['evt-2']);
			assert.deepEqual((await poll(store, T0 + 40 * MINUTE)).fired, ['evt-2/reminder']);
		});

		it('lists the running timers of a rep or a team', async () => {
			const { store } = await fresh();
			await start(store, { handoffKey: 'a', leadKey: 'la', ownerId: '101', team: 'emea', startedAt: T0 });
			await start(store, { handoffKey: 'b', leadKey: 'lb', ownerId: '102', team: 'emea', startedAt: T0 + MINUTE });
			await start(store, { handoffKey: 'c', leadKey: 'lc', ownerId: '101', team: 'na', startedAt: T0 + 2 * MINUTE });
			await contact(store, { handoffKey: 'c' }, T0 + 3 * MINUTE);
			assert.deepEqual((await store.listSlaTimers<SlaTimer>(SCOPE, { ownerId: '101' })).map((t) => t.handoffKey), ['a']);
			assert.deepEqual((await store.listSlaTimers<SlaTimer>(SCOPE, { team: 'emea' })).map((t) => t.handoffKey), ['a', 'b']);
			assert.deepEqual((await store.listSlaTimers<SlaTimer>(SCOPE, { ownerId: '101', includeClosed: true })).map((t) => t.handoffKey), ['a', 'c']);
		});

		it('contacts and reassignments move the loads Tier Router counts', async () => {
			const { store } = await fresh();
			const reps = ['101', '102'].map((id) => ({ id, dayStart: T0 - 10 * HOUR, weekStart: T0 - 34 * HOUR }));
			const assign = (eventKey: string, leadKey: string) =>
				store.assignLead({ scope: SCOPE, leadKey, eventKey, at: T0, team: 'emea', reps }, () => ({ repId: '101', team: 'emea', details: {} }));
			const loads = async () => {
				let seen: Record<string, { open: number }> = {};
				await store.assignLead({ scope: SCOPE, leadKey: 'probe', eventKey: `probe-${Math.random()}`, at: T0, team: 'emea', reps }, (state) => ((seen = state.loads), { queue: 'probe', details: {} }));
				return Object.fromEntries(Object.entries(seen).map(([id, l]) => [id, l.open]));
			};
			await assign('evt-1', 'dana@globex.com');
			await assign('evt-2', 'bob@initech.com');
			await start(store, { handoffKey: 'evt-1', leadKey: 'dana@globex.com', ownerId: '101', team: 'emea', startedAt: T0 });
			await start(store, { handoffKey: 'evt-2', leadKey: 'bob@initech.com', ownerId: '101', team: 'emea', startedAt: T0 });
			assert.deepEqual(await loads(), { '101': 2, '102': 0 });
			await contact(store, { handoffKey: 'evt-1' }, T0 + 10 * MINUTE);
			assert.deepEqual(await loads(), { '101': 1, '102': 0 }, 'a contacted hand-off is no longer open');
			const moved = await reassign(store, 'evt-2', T0 + 2 * HOUR, '102', '101');
			assert.equal(moved.timers[0].after.ownerId, '102');
			assert.deepEqual(await loads(), { '101': 0, '102': 1 }, 'the load moved with the lead');
			const again = await reassign(store, 'evt-2', T0 + 2 * HOUR + MINUTE, '103', '101');
			assert.equal(again.timers[0].changed, false, 'a redelivered reassignment changes nothing');
			await contact(store, { leadKey: 'bob@initech.com' }, T0 + 3 * HOUR);
			assert.deepEqual(await loads(), { '101': 0, '102': 0 });
		});

		it('a reassignment through the routing passes over the late rep, takes a round-robin turn and moves the load', async () => {
			const { store } = await fresh();
			const router = compileRouter(
				{ calendar: { zone: 'Europe/Berlin', hours: { start: '09:00', end: '18:00' } }, assignment: { teams: [{ id: 'emea', members: ['101', '102', '103'] }], roster: [{ id: '101' }, { id: '102' }, { id: '103' }] } },
				{ zone: 'Europe/Berlin' },
			);
			const reps = ['101', '102', '103'].map((id) => ({ id, dayStart: T0 - HOUR, weekStart: T0 - 24 * HOUR }));
			await store.assignLead({ scope: SCOPE, leadKey: 'dana@globex.com', eventKey: 'evt-1', at: T0, team: 'emea', reps }, () => ({ repId: '101', team: 'emea', nextCounter: 1, details: {} }));
			await start(store, { handoffKey: 'evt-1', leadKey: 'dana@globex.com', ownerId: '101', team: 'emea', startedAt: T0 });
			const at = T0 + 2 * HOUR;
			const reassignThroughRouting = () =>
				store.reassignSlaTimer<SlaTimer>({ scope: SCOPE, handoffKey: 'evt-1', at, team: 'emea', reps }, ({ timer, policy, counter, loads }) => {
					const compiled = compilePolicy(policy);
					// The counter points back at 101 (one turn per rep has gone round): the routing must pass over them.
					const owner = routeReassignment(router, compiled, { email: timer.leadKey }, timer, at, { counters: { emea: counter + 2 }, loads });
					if (owner.ownerId === undefined) return {};
					return { timer: reassignTimer(compiled, timer, { at, ownerId: owner.ownerId, fromOwner: '101' }).timer, nextCounter: owner.cursor?.next };
				});
			const moved = await reassignThroughRouting();
			assert.equal(moved.status, 'reassigned');
			assert.equal(moved.status === 'reassigned' && moved.after.ownerId, '102');
			const loads = await store.listSlaTimers<SlaTimer>(SCOPE, { ownerId: '102' });
			assert.deepEqual(loads.map((t) => t.handoffKey), ['evt-1']);
			let seen: Record<string, { open: number }> = {};
			let turn = -1;
			await store.assignLead({ scope: SCOPE, leadKey: 'probe', eventKey: 'probe', at, team: 'emea', reps }, (state) => ((seen = state.loads), (turn = state.counter), { queue: 'probe', details: {} }));
			assert.deepEqual(Object.fromEntries(Object.entries(seen).map(([id, l]) => [id, l.open])), { '101': 0, '102': 1, '103': 0 }, 'the load moved');
			assert.equal(turn, 5, 'the turn after 102 at counter 4');
			const again = await reassignThroughRouting();
			assert.equal(again.status, 'unchanged', 'a repeated reassignment of the late rep changes nothing');
			assert.deepEqual(await store.reassignSlaTimer({ scope: SCOPE, handoffKey: 'nothing', at, reps: [] }, () => ({})), { status: 'notFound' });
		});

		it("an assignment starts its hand-off's timer in the same transaction: both or neither, once", async () => {
			const { store } = await fresh();
			const reps = ['101', '102'].map((id) => ({ id, dayStart: T0 - HOUR, weekStart: T0 - 24 * HOUR }));
			const assignment = (eventKey: string) => ({ scope: SCOPE, leadKey: 'dana@globex.com', eventKey, at: T0, team: 'emea', reps });
			const withTimer = (eventKey: string, fail = false) => ({
				input: startOf({ handoffKey: eventKey, leadKey: 'dana@globex.com', startedAt: T0 }).input,
				decide: (record: { repId?: string; team?: string }, state: StartState) => {
					if (fail) throw new Error('the timer could not be decided');
					return decideAssignedStart(COMPILED, { scope: SCOPE, handoffKey: eventKey, leadKey: 'dana@globex.com', tier: 'Hot', startedAt: T0 }, record, state);
				},
			});
			const first = await store.assignLeadWithSlaTimer<SlaTimer>(assignment('evt-1'), () => ({ repId: '102', team: 'emea', details: {} }), withTimer('evt-1'));
			assert.equal(first.status, 'assigned');
			assert.equal(first.slaTimer?.status, 'started');
			assert.equal(first.slaTimer?.timer.ownerId, '102', 'the timer belongs to the owner the assignment chose');
			const again = await store.assignLeadWithSlaTimer<SlaTimer>(assignment('evt-1'), () => ({ repId: '101', details: {} }), withTimer('evt-1'));
			assert.deepEqual([again.status, again.slaTimer], ['duplicate', undefined]);

			await assert.rejects(store.assignLeadWithSlaTimer<SlaTimer>(assignment('evt-2'), () => ({ repId: '101', details: {} }), withTimer('evt-2', true)), /could not be decided/);
			assert.equal(await store.getSlaTimer(SCOPE, 'evt-2'), undefined);
			const retried = await store.assignLead(assignment('evt-2'), () => ({ repId: '101', details: {} }));
			assert.equal(retried.status, 'assigned', 'the failed assignment left nothing behind');

			// The timer carries the assignment's load: its contact closes it.
			await contact(store, { handoffKey: 'evt-1' }, T0 + 5 * MINUTE);
			let open: Record<string, number> = {};
			await store.assignLead(assignment('probe'), ({ loads }) => ((open = Object.fromEntries(Object.entries(loads).map(([id, l]) => [id, l.open]))), { queue: 'probe', details: {} }));
			assert.deepEqual(open, { '101': 1, '102': 0 });
		});

		it('10,000 open timers, 500 due: one poll claims exactly the 500, a poll in another process none, and each stage fires once', async () => {
			const { store, config } = await fresh();
			await startMany(store, 'due', 500, T0);
			await startMany(store, 'later', 9_500, T0 + 24 * HOUR);
			// Tuesday 10:00 + 45 business minutes: the 500 are past their reminder, the rest are not started yet.
			const now = T0 + 45 * MINUTE;
			assert.equal((await store.dueSlaTimers<SlaTimer>(SCOPE, now, { limit: 1000 })).length, 500, 'looking claims nothing');
			const [here, there] = await Promise.all([poll(store, now), pollInOtherProcess(config, now)]);
			const all = [...here.fired, ...there];
			assert.equal(all.length, 500, `${here.fired.length} here + ${there.length} in the other process`);
			assert.equal(new Set(all).size, 500, 'no stage fired twice');
			assert.ok(all.every((f) => /^due-\d+\/reminder$/.test(f)));
			assert.deepEqual(await pollInOtherProcess(config, now), [], 'once claimed, a stage is not claimed again');
			assert.deepEqual((await poll(store, now)).fired, []);
			// One hour later the manager stage of the same 500 is due, and only that.
			const next = await poll(store, now + HOUR);
			assert.equal(next.fired.length, 500);
			assert.ok(next.fired.every((f) => f.endsWith('/manager')));
			const seen = (await store.getSlaTimer<SlaTimer>(SCOPE, 'due-7'))!.timer;
			assert.deepEqual([seen.fired, seen.schedule.map((s) => s.stage)], [['reminder', 'manager'], ['reassign']], 'a reader sees the timer as the polls left it');
			assert.deepEqual(await store.slaEscalations(SCOPE, 'due-7'), [
				{ stage: 'reminder', dueAt: T0 + 30 * MINUTE, firedAt: now },
				{ stage: 'manager', dueAt: T0 + HOUR, firedAt: now + HOUR },
			]);
		});

		it('after a restart nothing due is lost and nothing fires twice; a stage due while down fires late, once', async () => {
			const { store, config } = await fresh();
			await startMany(store, 'h', 50, T0);
			assert.equal((await poll(store, T0 + 30 * MINUTE)).fired.length, 50, 'the reminders');
			await store.close();
			// Down from 10:30 to 13:15: the manager stage (11:00) and the reassignment (12:00) came due meanwhile.
			const reopened = await createStore(config);
			opened.push(reopened);
			const { fired, claims } = await poll(reopened, T0 + 3 * HOUR + 15 * MINUTE);
			assert.equal(fired.length, 100);
			assert.deepEqual(new Set(fired.map((f) => f.split('/')[1])), new Set(['manager', 'reassign']));
			const late = claims[0].due.map((d) => (claims[0].firedAt - d.dueAt) / MINUTE);
			assert.deepEqual(late, [135, 75], 'each stage knows how late it fired');
			assert.deepEqual((await poll(reopened, T0 + 10 * HOUR)).fired, [], 'nothing more: the reassignment waits for a new owner');
			// Reassigned at 20:00, after hours: the new owner's hour runs from 09:00 the next morning.
			await reassign(reopened, 'h-3', T0 + 10 * HOUR, 'rep-9');
			assert.deepEqual((await poll(reopened, T0 + 23 * HOUR + 59 * MINUTE)).fired, []);
			assert.deepEqual((await poll(reopened, T0 + 24 * HOUR)).fired, ['h-3/lastAlert']);
		});

		it('refuses a decider that changes which hand-off a timer belongs to, and writes nothing', async () => {
			const { store } = await fresh();
			const { input, decide } = startOf({ handoffKey: 'evt-1', leadKey: 'dana@globex.com', startedAt: T0 });
			await assert.rejects(
				store.startSlaTimer<SlaTimer>(input, (state) => ({ timer: { ...decide(state).timer, handoffKey: 'evt-2' } })),
				/must keep its scope, hand-off key and lead key/,
			);
			assert.equal(await store.getSlaTimer(SCOPE, 'evt-1'), undefined);
			assert.equal(await store.getSlaTimer(SCOPE, 'evt-2'), undefined);
		});
	});
}
