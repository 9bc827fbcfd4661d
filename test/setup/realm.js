// Jest runs each test file in a vm context of its own, while objects made by Node itself
// (node:sqlite rows, structuredClone copies, which n8n uses for items) come from the host's
// realm, with the host's Object and Array prototypes. node:assert's strict deep equality tells
// those apart from the test's own literals although they hold the same data. Before comparing,
// the deep-equality assertions rebuild plain objects, arrays and dates in the test's realm;
// every other check (types, values, keys, undefined members) stays strict.
const assertStrict = require('node:assert/strict');
const assertLoose = require('node:assert');

const isPlainObject = (v) => {
	const proto = Object.getPrototypeOf(v);
	return proto !== null && Object.getPrototypeOf(proto) === null && proto.constructor?.name === 'Object';
};

function adopt(value, seen = new Map()) {
	if (value === null || typeof value !== 'object') return value;
	if (seen.has(value)) return seen.get(value);
	if (Array.isArray(value)) {
		const copy = [];
		seen.set(value, copy);
		for (let i = 0; i < value.length; i++) if (i in value) copy[i] = adopt(value[i], seen);
		copy.length = value.length;
		return copy;
	}
	if (Object.prototype.toString.call(value) === '[object Date]' && !(value instanceof Date)) return new Date(value.getTime());
	if (isPlainObject(value)) {
		const copy = {};
		seen.set(value, copy);
		for (const key of Object.keys(value)) copy[key] = adopt(value[key], seen);
		return copy;
	}
	return value;
}

const ORIGINAL = Symbol.for('lead-handoff.assert.original');
for (const mod of [assertStrict, assertLoose]) {
	for (const name of ['deepEqual', 'deepStrictEqual', 'notDeepEqual', 'notDeepStrictEqual']) {
		const original = mod[name][ORIGINAL] ?? mod[name];
		const patched = function (actual, expected, message) {
			return original.call(this, adopt(actual), adopt(expected), message);
		};
		patched[ORIGINAL] = original;
		mod[name] = patched;
	}
}
