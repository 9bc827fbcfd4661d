/**
 * The outcome reducer's promises, for any events: the final outcome does not depend on the order
 * the events were delivered in, a duplicate delivery changes nothing, and the history never
 * shrinks. Plus what can be said of the outcome without the reducer's rules: when each stage was
 * first reached, the latest amount, and (without corrections) the last close.
 */
import assert from 'node:assert/strict';

import fc from 'fast-check';

import { applyOutcomeEvent, emptyOutcome, isProgress, outcomeOf, progressRank, type Outcome, type OutcomeEvent, type Stage } from '../../../nodes/engine/feedback';

const T0 = Date.parse('2026-03-01T00:00:00Z');
const STAGES: Array<Stage | undefined> = ['accepted', 'contacted', 'meeting', 'opportunity', 'won', 'lost', 'rejected', 'open', undefined];
const RECORDS = [
	{ system: 'hubspot', type: 'deal', id: '1' },
	{ system: 'hubspot', type: 'contact', id: '2' },
	{ system: 'salesforce', type: 'Opportunity', id: '0065g00000BfR9xAAF' },
];

const eventSpec = fc.record({
	stage: fc.constantFrom(...STAGES),
	record: fc.option(fc.constantFrom(...RECORDS), { nil: undefined }),
	asserted: fc.boolean(),
	amount: fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: undefined }),
	reason: fc.option(fc.constantFrom('price', 'no_budget', 'chose_competitor'), { nil: undefined }),
	reasonFor: fc.constantFrom<'lost' | 'rejected' | 'won'>('lost', 'rejected', 'won'),
});

/** Events with distinct ids and, when `distinctTimes`, distinct timestamps. */
function eventsArb(distinctTimes: boolean): fc.Arbitrary<OutcomeEvent[]> {
	const times = distinctTimes
		? fc.uniqueArray(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 1, maxLength: 14 })
		: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 14 });
	return times.chain((offsets) =>
		fc.tuple(...offsets.map(() => eventSpec)).map((specs) =>
			specs.map((spec, i): OutcomeEvent => {
				const event: OutcomeEvent = { id: `evt-${i}`, at: T0 + offsets[i] * 1000, source: 'property' };
				if (spec.stage !== undefined) {
					event.stage = spec.stage;
					event.code = spec.stage === 'open' ? 'reopened' : spec.stage;
					if (spec.asserted) event.asserted = true;
				} else if (spec.amount === undefined) {
					event.reasonFor = spec.reasonFor;
				}
				if (spec.record) event.record = spec.record;
				if (spec.amount !== undefined) event.amount = spec.amount;
				if (spec.reason !== undefined && (spec.stage === 'lost' || spec.stage === 'rejected' || event.reasonFor)) event.reason = spec.reason;
				return event;
			}),
		),
	);
}

/** A delivery order: a permutation of the events. */
function shuffled<T>(items: T[]): fc.Arbitrary<T[]> {
	return fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: items.length, maxLength: items.length }).map((keys) =>
		items
			.map((item, i) => ({ item, key: keys[i] }))
			.sort((a, b) => a.key - b.key)
			.map((x) => x.item),
	);
}

function deliver(events: readonly OutcomeEvent[]): Outcome {
	return events.reduce((outcome, event) => applyOutcomeEvent(outcome, event).outcome, emptyOutcome());
}

/** Outcomes go through JSON between deliveries in the store: compare them as stored. */
const stored = (outcome: Outcome) => JSON.parse(JSON.stringify(outcome)) as Outcome;

describe('the outcome reducer, for any events', () => {
	it('ends in the same outcome whatever order events with distinct times are delivered in', () => {
		fc.assert(
			fc.property(
				eventsArb(true).chain((events) => fc.tuple(fc.constant(events), shuffled(events), shuffled(events))),
				([events, orderA, orderB]) => {
					const a = stored(deliver(orderA));
					assert.deepEqual(a, stored(deliver(orderB)));
					assert.deepEqual(a, stored(outcomeOf(events)));
				},
			),
			{ numRuns: 300 },
		);
	});

	it('ends in the same outcome whatever the order, even when events share a time', () => {
		fc.assert(
			fc.property(
				eventsArb(false).chain((events) => fc.tuple(shuffled(events), shuffled(events))),
				([orderA, orderB]) => assert.deepEqual(stored(deliver(orderA)), stored(deliver(orderB))),
			),
			{ numRuns: 200 },
		);
	});

	it('is idempotent: events delivered again change nothing', () => {
		fc.assert(
			fc.property(
				eventsArb(true).chain((events) =>
					fc.tuple(
						fc.constant(events),
						fc.array(fc.integer({ min: 0, max: events.length - 1 }), { maxLength: 20 }).chain((repeats) => shuffled([...events, ...repeats.map((i) => ({ ...events[i] }))])),
					),
				),
				([events, withRepeats]) => {
					let outcome = emptyOutcome();
					const seen = new Set<string>();
					for (const event of withRepeats) {
						const change = applyOutcomeEvent(outcome, event);
						if (seen.has(event.id)) {
							assert.equal(change.duplicate, true);
							assert.equal(change.changed, false);
							assert.equal(change.outcome, outcome, 'a duplicate returns the very same outcome');
						} else {
							assert.equal(change.duplicate, false);
						}
						seen.add(event.id);
						outcome = change.outcome;
					}
					assert.deepEqual(stored(outcome), stored(outcomeOf(events)));
				},
			),
			{ numRuns: 300 },
		);
	});

	it('never shrinks the history: every event delivered stays in it, once', () => {
		fc.assert(
			fc.property(
				eventsArb(false).chain((events) => shuffled([...events, ...events.slice(0, 3)])),
				(delivery) => {
					let outcome = emptyOutcome();
					let before: string[] = [];
					for (const event of delivery) {
						outcome = applyOutcomeEvent(outcome, event).outcome;
						const ids = outcome.history.map((h) => h.eventId);
						assert.ok(ids.length >= before.length, 'the history never gets shorter');
						for (const id of before) assert.ok(ids.includes(id), `${id} is still in the history`);
						assert.ok(ids.includes(event.id));
						assert.equal(new Set(ids).size, ids.length, 'one entry per distinct event');
						before = ids;
					}
				},
			),
			{ numRuns: 300 },
		);
	});

	it('records when each stage was first reached, and the latest amount', () => {
		fc.assert(
			fc.property(eventsArb(true), (events) => {
				const outcome = outcomeOf(events);
				for (const stage of ['accepted', 'contacted', 'meeting', 'opportunity', 'won', 'lost', 'rejected'] as const) {
					const times = events.filter((e) => e.stage === stage).map((e) => e.at);
					assert.equal(outcome.reached[stage], times.length ? Math.min(...times) : undefined, stage);
				}
				const withAmount = events.filter((e) => e.amount !== undefined).sort((a, b) => a.at - b.at);
				assert.equal(outcome.amount, withAmount.at(-1)?.amount);
			}),
			{ numRuns: 300 },
		);
	});

	it('without reopens or records stating their stage, a closed outcome stays closed at its last close, and an open one is at its furthest stage', () => {
		fc.assert(
			fc.property(
				eventsArb(true).map((events) => events.filter((e) => e.stage !== 'open').map(({ asserted: _a, ...e }) => e)),
				(events) => {
					const outcome = outcomeOf(events);
					const closes = events.filter((e) => e.stage === 'won' || e.stage === 'lost' || e.stage === 'rejected').sort((a, b) => a.at - b.at);
					if (closes.length) {
						assert.equal(outcome.closed, true);
						assert.equal(outcome.stage, closes.at(-1)!.stage);
					} else {
						const furthest = events.filter((e) => isProgress(e.stage)).reduce((best, e) => Math.max(best, progressRank(e.stage as 'accepted')), 0);
						assert.equal(outcome.closed, false);
						assert.equal(outcome.stage === 'handedOff' ? 0 : progressRank(outcome.stage as 'accepted'), furthest);
					}
				},
			),
			{ numRuns: 300 },
		);
	});
});
