/**
 * Lead Enrich's company-data cache in the store, on both real backends: fresh answers come back,
 * expired ones never do, a newer answer replaces an older one and never the other way round.
 */
import assert from 'node:assert/strict';

import { ALL_SCOPES, createStore, StoreError, type HandoffStore } from '../../nodes/store';
import { BACKENDS, describeOn } from './backends';

const T0 = Date.parse('2026-06-01T09:00:00Z');
const HOUR = 3_600_000;
const ACME = { name: 'Acme Corp', employees: 240, techStack: ['Salesforce', 'Segment'], funding: { stage: 'Series B', totalUsd: 42_000_000 }, description: 'Ünïcödé & <tags>' };

for (const makeBackend of BACKENDS) {
	const backend = makeBackend();
	const opened: HandoffStore[] = [];

	async function fresh(): Promise<HandoffStore> {
		const config = await backend.fresh();
		const store = await createStore(config);
		opened.push(store);
		return store;
	}

	describeOn(backend)(`company data cache on ${backend.name}`, () => {
		afterAll(async () => {
			await Promise.all(opened.map((s) => s.close()));
			await backend.cleanup();
		});

		it('returns a cached answer until it expires, per provider and domain', async () => {
			const store = await fresh();
			await store.putCompanyData('p_clearbit', 'acme.com', { status: 'found', data: ACME, fetchedAt: T0, expiresAt: T0 + 24 * HOUR });
			assert.deepEqual(await store.getCompanyData('p_clearbit', 'acme.com', T0 + HOUR), { status: 'found', data: ACME, fetchedAt: T0, expiresAt: T0 + 24 * HOUR });
			assert.equal(await store.getCompanyData('p_clearbit', 'acme.com', T0 + 24 * HOUR), undefined, 'expired at expiresAt');
			assert.equal(await store.getCompanyData('p_apollo', 'acme.com', T0 + HOUR), undefined, 'another provider has its own answers');
			assert.equal(await store.getCompanyData('p_clearbit', 'globex.com', T0 + HOUR), undefined);
		});

		it('remembers an unknown domain, and a newer answer replaces it (never an older one)', async () => {
			const store = await fresh();
			await store.putCompanyData('p', 'initech.com', { status: 'notFound', data: {}, fetchedAt: T0, expiresAt: T0 + 10 * HOUR });
			assert.equal((await store.getCompanyData('p', 'initech.com', T0 + HOUR))?.status, 'notFound');
			await store.putCompanyData('p', 'initech.com', { status: 'found', data: { name: 'Initech' }, fetchedAt: T0 + 2 * HOUR, expiresAt: T0 + 30 * HOUR });
			// A slower fetch that started earlier finishes last: it must not overwrite the newer answer.
			await store.putCompanyData('p', 'initech.com', { status: 'notFound', data: {}, fetchedAt: T0 + HOUR, expiresAt: T0 + 11 * HOUR });
			assert.deepEqual(await store.getCompanyData('p', 'initech.com', T0 + 20 * HOUR), { status: 'found', data: { name: 'Initech' }, fetchedAt: T0 + 2 * HOUR, expiresAt: T0 + 30 * HOUR });
		});

		it('concurrent writes of one domain leave one row, the latest answer', async () => {
			const store = await fresh();
			await Promise.all(Array.from({ length: 8 }, (_, i) => store.putCompanyData('p', 'acme.com', { status: 'found', data: { name: `Acme ${i}` }, fetchedAt: T0 + i, expiresAt: T0 + HOUR })));
			assert.deepEqual((await store.getCompanyData('p', 'acme.com', T0))?.data, { name: 'Acme 7' });
		});

		it('refuses bad input with a message that says what is wrong, and erasing a lead leaves company data alone', async () => {
			const store = await fresh();
			await assert.rejects(store.putCompanyData('', 'acme.com', { status: 'found', data: {}, fetchedAt: T0, expiresAt: T0 }), (e: unknown) => e instanceof StoreError && /Provider key must be a non-empty string/.test(e.message));
			await assert.rejects(store.putCompanyData('p', 'acme.com', { status: 'found', data: {}, fetchedAt: T0, expiresAt: T0 - 1 }), /expiresAt must not be before fetchedAt/);
			await assert.rejects(store.putCompanyData('p', 'acme.com', { status: 'maybe' as 'found', data: {}, fetchedAt: T0, expiresAt: T0 }), /"found" or "notFound"/);
			await assert.rejects(store.getCompanyData('p', 'acme.com', Number.NaN), /now must be a time in whole epoch milliseconds/);
			await store.putCompanyData('p', 'acme.com', { status: 'found', data: ACME, fetchedAt: T0, expiresAt: T0 + HOUR });
			await store.eraseLead(ALL_SCOPES, 'someone@acme.com');
			assert.equal((await store.getCompanyData('p', 'acme.com', T0))?.status, 'found');
		});
	});
}
