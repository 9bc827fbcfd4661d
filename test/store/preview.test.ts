/**
 * Test runs in the store, on both backends: work inside `preview` takes the same decisions as
 * for real and sees its own writes, and nothing of it is kept, whatever the operation.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { createStore, type HandoffStore, type StoreConfig } from '../../nodes/store';
import { BACKENDS, describeOn } from './backends';
import { tableCounts } from './tableCounts';

const T0 = Date.parse('2026-06-01T09:00:00Z');
const HOUR = 3_600_000;
const rep = (id: string) => ({ id, dayStart: T0 - HOUR, weekStart: T0 - 24 * HOUR });

/** A small workload of every kind of write, for one lead, in order; returns what each call answered. */
async function workload(store: HandoffStore, steps: Array<'activity' | 'score' | 'handoff' | 'assign' | 'recycle' | 'claim' | 'release'>) {
	const answers: unknown[] = [];
	const lead = { scope: 's', leadKey: 'dana@globex.com' };
	for (const [i, step] of steps.entries()) {
		const at = T0 + i * HOUR;
		if (step === 'activity') answers.push(await store.recordActivities('s', lead.leadKey, [{ key: `a${i % 2}`, type: 'page_view', at, data: {} }]));
		if (step === 'score')
			answers.push(await store.saveScore('s', lead.leadKey, { snapshotKey: `k${i}`, modelId: 'm', asOf: at, total: 70, fit: 40, engagement: 30, negative: 0, velocity: null, grade: 'B2', score: {} }, [{ name: 'mql', at }]));
		if (step === 'handoff') answers.push(await store.decideHandoff({ ...lead, eventKey: `e${i % 3}`, at }, (state) => ({ handoff: state?.lastHandoffAt === undefined, details: {} })));
		if (step === 'assign')
			answers.push(
				await store.assignLead({ ...lead, eventKey: `e${i % 3}`, at, team: 't', reps: [rep('ana'), rep('ben')] }, ({ counter, loads }) => ({
					repId: loads.ana.open <= loads.ben.open && counter % 2 === 0 ? 'ana' : 'ben',
					nextCounter: counter + 1,
					details: { counter },
				})),
			);
		if (step === 'recycle') answers.push(await store.recycleLead('s', lead.leadKey, at));
		if (step === 'claim') answers.push(await store.claimOnce('s', `c${i % 2}`, at, { leadKey: lead.leadKey }));
		if (step === 'release') answers.push(await store.releaseHandoff({ ...lead, at, reason: 'test' }));
	}
	return answers;
}

const STEPS = ['activity', 'score', 'handoff', 'assign', 'recycle', 'claim', 'release'] as const;

for (const makeBackend of BACKENDS) {
	const backend = makeBackend();
	const opened: HandoffStore[] = [];
	async function fresh(): Promise<{ store: HandoffStore; config: StoreConfig }> {
		const config = await backend.fresh();
		const store = await createStore(config);
		opened.push(store);
		return { store, config };
	}

	describeOn(backend)(`test runs in the ${backend.name} store`, () => {
		afterAll(async () => {
			await Promise.all(opened.map((s) => s.close()));
			await backend.cleanup();
		});

		it('any mix of writes answers as it would for real, and keeps nothing', async () => {
			const real = await fresh();
			const tried = await fresh();
			const before = await workload(real.store, ['handoff', 'assign', 'activity']);
			assert.deepEqual(await workload(tried.store, ['handoff', 'assign', 'activity']), before);
			const counts = await tableCounts(tried.config);
			let runs = 0;
			await fc.assert(
				fc.asyncProperty(fc.array(fc.constantFrom(...STEPS), { minLength: 1, maxLength: 8 }), async (steps) => {
					// The same steps for real on a copy of the same history, then in a test run.
					const reference = await fresh();
					await workload(reference.store, ['handoff', 'assign', 'activity']);
					const expected = await workload(reference.store, steps);
					assert.deepEqual(await tried.store.preview((view) => workload(view, steps)), expected);
					assert.deepEqual(await tableCounts(tried.config), counts, 'nothing kept');
					runs++;
				}),
				{ numRuns: 8 },
			);
			assert.equal(runs, 8);
		});

		it('an operation that fails inside a test run undoes only itself; the run goes on', async () => {
			const { store, config } = await fresh();
			const counts = await tableCounts(config);
			const answer = await store.preview(async (view) => {
				await view.decideHandoff({ scope: 's', leadKey: 'l', eventKey: 'e1', at: T0 }, () => ({ handoff: true, details: {} }));
				await assert.rejects(view.assignLead({ scope: 's', leadKey: 'l', eventKey: 'e1', at: T0, team: 't', reps: [rep('ana')] }, () => ({ repId: 'ana', nextCounter: -1, details: {} })));
				return view.decideHandoff({ scope: 's', leadKey: 'l', eventKey: 'e1', at: T0 + HOUR }, () => ({ handoff: true, details: {} }));
			});
			assert.equal(answer.status, 'duplicate', 'the hand-off made earlier in the run is still seen');
			assert.deepEqual(await tableCounts(config), counts);
		});
	});
}
