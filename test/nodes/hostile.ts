/** Hostile lead data for fuzzing nodes and the engine: what no one planned for, in every field. */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort();

/** Object.prototype has its own keys only, and a fresh object inherits nothing planted. */
export function prototypeUntouched(): void {
	assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), PROTOTYPE_KEYS, 'Object.prototype gained a key');
	const probe = {} as Record<string, unknown>;
	for (const key of ['polluted', 'isAdmin', 'score', 'email', 'owner']) assert.equal(probe[key], undefined, `Object.prototype.${key} was set`);
}

/** Keys that pollute a prototype when copied naively; JSON.parse makes them own keys, as a webhook body does. */
export const pollution = (): IDataObject => JSON.parse('{"__proto__":{"polluted":"yes","isAdmin":true},"constructor":{"prototype":{"polluted":"yes"}},"prototype":{"polluted":"yes"}}');

const nested = (depth: number): IDataObject => {
	let value: IDataObject = { leaf: 'bottom' };
	for (let i = 0; i < depth; i++) value = i % 2 ? { nested: value } : ({ list: [value] } as IDataObject);
	return value;
};

export const OUT_OF_RANGE_DATES = ['+275760-09-13T00:00:00.001Z', '-271821-04-19T00:00:00Z', '9999-12-31T23:59:59Z', '0000-00-00', '2026-02-30T00:00:00Z', '2026-13-01', '1e309', '8640000000000001'];
export const NUMBER_WORDS = ['NaN', 'Infinity', '-Infinity', '-0', '1e309', '0x1F', ' 42 ', ''];
/** Values that name what every object inherits: a lookup by them in a plain object finds something. */
export const INHERITED_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];
export const UNICODE = ['Zoë Ångström', '山田 太郎', 'مرحبا', '\u202Egnp.exe', '👩🏽‍💻🏳️‍🌈', '\u0000\u0001\uFFFF', '\uD800', 'e\u0301', '\u200B'];

/** One hostile value: wrong type, huge, deep, out of range, a number as a word, unicode, or polluting. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
	{ arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 4 },
	{ arbitrary: fc.constantFrom(...OUT_OF_RANGE_DATES, ...NUMBER_WORDS, ...UNICODE), weight: 4 },
	{ arbitrary: fc.constantFrom(...INHERITED_NAMES), weight: 2 },
	{ arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }), weight: 2 },
	{ arbitrary: fc.constantFrom<unknown>(null, true, false, 0, -1, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, [], {}, [[]], ['a', 1, null]), weight: 2 },
	{ arbitrary: fc.integer({ min: 10_000, max: 60_000 }).map((n) => 'x'.repeat(n)), weight: 1 },
	{ arbitrary: fc.integer({ min: 50, max: 400 }).map(nested), weight: 1 },
	{ arbitrary: fc.constant(null).map(pollution), weight: 1 },
	{ arbitrary: fc.constantFrom("'; DROP TABLE leads; --", '<script>alert(1)</script>', '{{ $env.SECRET }}'), weight: 1 },
);

const FIELDS = ['email', 'firstName', 'lastName', 'phone', 'company', 'jobTitle', 'industry', 'country', 'source', 'score', 'eventId', 'ownerId', 'disposition', 'at', 'outcome', 'createdAt', 'leadKey', 'activities'];

const activity = fc.record(
	{ type: fc.oneof(fc.constantFrom('page_view', 'demo_request', 'email_open', 'form_submit'), hostileValue), timestamp: fc.oneof(fc.constant('2026-06-14T10:00:00Z'), hostileValue), url: hostileValue },
	{ requiredKeys: [] },
);

let serial = 0;
/** A plausible lead with some fields hostile, hostile activities, polluting keys; or any JSON at all. */
export const hostileLead: fc.Arbitrary<IDataObject> = fc.oneof(
	{
		weight: 6,
		arbitrary: fc
			.tuple(fc.dictionary(fc.constantFrom(...FIELDS), hostileValue, { maxKeys: 4 }), fc.array(activity, { maxLength: 4 }), fc.boolean(), fc.boolean())
			.map(([broken, activities, pollute, extraActivities]) => {
				const n = ++serial;
				const lead: IDataObject = {
					email: `lead${n}@example.com`,
					firstName: 'Dana',
					lastName: 'Scully',
					phone: '+1 555 0100',
					company: 'Globex',
					jobTitle: 'Head of Sales',
					eventId: `evt-${n}`,
					ownerId: '101',
					disposition: 'Connected',
					at: '2026-06-15T11:00:00Z',
					outcome: n % 2 ? 'Won' : 'Lost',
					createdAt: '2026-05-01T00:00:00Z',
					activities: [{ type: 'page_view', timestamp: '2026-06-14T10:00:00Z', url: 'https://example.com/pricing' }, ...(extraActivities ? activities : [])],
				};
				for (const [key, value] of Object.entries(broken)) lead[key] = value as IDataObject;
				return pollute ? Object.assign(pollution(), lead) : lead;
			}),
	},
	{ weight: 1, arbitrary: fc.dictionary(fc.oneof(fc.constantFrom(...FIELDS, '__proto__', 'constructor', 'prototype'), fc.string()), hostileValue, { maxKeys: 6 }) as fc.Arbitrary<IDataObject> },
);
