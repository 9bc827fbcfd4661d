/**
 * SQL-injection and script strings as lead keys and in every field of a lead's activities, on
 * both real backends: stored verbatim, read back verbatim, and no table dropped or other lead
 * touched; erasing the lead removes exactly it.
 */
import assert from 'node:assert/strict';

import { ALL_SCOPES, type LedgerActivityInput } from '../../nodes/store';
import { BACKENDS, describeOn, storesOn } from './backends';

const T0 = Date.parse('2026-06-01T09:00:00Z');
const HOSTILE_STRINGS = [
	"'; DROP TABLE activities; --",
	"\" OR 1=1; --",
	"Robert'); DELETE FROM handoffs WHERE ('1'='1",
	'$1 $2 \\x00 %s %n',
	'<script>alert("lead")</script>',
	'<img src=x onerror=alert(1)>',
	'*bold* _it_ <!channel> <@U123> &amp; `code`',
	'javascript:alert(1)',
	'{{ $env.SECRET }}',
	'Zoë 山田 \u202Egnp.exe 👩🏽‍💻',
];

for (const make of BACKENDS) {
	const backend = make();
	describeOn(backend)(`hostile strings in the store (${backend.name})`, () => {
		const stores = storesOn(backend);
		afterAll(() => stores.closeAll());

		it('lead keys and activity fields come back exactly as sent; nothing else changes', async () => {
			const store = await stores.fresh();
			await store.recordActivities('default', 'bystander@example.com', [{ key: 'b1', type: 'page_view', at: T0, data: { url: '/pricing' } }]);
			for (const [i, text] of HOSTILE_STRINGS.entries()) {
				const leadKey = `${text}@example.com`;
				const data = Object.fromEntries(['email', 'firstName', 'lastName', 'phone', 'company', 'jobTitle', 'url', 'source'].map((field) => [field, text]));
				const activities: LedgerActivityInput[] = [{ key: `${text}#${i}`, type: 'form_submit', at: T0 + i, data }];
				assert.equal((await store.recordActivities(text, leadKey, activities)).inserted, 1);
				const [back] = await store.listActivities(text, leadKey);
				assert.deepEqual(back.data, data, `fields of ${JSON.stringify(text)}`);
				assert.equal(back.key, `${text}#${i}`);
				assert.equal((await store.recordActivities(text, leadKey, activities)).inserted, 0, 'a redelivery changes nothing');
			}
			assert.equal((await store.listActivities('default', 'bystander@example.com')).length, 1, 'the other lead and its table are intact');
			const erased = await store.eraseLead(ALL_SCOPES, `${HOSTILE_STRINGS[0]}@example.com`);
			assert.equal(erased.deleted.activities, 1, 'exactly that lead erased');
			assert.equal((await store.listActivities(HOSTILE_STRINGS[1], `${HOSTILE_STRINGS[1]}@example.com`)).length, 1);
		});
	});
}
