import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

import { compileDispositions, compilePlain, outcomeOf } from '../../../nodes/engine/feedback';

const payload: unknown = JSON.parse(readFileSync(path.join(__dirname, 'fixtures/plain/outcomes.json'), 'utf8'));
const context = { receivedAt: Date.parse('2026-04-05T00:00:00Z') };

describe('the plain shape', () => {
	const plain = compilePlain(compileDispositions({ codes: [{ code: 'demo_held', label: 'Demo held', stage: 'meeting' }] }));

	it('maps each outcome of a list by its code, label or alias; reasons by label or in words of their own', () => {
		const { events, errors } = plain.map(payload, context);
		assert.deepEqual(errors, []);
		assert.deepEqual(events[0], {
			id: 'plain:form-7731',
			at: Date.parse('2026-03-10T14:05:00Z'),
			source: 'plain',
			code: 'rejected',
			stage: 'rejected',
			reason: 'wrong_timing',
			email: 'dana.scully@globex.com',
			actor: 'ana.ruiz',
		});
		assert.deepEqual(
			[events[1].code, events[1].amount, events[1].currency, events[1].handoffKey, events[1].record],
			['won', 12500, 'EUR', 'evt-1188', { system: 'zoho', type: 'Deals', id: '5725767000000414017' }],
		);
		assert.match(events[1].id, /^plain:h:[0-9a-f]{32}$/, 'without an eventId, keyed by its content');
		assert.deepEqual([events[2].reason, events[2].reasonText], ['other', 'They only wanted the free ebook']);
		assert.equal(events[3].code, 'demo_held');
	});

	it('the same list sent twice changes nothing', () => {
		const first = plain.map(payload, context).events;
		const again = plain.map(JSON.parse(JSON.stringify(payload)), { receivedAt: context.receivedAt + 60_000 }).events;
		assert.deepEqual(
			again.map((e) => e.id),
			first.map((e) => e.id),
		);
		const initech = [...first, ...again].filter((e) => e.email === 'mo@initech.com');
		const outcome = outcomeOf(initech);
		assert.equal(outcome.history.length, 2);
		assert.deepEqual([outcome.stage, outcome.reached.meeting !== undefined], ['rejected', true]);
	});

	it('an outcome without a time happened when it was received', () => {
		assert.equal(plain.map({ disposition: 'contacted', email: 'a@b.co' }, context).events[0].at, context.receivedAt);
	});

	it('names the item and field it cannot read, and keeps the rest', () => {
		const { events, errors } = plain.map([{ disposition: 'accepted' }, { disposition: 'maybe' }, { disposition: 'won', amount: 'lots' }, { eventId: { nested: true }, disposition: 'accepted' }, 7], context);
		assert.equal(events.length, 1);
		assert.deepEqual(
			errors.map((e) => e.field),
			['[1].disposition', '[2].amount', '[3].eventId', '[4]'],
		);
		assert.match(errors[0].message, /expected one of the disposition codes: accepted, rejected, .*demo_held, got a text of 5 characters/);
	});
});
