import assert from 'node:assert/strict';

import { applyOutcomeEvent, emptyOutcome, outcomeOf, type Outcome, type OutcomeEvent } from '../../../nodes/engine/feedback';

const H = 3_600_000;
const T0 = Date.parse('2026-03-10T09:00:00Z');
const deal = { system: 'hubspot', type: 'deal', id: '31870051007' };
const contact = { system: 'hubspot', type: 'contact', id: '87211034512' };

let serial = 0;
function ev(stage: OutcomeEvent['stage'], hours: number, extra: Partial<OutcomeEvent> = {}): OutcomeEvent {
	const code = stage === undefined ? undefined : ({ meeting: 'meeting_booked', open: 'reopened' } as Record<string, string>)[stage] ?? stage;
	const event: OutcomeEvent = { id: `e${++serial}`, at: T0 + hours * H, source: 'test', ...extra };
	if (stage !== undefined) Object.assign(event, { stage, code });
	return event;
}

function deliver(events: OutcomeEvent[], start: Outcome = emptyOutcome()): Outcome {
	return events.reduce((outcome, event) => applyOutcomeEvent(outcome, event).outcome, start);
}

describe('the outcome of a hand-off', () => {
	it('starts handed off, open, with nothing reached', () => {
		const outcome = emptyOutcome();
		assert.equal(outcome.stage, 'handedOff');
		assert.equal(outcome.closed, false);
		assert.deepEqual(outcome.reached, {});
	});

	it('moves through the funnel and records when each stage was first reached', () => {
		const accepted = ev('accepted', 1);
		const contacted = ev('contacted', 2);
		const meeting = ev('meeting', 26);
		const opportunity = ev('opportunity', 72);
		const won = ev('won', 400, { amount: 24500, currency: 'EUR' });
		const outcome = deliver([accepted, contacted, meeting, opportunity, won]);
		assert.equal(outcome.stage, 'won');
		assert.equal(outcome.closed, true);
		assert.equal(outcome.code, 'won');
		assert.equal(outcome.amount, 24500);
		assert.equal(outcome.currency, 'EUR');
		assert.equal(outcome.closedAt, won.at);
		assert.deepEqual(outcome.reached, { accepted: accepted.at, contacted: contacted.at, meeting: meeting.at, opportunity: opportunity.at, won: won.at });
		assert.deepEqual(
			outcome.history.map((h) => [h.from, h.to, h.effect]),
			[
				['handedOff', 'accepted', 'advanced'],
				['accepted', 'contacted', 'advanced'],
				['contacted', 'meeting', 'advanced'],
				['meeting', 'opportunity', 'advanced'],
				['opportunity', 'won', 'closed'],
			],
		);
	});

	it('won delivered before accepted ends won, with the acceptance recorded at its own time', () => {
		const accepted = ev('accepted', 1);
		const won = ev('won', 300, { amount: 9000 });
		const outcome = deliver([won, accepted]);
		assert.equal(outcome.stage, 'won');
		assert.equal(outcome.closed, true);
		assert.equal(outcome.reached.accepted, accepted.at);
		assert.deepEqual(outcome, deliver([accepted, won]), 'the same outcome in either order');
	});

	it('an acceptance that happened after the win is recorded and leaves the win alone', () => {
		const outcome = deliver([ev('won', 1), ev('accepted', 2)]);
		assert.equal(outcome.stage, 'won');
		assert.equal(outcome.history[1].effect, 'milestone');
		assert.match(outcome.history[1].note, /Accepted recorded; the outcome stays Won/);
	});

	it('progress never moves an open outcome back, unless the event states its record\'s current stage', () => {
		assert.equal(deliver([ev('opportunity', 1), ev('contacted', 2)]).stage, 'opportunity');
		const back = deliver([ev('opportunity', 1, { record: deal, asserted: true }), ev('meeting', 2, { record: deal, asserted: true })]);
		assert.equal(back.stage, 'meeting');
		assert.equal(back.history[1].effect, 'moved');
	});

	it('the same event delivered again changes nothing, and says so', () => {
		const won = ev('won', 5, { amount: 100 });
		const once = deliver([ev('accepted', 1), won]);
		const again = applyOutcomeEvent(once, { ...won });
		assert.equal(again.duplicate, true);
		assert.equal(again.changed, false);
		assert.equal(again.outcome, once, 'the very same outcome object');
		assert.equal(again.entry, undefined);
		// A retry with other content but the same id is still the same event (first delivery wins).
		assert.equal(applyOutcomeEvent(once, { ...won, amount: 999 }).outcome.amount, 100);
	});

	it('a won deal reverted to open reopens the outcome and keeps the win in the history', () => {
		const won = ev('won', 10, { record: deal, asserted: true, amount: 24500 });
		const reverted = ev('opportunity', 30, { record: deal, asserted: true });
		const outcome = deliver([ev('accepted', 1, { record: contact }), ev('opportunity', 5, { record: deal, asserted: true }), won, reverted]);
		assert.equal(outcome.stage, 'opportunity');
		assert.equal(outcome.closed, false);
		assert.equal(outcome.closedAt, undefined);
		assert.equal(outcome.corrections, 1);
		assert.equal(outcome.reached.won, won.at, 'that it was won once stays known');
		const [, , closed, reopened] = outcome.history;
		assert.deepEqual([closed.eventId, closed.to, closed.effect], [won.id, 'won', 'closed']);
		assert.deepEqual([reopened.eventId, reopened.from, reopened.to, reopened.effect], [reverted.id, 'won', 'opportunity', 'reopened']);
		assert.match(reopened.note, /Reopened at Opportunity \(was Won\)/);
	});

	it('another record\'s progress after a close does not reopen it (a contact\'s lead status after its deal was won)', () => {
		const outcome = deliver([ev('won', 10, { record: deal, asserted: true }), ev('contacted', 20, { record: contact, asserted: true })]);
		assert.equal(outcome.stage, 'won');
		assert.equal(outcome.corrections, 0);
		assert.equal(outcome.history[1].effect, 'milestone');
	});

	it('when two records said won (the contact became a customer, the deal closed won), the deal moving back reopens it', () => {
		const outcome = deliver([ev('won', 10, { record: contact }), ev('won', 10.5, { record: deal, asserted: true }), ev('opportunity', 20, { record: deal, asserted: true })]);
		assert.deepEqual([outcome.stage, outcome.closed, outcome.corrections], ['opportunity', false, 1]);
		const otherDeal = deliver([ev('won', 10, { record: deal, asserted: true }), ev('opportunity', 20, { record: { ...deal, id: '99' }, asserted: true })]);
		assert.equal(otherDeal.stage, 'won', "another deal's stage leaves this close alone");
	});

	it('a reopened code reopens any close, back to the furthest stage reached', () => {
		const outcome = deliver([ev('accepted', 1), ev('meeting', 2), ev('rejected', 3, { reason: 'no_budget' }), ev('open', 4)]);
		assert.equal(outcome.stage, 'meeting');
		assert.equal(outcome.closed, false);
		assert.equal(outcome.code, 'reopened');
		assert.equal(outcome.reason, undefined, 'an open outcome has no close reason');
		assert.equal(outcome.corrections, 1);
		assert.equal(deliver([ev('open', 1)]).history[0].effect, 'unchanged', 'reopening an open outcome does nothing');
		assert.equal(deliver([ev('lost', 1), ev('open', 2)]).stage, 'handedOff');
	});

	it('a later close of another kind is a correction: won then lost ends lost, the win kept in the history', () => {
		const outcome = deliver([ev('won', 1, { amount: 5000 }), ev('lost', 2, { reason: 'chose_competitor' })]);
		assert.equal(outcome.stage, 'lost');
		assert.equal(outcome.reason, 'chose_competitor');
		assert.equal(outcome.corrections, 1);
		assert.deepEqual(
			outcome.history.map((h) => h.effect),
			['closed', 'corrected'],
		);
		assert.match(outcome.history[1].note, /Corrected: Won to Lost/);
	});

	it('a changed reason is a correction; the same close again is not', () => {
		const changed = deliver([ev('lost', 1, { reason: 'price' }), ev('lost', 2, { reason: 'chose_competitor' })]);
		assert.equal(changed.reason, 'chose_competitor');
		assert.equal(changed.corrections, 1);
		const same = deliver([ev('lost', 1, { reason: 'price' }), ev('lost', 2, { reason: 'price' }), ev('lost', 3)]);
		assert.equal(same.reason, 'price');
		assert.equal(same.corrections, 0);
		assert.deepEqual(
			same.history.map((h) => h.effect),
			['closed', 'unchanged', 'unchanged'],
		);
		const given = deliver([ev('lost', 1), ev('lost', 2, { reason: 'price' })]);
		assert.equal(given.reason, 'price');
		assert.equal(given.corrections, 0, 'a reason given later for the same close is a detail');
	});

	it('details: the latest amount counts, and a separate lost reason applies to the lost close', () => {
		const outcome = deliver([
			ev('lost', 10, { record: deal }),
			ev(undefined, 10.001, { reasonFor: 'lost', reason: 'other', reasonText: 'Board froze budgets' }),
			ev(undefined, 9, { amount: 18000 }),
			ev(undefined, 11, { amount: 16000 }),
		]);
		assert.equal(outcome.stage, 'lost');
		assert.equal(outcome.reason, 'other');
		assert.equal(outcome.reasonText, 'Board froze budgets');
		assert.equal(outcome.amount, 16000);
		const won = deliver([ev(undefined, 1, { reasonFor: 'lost', reason: 'price' }), ev('won', 2)]);
		assert.equal(won.reason, undefined, 'a lost reason says nothing about a win');
	});

	it('equal times are ordered the same way whatever the delivery: progress, then closes, then details, then reopens', () => {
		const accepted = ev('accepted', 1);
		const won = ev('won', 1);
		const reopen = ev('open', 1);
		const a = outcomeOf([reopen, won, accepted]);
		const b = outcomeOf([accepted, reopen, won]);
		assert.deepEqual(a, b);
		assert.deepEqual(
			a.history.map((h) => h.eventId),
			[accepted.id, won.id, reopen.id],
		);
		assert.equal(a.stage, 'accepted');
	});

	it('says whether an event changed where the outcome stands', () => {
		const start = deliver([ev('contacted', 1)]);
		assert.equal(applyOutcomeEvent(start, ev('accepted', 0.5)).changed, true, 'an acceptance reached earlier is news');
		const milestone = applyOutcomeEvent(start, ev('contacted', 3));
		assert.equal(milestone.changed, false, 'contacted again');
		assert.equal(milestone.duplicate, false);
		assert.equal(milestone.outcome.history.length, 2, 'still recorded');
		assert.equal(milestone.entry?.effect, 'milestone');
	});

	it('refuses events without an id, a time or anything to say', () => {
		assert.throws(() => applyOutcomeEvent(emptyOutcome(), { id: '', at: T0, source: 't', stage: 'won', code: 'won' }), /Event ID/);
		assert.throws(() => applyOutcomeEvent(emptyOutcome(), { id: 'x', at: Number.NaN, source: 't', stage: 'won', code: 'won' }), /Occurred At/);
		assert.throws(() => applyOutcomeEvent(emptyOutcome(), { id: 'x', at: T0, source: 't' }), /a disposition code, an amount or a reason/);
	});
});
