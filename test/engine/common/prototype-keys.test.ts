/**
 * Protocol JSON with `__proto__`, `constructor` and `prototype` keys, at the top and in every
 * object of the protocol, as an agency's pasted JSON or a JSON parameter reaches the engine
 * (JSON.parse makes them own keys): each protocol part refuses it with a protocol error naming
 * the place, or compiles it inertly; Object.prototype is untouched either way.
 */
import assert from 'node:assert/strict';

import { ProtocolError } from '../../../nodes/engine/common/errors';
import { compileEnrichment } from '../../../nodes/engine/enrich';
import { compileDispositions, DEFAULT_CODES } from '../../../nodes/engine/feedback/dispositions';
import { compileGate, DEFAULT_GATE } from '../../../nodes/engine/gate/gate';
import { compileRouter, DEFAULT_TIERS } from '../../../nodes/engine/routing';
import { compileScorer, DEFAULT_PROTOCOL } from '../../../nodes/engine/scoring';
import { DEFAULT_OPTIONS_JSON } from '../../../nodes/LeadEnrich/editorOptions';
import { DEFAULT_ROUTING_JSON } from '../../../nodes/TierRouter/editorRules';
import { prototypeUntouched } from '../../nodes/hostile';

const KEYS = ['__proto__', 'constructor', 'prototype'];

/** The protocol's JSON text with a polluting key added to the top object, or to every object. */
function polluted(protocol: unknown, key: string, everywhere: boolean): unknown {
	let first = true;
	const text = JSON.stringify(protocol, (_k, value: unknown) => {
		if (value && typeof value === 'object' && !Array.isArray(value) && !('polluted' in value) && (everywhere || first)) {
			first = false;
			return { ...value, [`<${key}>`]: { polluted: 'yes', points: 1000, threshold: 0 } };
		}
		return value;
	});
	return JSON.parse(text.replaceAll(`"<${key}>"`, JSON.stringify(key)));
}

const parts: Array<[string, unknown, (input: unknown) => unknown]> = [
	['scoring rules', DEFAULT_PROTOCOL, compileScorer],
	['gate', DEFAULT_GATE, compileGate],
	['routing', JSON.parse(DEFAULT_ROUTING_JSON) ?? { tiers: DEFAULT_TIERS }, (p) => compileRouter(p, { zone: 'UTC' })],
	['enrich options', JSON.parse(DEFAULT_OPTIONS_JSON), compileEnrichment],
	['dispositions', { codes: DEFAULT_CODES }, compileDispositions],
];

describe.each(parts)('%s', (_name, protocol, compile) => {
	for (const key of KEYS) {
		for (const everywhere of [false, true]) {
			it(`"${key}" ${everywhere ? 'in every object' : 'at the top'}: refused naming the place, or inert`, () => {
				const input = polluted(protocol, key, everywhere);
				assert.ok(Object.prototype.hasOwnProperty.call(input, key), 'the key is an own key, as JSON.parse leaves it');
				try {
					compile(input);
				} catch (error) {
					assert.ok(error instanceof ProtocolError, `a protocol error, not ${String(error)}`);
					assert.match(error.message, new RegExp(`${key}|/`), 'the error names the key or its place');
				}
				prototypeUntouched();
			});
		}
	}
});
