/**
 * Protocol JSON with `__proto__`, `constructor` and `prototype` keys, at the top and in every
 * object of the protocol, as an agency's pasted JSON or a JSON parameter reaches the engine
 * (JSON.parse makes them own keys): each protocol part refuses it with a protocol error naming
 * the place, or compiles it inertly; Object.prototype is untouched either way.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';

import { ProtocolError } from '../../../nodes/engine/common/errors';
import { compileEnrichment } from '../../../nodes/engine/enrich';
import { compileDispositions, DEFAULT_CODES } from '../../../nodes/engine/feedback/dispositions';
import { compileHubSpot, compilePlain } from '../../../nodes/engine/feedback';
import { compileGate, DEFAULT_GATE } from '../../../nodes/engine/gate/gate';
import { compileRouter, DEFAULT_TIERS, type RoutingState } from '../../../nodes/engine/routing';
import { compileScorer, DEFAULT_PROTOCOL, scoreHistory } from '../../../nodes/engine/scoring';
import { compileEscalation, compilePolicy, DEFAULT_LADDER, makePolicy, startTimer } from '../../../nodes/engine/sla';
import { DEFAULT_OPTIONS_JSON } from '../../../nodes/LeadEnrich/editorOptions';
import { DEFAULT_ROUTING_JSON, ladderRowsToEscalation } from '../../../nodes/TierRouter/editorRules';
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

/**
 * Inert, as properties. (1) `__proto__`, `constructor` and `prototype` added as own keys (as
 * JSON.parse leaves them) to random objects at any depth of a valid protocol of each kind, or
 * only to its open maps (SLA escalation tiers, feedback value maps), with values that name the
 * fields the engine reads: refused with a protocol error, or compiled to the very results of the
 * same protocol without them. (2) The same keys in the leads and payloads: the same results.
 * (3) Those words and other inherited names (toString, hasOwnProperty, ...) as the protocol's
 * own names (team and rep ids, tier names, lead fields, activity types, CRM values): the same
 * decisions as with ordinary names. Object.prototype and Array.prototype gain nothing.
 */
describe('prototype keys are inert: the same results as without them', () => {
	const NOW = Date.parse('2026-03-16T11:00:00Z'); // Monday 12:00 in Berlin
	const ZONE = 'Europe/Berlin';
	/** What a polluted prototype would make every object seem to have: the fields the engine reads. */
	const BAIT = {
		polluted: 'yes', points: 1000, total: 1000, threshold: 0, score: 1000, grade: 'A1', type: 'demo_request', timestamp: '2026-03-16T10:00:00Z', url: '/pricing',
		jobTitle: 'CEO', industry: 'Software', companySize: 200, email: 'ceo@competitor.example', unsubscribed: true, country: 'DE', state: 'TX', segment: 'Enterprise',
		tier: 'Hot', team: 'emea', owner: 'ana', ownerId: 'ana', queue: 'Bait', code: 'won', stage: 'won', disposition: 'won', amount: 99, minutes: 1, hours: 1, basis: 'calendar',
		action: 'contact', zone: 'Pacific/Kiritimati', start: '00:00', end: '23:59', active: false, weight: 99, members: ['ana'], when: { all: [] }, decision: 'handoff',
		reminder: { minutes: 1 }, manager: { minutes: 2 }, reassign: 'off',
	};
	/** The bait, or what an open map takes (a ladder, a code), or any JSON. */
	const bait: fc.Arbitrary<unknown> = fc.oneof(
		{ arbitrary: fc.constant(BAIT), weight: 3 },
		{ arbitrary: fc.constantFrom<unknown>({ reminder: { percent: 10 } }, { manager: { minutes: 5 }, reassign: 'off' }, 'won', 'rejected', null, { code: 'lost' }), weight: 2 },
		{ arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 1 },
	);
	type Planting = { at: number; key: string; value: unknown };
	const plantings = fc.array(fc.record({ at: fc.nat(), key: fc.constantFrom(...KEYS), value: bait }), { minLength: 1, maxLength: 4 });

	const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
	/**
	 * A deep copy of `input` with the keys added as own data properties, as JSON.parse makes them,
	 * each to one of the objects `open` accepts (by JSON path; all objects without it), counted depth-first.
	 */
	function planted(input: unknown, plants: Planting[], open: (path: string) => boolean = () => true): unknown {
		const paths: string[] = [];
		const visit = (value: unknown, path: string): void => {
			if (Array.isArray(value)) value.forEach((v, i) => visit(v, `${path}/${i}`));
			else if (isObject(value)) {
				if (open(path)) paths.push(path);
				for (const [k, v] of Object.entries(value)) visit(v, `${path}/${k}`);
			}
		};
		visit(input, '');
		const copy = (value: unknown, path: string): unknown => {
			if (Array.isArray(value)) return value.map((v, i) => copy(v, `${path}/${i}`));
			if (!isObject(value)) return value;
			const out: Record<string, unknown> = {};
			for (const [k, v] of Object.entries(value)) Object.defineProperty(out, k, { value: copy(v, `${path}/${k}`), enumerable: true, writable: true, configurable: true });
			for (const p of plants) {
				if (paths.length && paths[p.at % paths.length] === path) Object.defineProperty(out, p.key, { value: JSON.parse(JSON.stringify(p.value)), enumerable: true, writable: true, configurable: true });
			}
			return out;
		};
		return copy(input, '');
	}

	const ownKeys = () => ({ object: Object.getOwnPropertyNames(Object.prototype).sort(), array: Object.getOwnPropertyNames(Array.prototype).sort() });
	const before = ownKeys();
	function prototypesUntouched(): void {
		prototypeUntouched();
		assert.deepEqual(ownKeys(), before, 'a prototype gained a key');
		for (const key of Object.keys(BAIT)) {
			assert.equal(({} as Record<string, unknown>)[key], undefined, `Object.prototype.${key} was set`);
			assert.equal(([] as unknown as Record<string, unknown>)[key], undefined, `Array.prototype.${key} was set`);
		}
	}

	const LEADS = [
		{ email: 'dana@globex.com', jobTitle: 'VP Sales', industry: 'Software', companySize: 120, country: 'DE', activities: [{ type: 'page_view', timestamp: '2026-03-15T10:00:00Z', url: 'https://x.io/pricing' }, { type: 'demo_request', timestamp: '2026-03-16T09:00:00Z' }] },
		{ email: 'kid@gmail.com', jobTitle: 'Marketing Intern', country: 'US', state: 'TX', activities: [{ type: 'email_open', timestamp: '2026-03-14T10:00:00Z' }, { type: 'content_download', timestamp: '2026-03-13T10:00:00Z', asset: 'Customer story: Globex' }] },
		{ email: 'mo@initech.com', unsubscribed: true, industry: 'Fintech', country: 'FR', postalCode: '81675', companySize: '1001-5000', segment: 'Enterprise', activities: [{ type: 'webinar_attended', timestamp: '2026-03-10T10:00:00Z' }] },
		{ email: 'eve@eu.globex.com', country: 'AT', activities: [] },
		{ email: 'tex@acme.io', jobTitle: 'VP Marketing', industry: 'Software', companySize: 90, country: 'US', state: 'TX', activities: [{ type: 'demo_request', timestamp: '2026-03-16T10:30:00Z' }, { type: 'page_view', timestamp: '2026-03-16T10:00:00Z', url: 'https://x.io/pricing' }] },
		{ email: 'sam@hooli.com', jobTitle: 'Director of IT', industry: 'SaaS', companySize: 80, country: 'CH', activities: [{ type: 'page_view', timestamp: '2026-03-16T08:00:00Z', url: 'https://x.io/pricing' }, { type: 'content_download', timestamp: '2026-03-15T08:00:00Z', asset: 'case study' }, { type: 'webinar_attended', timestamp: '2026-03-12T08:00:00Z' }] },
	];
	const ROUTING = {
		calendar: { zone: ZONE, hours: { start: '09:00', end: '18:00' } },
		tiers: DEFAULT_TIERS,
		assignment: {
			namedAccounts: [{ domain: 'globex.com', owner: 'eve' }],
			rules: [
				{ name: 'DACH', team: 'emea', territory: { country: ['DE', 'AT', 'CH'] } },
				{ name: 'Texas', team: 'us', territory: { country: ['US'], state: ['TX'] } },
				{ name: 'Fintech', team: 'us', industry: ['Fintech'] },
			],
			defaultTeam: 'pool',
			teams: [
				{ id: 'emea', members: ['ana', 'ben'], strategy: 'weightedRoundRobin' },
				{ id: 'us', members: ['cy'], fallback: { owner: 'ben' } },
				{ id: 'pool', members: ['ana', 'ben'], strategy: 'leastOpen' },
			],
			roster: [
				{ id: 'ana', name: 'Ana', timeZone: ZONE, weight: 3 },
				{ id: 'ben', name: 'Ben', timeZone: ZONE, capacity: { perDay: 5 } },
				{ id: 'cy', name: 'Cy', timeZone: 'America/New_York', workingHours: { hours: { start: '08:00', end: '17:00' } } },
				{ id: 'eve', name: 'Eve', timeZone: ZONE },
			],
			fallback: { queue: 'SDR queue' },
		},
	};
	const STATE = { counters: { emea: 4, pool: 1 }, loads: { ana: { open: 3 }, ben: { open: 1 }, cy: { open: 0 } } };
	const POLICY = makePolicy({ hours: 1, basis: 'business', action: 'contact' }, { zone: ZONE, hours: { start: '09:00', end: '18:00' }, keepSlaInOnePeriod: false }, DEFAULT_LADDER);
	const ESCALATION = { ladder: { reminder: { percent: 40 } }, tiers: { Hot: { reminder: { minutes: 20 }, manager: { percent: 80 } }, Warm: { reassign: 'off' } } };
	const FEEDBACK = { codes: [{ code: 'demo_held', label: 'Demo held', stage: 'meeting', aliases: ['demo done'] }], hubspot: { leadStatus: { IN_PROGRESS: 'contacted', NEW: 'accepted' } } };
	const fixture = (name: string): unknown => JSON.parse(readFileSync(path.join(__dirname, '../feedback/fixtures', name), 'utf8'));
	const PAYLOADS = { plain: fixture('plain/outcomes.json'), hubspot: fixture('hubspot/contact-batch.json') };

	const scorer = compileScorer(DEFAULT_PROTOCOL);
	type Leads = Array<Record<string, unknown>>;
	/** What each kind decides (what a node sends on), in one comparable value; `data` is the leads or payloads. */
	const judge: Record<string, (protocol: unknown, data: unknown, state?: unknown) => unknown> = {
		'scoring rules': (protocol, leads) => {
			const s = compileScorer(protocol);
			return (leads as Leads).map((lead) => {
				const { modelId: _m, ...result } = s.score(lead, NOW, ZONE);
				return result;
			});
		},
		gate: (protocol, leads) => {
			const g = compileGate(protocol);
			return (leads as Leads).map((lead) => g.evaluate(lead, scorer.score(lead, NOW, ZONE), scorer.readActivities(lead, ZONE), NOW));
		},
		routing: (protocol, leads, state = STATE) => {
			const r = compileRouter(protocol, { zone: ZONE });
			// At noon in Berlin (New York not open yet) and at 16:00 (both open).
			return [NOW, NOW + 4 * 3_600_000].flatMap((now) => (leads as Leads).map((lead) => r.route(lead, scorer.score(lead, now, ZONE), scorer.readActivities(lead, ZONE), now, state as RoutingState)));
		},
		'SLA policy': (protocol, leads) => {
			const policy = compilePolicy(protocol);
			return (leads as Leads).map((lead, i) => {
				const { timer } = startTimer(policy, { scope: 'default', handoffKey: `evt-${i}`, leadKey: String(i), ownerId: 'ana', tier: 'Hot', startedAt: NOW + i * 3_600_000, details: lead });
				return { status: timer.status, dueAt: timer.dueAt, schedule: timer.schedule };
			});
		},
		'SLA escalation': (protocol, leads, tiers = ['Hot', 'Warm', 'MQL', 'hot']) => {
			const escalation = compileEscalation(protocol);
			return (tiers as string[]).map((tier) => {
				const policy = compilePolicy(makePolicy({ hours: 1, basis: 'business', action: 'contact' }, POLICY.calendar, escalation.ladderFor(tier)));
				return (leads as Leads).map((lead, i) => startTimer(policy, { scope: 'default', handoffKey: `evt-${i}`, leadKey: String(i), tier, startedAt: NOW + i * 3_600_000, details: lead }).timer.schedule);
			});
		},
		'feedback config': (protocol, payloads) => {
			const dispositions = compileDispositions(protocol);
			const { plain, hubspot } = payloads as typeof PAYLOADS;
			// An event without an id is keyed by its content, which added fields are part of.
			const events = [...compilePlain(dispositions).map(plain, { receivedAt: NOW }).events, ...compileHubSpot(dispositions).map(hubspot, { receivedAt: NOW }).events];
			return events.map(({ id, ...event }) => (id.includes(':h:') ? event : { id, ...event }));
		},
	};
	/** Where any key is allowed (a map by name) and what the map takes there. */
	type OpenMap = { where: (path: string) => boolean; value: fc.Arbitrary<unknown> };
	const kinds: Array<[string, unknown, unknown, OpenMap | undefined]> = [
		['scoring rules', DEFAULT_PROTOCOL, LEADS, undefined],
		['gate', DEFAULT_GATE, LEADS, undefined],
		['routing', ROUTING, LEADS, undefined],
		['SLA policy', POLICY, LEADS, undefined],
		['SLA escalation', ESCALATION, LEADS, { where: (p) => p === '/tiers', value: fc.constantFrom({ reminder: { percent: 10 } }, { manager: { minutes: 5 }, reassign: 'off' }, {}) }],
		['feedback config', FEEDBACK, PAYLOADS, { where: (p) => p === '/hubspot/leadStatus', value: fc.constantFrom<unknown>('won', 'rejected', null, { code: 'lost' }, 'demo_held') }],
	];
	const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

	it('the keys are own keys, as JSON.parse leaves them, and set no prototype', () => {
		const input = planted({ a: { b: 1 } }, [{ at: 1, key: '__proto__', value: BAIT }]) as { a: Record<string, unknown> };
		assert.ok(Object.prototype.hasOwnProperty.call(input.a, '__proto__'));
		assert.equal(Object.getPrototypeOf(input.a), Object.prototype);
		assert.equal(input.a.points, undefined);
		assert.deepEqual(input, JSON.parse('{"a":{"b":1,"__proto__":' + JSON.stringify(BAIT) + '}}'));
	});

	describe.each(kinds)('%s', (kind, protocol, data, open) => {
		const decide = judge[kind];
		const clean = decide(copy(protocol), copy(data));

		const inProtocol = (map: OpenMap | undefined) => {
			const outcomes = { refused: 0, compiled: 0 };
			const plants = map ? fc.array(fc.record({ at: fc.nat(), key: fc.constantFrom(...KEYS), value: map.value }), { minLength: 1, maxLength: 4 }) : plantings;
			fc.assert(
				fc.property(plants, (plants) => {
					const input = planted(protocol, plants, map?.where);
					let result: unknown;
					try {
						result = decide(input, copy(data));
					} catch (error) {
						assert.ok(error instanceof ProtocolError, `a protocol error, not ${String(error)}`);
						outcomes.refused++;
						return;
					} finally {
						prototypesUntouched();
					}
					outcomes.compiled++;
					assert.deepEqual(result, clean);
				}),
				{ numRuns: 150 },
			);
			return outcomes;
		};

		it('in any object of the protocol: refused with a protocol error, or the same results', () => {
			const { refused, compiled } = inProtocol(undefined);
			assert.equal(refused + compiled, 150);
		});

		if (open) {
			it('in its open maps: they compile, to the same results', () => {
				const { compiled } = inProtocol(open);
				assert.equal(compiled, 150, `${compiled} of 150 compiled`);
			});
		}

		it('in the leads or payloads: the same results', () => {
			fc.assert(
				fc.property(plantings, (plants) => {
					const polluted = planted(data, plants);
					try {
						assert.deepEqual(decide(copy(protocol), polluted), clean);
					} finally {
						prototypesUntouched();
					}
				}),
				{ numRuns: 150 },
			);
		});
	});

	/** Names every object inherits, as the protocol's own names. */
	const WORDS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__'];
	/** `count` distinct inherited names. */
	const words = (count: number) => fc.shuffledSubarray(WORDS, { minLength: count, maxLength: count });
	/** The JSON value with each of the exact strings (keys and values) renamed: JSON.parse makes any key an own key. */
	const renamed = (value: unknown, names: Record<string, string>): unknown =>
		JSON.parse(JSON.stringify(value).replace(/"((?:[^"\\]|\\.)*)"/g, (whole, text: string) => (Object.prototype.hasOwnProperty.call(names, text) ? JSON.stringify(names[text]) : whole)));
	/** A result with the inherited names put back: as whole strings and keys, and within texts ("Round-robin in team toString"). */
	const restored = (value: unknown, names: Record<string, string>): unknown => {
		const back = Object.entries(names).sort((a, b) => b[1].length - a[1].length);
		const text = JSON.stringify(value).replace(/"((?:[^"\\]|\\.)*)"/g, (_whole, inner: string) => {
			let t = JSON.parse(`"${inner}"`) as string;
			for (const [original, word] of back) t = t.split(word).join(original);
			return JSON.stringify(t);
		});
		return JSON.parse(text);
	};

	it('as team ids, rep ids and tier names: the same tiers, teams, owners, due times and cursors', () => {
		const original = ['emea', 'us', 'pool', 'ana', 'ben', 'cy', 'eve', 'Hot'];
		const clean = judge.routing(ROUTING, copy(LEADS), STATE);
		fc.assert(
			fc.property(fc.shuffledSubarray(original, { minLength: 1 }).chain((picked) => words(picked.length).map((w) => Object.fromEntries(picked.map((p, i) => [p, w[i]])))), (names) => {
				try {
					const result = judge.routing(renamed(ROUTING, names), copy(LEADS), renamed(STATE, names));
					assert.deepEqual(restored(result, names), clean);
				} finally {
					prototypesUntouched();
				}
			}),
			{ numRuns: 150 },
		);
	});

	it('as lead fields and activity types: the same scores and gate decisions', () => {
		// Activity types are compared in lower case: their words are lower case too, and none is also a field's.
		const TYPE_WORDS = ['__proto__', 'prototype', 'constructor'];
		const naming = fc.shuffledSubarray(TYPE_WORDS, { minLength: 2, maxLength: 2 }).chain((types) =>
			fc.shuffledSubarray(WORDS.filter((w) => !types.includes(w)), { minLength: 3, maxLength: 3 }).map((fields) => ({
				industry: fields[0], companySize: fields[1], jobTitle: fields[2], webinar_attended: types[0], email_open: types[1],
			})),
		);
		const clean = { scores: judge['scoring rules'](DEFAULT_PROTOCOL, copy(LEADS)), gate: judge.gate(DEFAULT_GATE, copy(LEADS)) };
		fc.assert(
			fc.property(naming, (names) => {
				try {
					const leads = renamed(LEADS, names);
					const scores = compileScorer(renamed(DEFAULT_PROTOCOL, names));
					const result = (leads as Leads).map((lead) => {
						const { modelId: _m, ...score } = scores.score(lead, NOW, ZONE);
						return score;
					});
					assert.deepEqual(restored(result, names), clean.scores);
					const gate = compileGate(renamed(DEFAULT_GATE, names));
					const decisions = (leads as Leads).map((lead) => gate.evaluate(lead, scores.score(lead, NOW, ZONE), scores.readActivities(lead, ZONE), NOW));
					assert.deepEqual(restored(decisions, names), clean.gate);
				} catch (error) {
					// An activity type is a word of letters, digits and underscores: '__proto__' is one, 'toString' may be refused.
					if (!(error instanceof ProtocolError)) throw error;
				} finally {
					prototypesUntouched();
				}
			}),
			{ numRuns: 150 },
		);
	});

	it('as tier names of the escalation ladder: the same schedules', () => {
		const clean = judge['SLA escalation'](ESCALATION, copy(LEADS));
		fc.assert(
			fc.property(words(2), ([hot, warm]) => {
				try {
					const names = { Hot: hot, Warm: warm };
					assert.deepEqual((judge['SLA escalation'](renamed(ESCALATION, names), copy(LEADS), [hot, warm, 'MQL', hot.toUpperCase() === hot ? hot.toLowerCase() : hot.toUpperCase()]) as unknown[]).slice(0, 3), (clean as unknown[]).slice(0, 3));
				} finally {
					prototypesUntouched();
				}
			}),
			{ numRuns: 60 },
		);
	});

	it('as CRM values in the value maps and the webhooks: the same outcomes', () => {
		const clean = judge['feedback config'](FEEDBACK, copy(PAYLOADS));
		fc.assert(
			fc.property(words(2), ([inProgress, fresh]) => {
				try {
					const names = { IN_PROGRESS: inProgress, NEW: fresh };
					const result = judge['feedback config'](renamed(FEEDBACK, names), renamed(PAYLOADS, names));
					assert.deepEqual(restored(result, names), clean);
				} finally {
					prototypesUntouched();
				}
			}),
			{ numRuns: 60 },
		);
	});

	it('as threshold names and escalation tier rows: each kept under its own name', () => {
		fc.assert(
			fc.property(words(2), fc.boolean(), ([crossed, notYet], withRows) => {
				try {
					const score = scorer.score(LEADS[0], NOW, ZONE);
					const firstCrossed = JSON.parse(`{${JSON.stringify(crossed)}: ${NOW}}`) as Record<string, number>;
					const history = scoreHistory({ score, leadKey: 'dana@globex.com', thresholds: [{ name: crossed, score: 50 }, { name: notYet, score: 90 }], firstCrossed, ledger: { activities: 2, recorded: 2, duplicates: 0 } });
					assert.deepEqual(Object.keys(history.thresholds).sort(), [crossed, notYet].sort());
					assert.equal(Object.getPrototypeOf(history.thresholds), Object.prototype);
					assert.deepEqual(Object.getOwnPropertyDescriptor(history.thresholds, crossed)?.value, { score: 50, firstCrossedAt: new Date(NOW).toISOString() });
					assert.deepEqual(Object.getOwnPropertyDescriptor(history.thresholds, notYet)?.value, { score: 90, firstCrossedAt: null });
					if (withRows) {
						const escalation = ladderRowsToEscalation([{ tier: crossed, stage: 'reminder', unit: 'minutes', at: 20 }, { tier: notYet, stage: 'reassign', unit: 'off' }]);
						const tiers = escalation?.tiers ?? {};
						assert.deepEqual(Object.keys(tiers).sort(), [crossed, notYet].sort());
						const compiled = compileEscalation(escalation);
						assert.deepEqual(compiled.ladderFor(crossed).reminder, { minutes: 20 });
						assert.equal(compiled.ladderFor(notYet).reassign, 'off');
					}
				} finally {
					prototypesUntouched();
				}
			}),
			{ numRuns: 60 },
		);
	});
});
