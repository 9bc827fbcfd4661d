/**
 * The event key the Handoff Gate and the Tier Router record hand-offs and assignments under: an
 * event delivered twice must get the same key, two different events different keys.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { LeadDataError } from '../../../nodes/engine/common/errors';
import { eventKeyOf, PIPELINE_FIELDS } from '../../../nodes/engine/common/eventKey';

const event = () => ({ email: 'dana@globex.com', company: 'Globex', activities: [{ type: 'demo_request', timestamp: '2026-06-15T09:00:00Z' }] });

/** Plain JSON objects as webhooks deliver them, without the fields the pipeline adds. */
const jsonObject = fc.dictionary(
	fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !PIPELINE_FIELDS.includes(k) && k !== '__proto__'),
	fc.jsonValue({ maxDepth: 2 }),
	{ maxKeys: 6 },
);

describe('event key', () => {
	it("is the event's own id when the workflow gives one, trimmed; a number counts as an id", () => {
		assert.equal(eventKeyOf(event(), '  evt_123 '), 'evt_123');
		assert.equal(eventKeyOf(event(), 42), '42');
	});

	it('without an id, is the key earlier versions recorded for the same event (stored hand-offs still match)', () => {
		// Recorded by the Handoff Gate before the key moved into the engine.
		assert.equal(eventKeyOf({ ...event(), score: { total: 80 }, handoff: { decision: 'handoff' } }, ''), 'h:290920992273a99e72339432f64a9822');
	});

	it('a redelivered event gets the same key whatever the pipeline added to it, in whatever order its fields come', () => {
		fc.assert(
			fc.property(jsonObject, fc.jsonValue(), fc.jsonValue(), fc.jsonValue(), fc.jsonValue(), (content, score, enrichment, routing, custom) => {
				const first = eventKeyOf(content, undefined);
				const reordered = Object.fromEntries(Object.entries(content).reverse());
				const again = { ...reordered, score, enrichment, handoff: { decision: 'handoff' }, routing, myScore: { nested: custom } };
				assert.equal(eventKeyOf(again, '', ['myScore']), first);
				assert.equal(eventKeyOf(again, '   ', ['myScore']), first, 'a blank id is no id');
			}),
		);
	});

	it('leaves out a configured field given as a path, and nothing beside it', () => {
		const base = { ...event(), crm: { id: 'c-1', lead: { score: 10 } } };
		const rescored = { ...base, crm: { id: 'c-1', lead: { score: 99 } } };
		assert.equal(eventKeyOf(rescored, null, ['crm.lead.score']), eventKeyOf(base, null, ['crm.lead.score']));
		assert.notEqual(eventKeyOf({ ...rescored, crm: { ...rescored.crm, id: 'c-2' } }, null, ['crm.lead.score']), eventKeyOf(base, null, ['crm.lead.score']));
	});

	it('two different events get different keys', () => {
		fc.assert(
			fc.property(jsonObject, fc.string({ minLength: 1, maxLength: 8 }), fc.jsonValue(), fc.jsonValue(), (content, field, a, b) => {
				fc.pre(!PIPELINE_FIELDS.includes(field) && field !== '__proto__');
				fc.pre(JSON.stringify(a) !== JSON.stringify(b));
				assert.notEqual(eventKeyOf({ ...content, [field]: a }, undefined), eventKeyOf({ ...content, [field]: b }, undefined));
			}),
		);
	});

	it('does not change the item', () => {
		const item = { ...event(), score: { total: 1 }, crm: { lead: { score: 2 } } };
		const copy = structuredClone(item);
		eventKeyOf(item, undefined, ['crm.lead.score']);
		assert.deepEqual(item, copy);
	});

	it('refuses an id that is neither text nor a number, naming the field', () => {
		for (const given of [{ id: 1 }, true, Number.NaN, ['a']]) {
			assert.throws(() => eventKeyOf(event(), given), (e: unknown) => e instanceof LeadDataError && e.field === 'Event Key' && /event's id/.test(e.message));
		}
	});
});
