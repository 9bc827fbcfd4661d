/**
 * The scoring change log and the experiments, on both backends: a published version is logged
 * once per scope and model id (logging it again, or from two stores at once, keeps the first
 * record), listed in publish order,
 * and an experiment's record moves its last-seen time forward only.
 */
import assert from 'node:assert/strict';

import { createStore, StoreError } from '../../nodes/store';
import { BACKENDS, describeOn, storesOn } from './backends';

const T0 = Date.parse('2026-06-01T09:00:00Z');
const DAY = 86_400_000;
const RULES = { fit: [{ field: 'jobTitle', operator: 'contains', value: 'director', points: 15 }], engagement: [{ activity: 'webinar', points: 25 }] };

for (const makeBackend of BACKENDS) {
	const backend = makeBackend();
	const stores = storesOn(backend);

	describeOn(backend)(`scoring change log and experiments on ${backend.name}`, () => {
		afterAll(() => stores.closeAll());

		it('logs a version once by model id: the second record changes nothing and returns the first', async () => {
			const store = await stores.fresh();
			const first = await store.recordScoringChange('acme', {
				modelId: 'lsm_b',
				rules: RULES,
				rationale: 'Webinar attendees converted at 2.1x the base rate (n = 412)',
				expected: { auc: 0.88, handoffsPerWeek: 120, winRate: 0.08 },
				by: 'maria@acme.test',
				at: T0 + DAY,
				previousModelId: 'lsm_a',
			});
			assert.equal(first.status, 'recorded');
			assert.deepEqual(first.change, {
				scope: 'acme',
				modelId: 'lsm_b',
				rules: RULES,
				rationale: 'Webinar attendees converted at 2.1x the base rate (n = 412)',
				expected: { auc: 0.88, handoffsPerWeek: 120, winRate: 0.08 },
				by: 'maria@acme.test',
				at: T0 + DAY,
				previousModelId: 'lsm_a',
				recordedAt: first.change.recordedAt,
			});
			const again = await store.recordScoringChange('acme', { modelId: 'lsm_b', rules: {}, rationale: 'rewritten', expected: { auc: 0.5 }, at: T0 + 2 * DAY });
			assert.equal(again.status, 'duplicate');
			assert.deepEqual(again.change, first.change);
			await store.recordScoringChange('acme', { modelId: 'lsm_a', rules: {}, rationale: 'The first table', expected: {}, at: T0 });
			await store.recordScoringChange('other', { modelId: 'lsm_z', rules: {}, rationale: 'Another client', expected: {}, at: T0 });
			assert.deepEqual((await store.listScoringChanges('acme')).map((c) => [c.modelId, c.rationale]), [
				['lsm_a', 'The first table'],
				['lsm_b', 'Webinar attendees converted at 2.1x the base rate (n = 412)'],
			]);
			assert.deepEqual((await store.listScoringChanges('acme', { modelIds: ['lsm_b'] })).map((c) => c.modelId), ['lsm_b']);
		});

		it('two stores on one database logging the same version at once: one records it, the other gets that record', async () => {
			const config = await backend.fresh();
			const [a, b] = [await createStore(config), await createStore(config)];
			try {
				const change = (rationale: string) => ({ modelId: 'lsm_same', rules: RULES, rationale, expected: { auc: 0.9 }, at: T0 });
				const outcomes = await Promise.all([a.recordScoringChange('acme', change('from a')), b.recordScoringChange('acme', change('from b'))]);
				assert.deepEqual(outcomes.map((o) => o.status).sort(), ['duplicate', 'recorded']);
				assert.equal(outcomes[0].change.rationale, outcomes[1].change.rationale);
				assert.equal((await a.listScoringChanges('acme')).length, 1);
			} finally {
				await Promise.all([a.close(), b.close()]);
			}
		});

		it('refuses a change without a rationale, or with an expected figure that is not a number', async () => {
			const store = await stores.fresh();
			await assert.rejects(store.recordScoringChange('acme', { modelId: 'lsm_c', rules: {}, rationale: ' ', expected: {}, at: T0 }), (e: unknown) => e instanceof StoreError && /Rationale must be a non-empty text/.test(e.message));
			await assert.rejects(
				store.recordScoringChange('acme', { modelId: 'lsm_c', rules: {}, rationale: 'x', expected: { auc: 'high' as unknown as number }, at: T0 }),
				(e: unknown) => e instanceof StoreError && /Expected impact "auc" must be a finite number/.test(e.message),
			);
			assert.deepEqual(await store.listScoringChanges('acme'), []);
		});

		it('records an experiment once, over the period it was seen running in whatever order the runs report it', async () => {
			const store = await stores.fresh();
			const experiment = { name: 'webinar-weight', championModelId: 'lsm_a', challengerModelId: 'lsm_b', sharePercent: 10 };
			await store.recordExperiment('acme', experiment, T0 + DAY);
			await store.recordExperiment('acme', experiment, T0);
			await store.recordExperiment('acme', experiment, T0 + 3 * DAY);
			await store.recordExperiment('acme', experiment, T0 + 2 * DAY);
			assert.deepEqual(await store.listExperiments('acme'), [{ scope: 'acme', ...experiment, firstSeenAt: T0, lastSeenAt: T0 + 3 * DAY }]);
			assert.deepEqual(await store.listExperiments('other'), []);
			await assert.rejects(store.recordExperiment('acme', { ...experiment, sharePercent: 100 }, T0), /Challenger share must be above 0 and below 100/);
		});
	});
}
