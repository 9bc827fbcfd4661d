import assert from 'node:assert/strict';

import { compileRouter } from '../../../nodes/engine/routing';
import {
	acceptTimer,
	advanceTimer,
	cancelTimer,
	contactTimer,
	nextStage,
	reassignTimer,
	routeReassignment,
	startTimer,
} from '../../../nodes/engine/sla';
import { BERLIN, details, HOT, local, MINUTE, MQL, policyOf, scheduleOf, started, wall } from './helpers';

const policy = policyOf(HOT);
const T = local('2026-03-10T10:00');
const input = { scope: 'default', handoffKey: 'evt-1', leadKey: 'dana@globex.com', ownerId: '101', team: 'emea', tier: 'Hot', startedAt: T, details };

describe('the SLA timer', () => {
	it('starts open with the SLA due time and the first stage next', () => {
		const change = startTimer(policy, input);
		assert.equal(change.outcome, 'started');
		assert.equal(change.timer.status, 'open');
		assert.equal(wall(change.timer.dueAt), 'Tue 2026-03-10 11:00');
		assert.deepEqual(nextStage(change.timer), { stage: 'reminder', dueAt: local('2026-03-10T10:30') });
		assert.match(change.message, /1 h of business time to a first contact, due 2026-03-10 11:00 \(Europe\/Berlin\)/);
	});

	it('a first contact closes it and records time to first touch in business and clock minutes, and whether the SLA was met', () => {
		// Friday 17:30, contacted Monday 09:20: 30 + 20 business minutes, due Monday 09:30.
		const friday = started(policy, local('2026-03-13T17:30'));
		const { timer, outcome, changed } = contactTimer(policy, friday, local('2026-03-16T09:20'));
		assert.equal(outcome, 'contacted');
		assert.equal(changed, true);
		assert.equal(timer.status, 'contacted');
		assert.equal(timer.firstTouchBusinessMinutes, 50);
		assert.equal(timer.firstTouchClockMinutes, (2 * 24 + 15) * 60 + 50);
		assert.equal(timer.metSla, true);
		assert.equal(nextStage(timer), undefined, 'a closed timer has nothing left to fire');
		assert.deepEqual(advanceTimer(timer, local('2026-03-20T00:00')).due, []);

		const late = contactTimer(policy, friday, local('2026-03-16T09:31')).timer;
		assert.equal(late.metSla, false);
		assert.equal(late.firstTouchBusinessMinutes, 61);
	});

	it('marking it contacted twice changes nothing and says so', () => {
		const once = contactTimer(policy, started(), T + 20 * MINUTE).timer;
		const twice = contactTimer(policy, once, T + 40 * MINUTE);
		assert.equal(twice.changed, false);
		assert.equal(twice.outcome, 'alreadyContacted');
		assert.equal(twice.timer, once);
		assert.match(twice.message, /Already contacted at 2026-03-10 10:20 \(Europe\/Berlin\); nothing changed/);
	});

	it('a contact kept from before the start closes the timer as it starts', () => {
		const byHandoff = startTimer(policy, input, [{ at: T - 5 * MINUTE, byHandoff: true }]);
		assert.equal(byHandoff.outcome, 'started');
		assert.equal(byHandoff.timer.status, 'contacted');
		assert.equal(byHandoff.timer.firstTouchClockMinutes, 0, 'a touch stamped before the hand-off took no time');
		assert.equal(byHandoff.timer.metSla, true);
		assert.match(byHandoff.message, /closed at once by a contact received before the start/);

		const byLead = startTimer(policy, input, [{ at: T + 7 * MINUTE, byHandoff: false }, { at: T + 3 * MINUTE, byHandoff: false }]);
		assert.equal(byLead.timer.contactedAt, T + 3 * MINUTE, 'the earliest kept contact counts');

		const older = startTimer(policy, input, [{ at: T - 3 * 24 * 60 * MINUTE, byHandoff: false }]);
		assert.equal(older.timer.status, 'open', "a lead's contact from before this hand-off belongs to an earlier one");
	});

	it('accepting meets an acknowledge SLA and closes it; for a contact SLA it is recorded and the clock runs on', () => {
		const mql = policyOf(MQL);
		const ack = acceptTimer(mql, started(mql, T, { tier: 'MQL' }), T + 60 * MINUTE);
		assert.equal(ack.timer.status, 'accepted');
		assert.equal(ack.timer.metSla, true);
		assert.equal(ack.timer.firstTouchClockMinutes, 60);
		assert.equal(acceptTimer(mql, ack.timer, T + 90 * MINUTE).outcome, 'alreadyAccepted');
		const contactAfter = contactTimer(mql, ack.timer, T + 120 * MINUTE);
		assert.equal(contactAfter.timer.status, 'accepted', 'the acceptance met the SLA; the contact is recorded');
		assert.equal(contactAfter.timer.contactedAt, T + 120 * MINUTE);
		assert.equal(contactAfter.timer.firstTouchClockMinutes, 60);

		const hot = acceptTimer(policy, started(), T + 5 * MINUTE);
		assert.equal(hot.timer.status, 'open');
		assert.equal(hot.timer.acceptedAt, T + 5 * MINUTE);
		assert.deepEqual(nextStage(hot.timer), nextStage(started()), 'escalation goes on until the first contact');
	});

	it('cancelling stops the escalation; a closed timer cannot be cancelled, contacted or reassigned again', () => {
		const cancelled = cancelTimer(policy, started(), T + MINUTE, 'duplicate lead merged');
		assert.equal(cancelled.timer.status, 'cancelled');
		assert.equal(cancelled.timer.closeReason, 'duplicate lead merged');
		assert.deepEqual(advanceTimer(cancelled.timer, T + 10 * 60 * MINUTE).due, []);
		for (const change of [
			cancelTimer(policy, cancelled.timer, T + 2 * MINUTE),
			contactTimer(policy, cancelled.timer, T + 2 * MINUTE),
			acceptTimer(policy, cancelled.timer, T + 2 * MINUTE),
			reassignTimer(policy, cancelled.timer, { at: T + 2 * MINUTE, ownerId: '102' }),
		]) {
			assert.equal(change.changed, false);
			assert.equal(change.outcome, 'alreadyClosed');
			assert.match(change.message, /Already cancelled at 2026-03-10 10:01/);
		}
	});

	it('a reassignment opens a new window for the new owner with the last alert ahead; a lapsed SLA stays missed', () => {
		const first = advanceTimer(started(), local('2026-03-10T12:00')).timer;
		assert.deepEqual(first.fired, ['reminder', 'manager', 'reassign']);
		const moved = reassignTimer(policy, first, { at: local('2026-03-10T12:01'), ownerId: '102', fromOwner: '101', owner: { name: 'Ben Okafor' } });
		assert.equal(moved.outcome, 'reassigned');
		assert.equal(moved.timer.status, 'reassigned');
		assert.equal(moved.timer.ownerId, '102');
		assert.deepEqual(moved.timer.previousOwners, ['101']);
		assert.equal(moved.timer.lapsed, true);
		assert.equal(wall(moved.timer.dueAt), 'Tue 2026-03-10 13:01');
		assert.deepEqual(scheduleOf(moved.timer), { lastAlert: 'Tue 2026-03-10 13:01' });
		assert.deepEqual(moved.timer.details.owner, { name: 'Ben Okafor' });

		const quick = contactTimer(policy, moved.timer, local('2026-03-10T12:10')).timer;
		assert.equal(quick.metSla, false, 'the first owner missed it');
		assert.equal(quick.firstTouchClockMinutes, 130, 'time to first touch counts from the hand-off');

		const again = reassignTimer(policy, moved.timer, { at: local('2026-03-10T12:02'), ownerId: '103', fromOwner: '101' });
		assert.equal(again.outcome, 'ownerChanged', 'a redelivered reassignment changes nothing');
		assert.equal(reassignTimer(policy, moved.timer, { at: local('2026-03-10T12:02'), ownerId: '102' }).outcome, 'sameOwner');
	});

	it('a reassignment before the due time (rep off sick) keeps the SLA winnable; the last alert fires once per timer', () => {
		const early = reassignTimer(policy, started(), { at: T + 10 * MINUTE, ownerId: '102' }).timer;
		assert.equal(early.lapsed, false);
		assert.equal(contactTimer(policy, early, T + 50 * MINUTE).timer.metSla, true);
		assert.deepEqual(early.schedule.map((s) => s.stage), ['lastAlert'], "the first window's stages concern the first owner");

		const alerted = advanceTimer(early, T + 80 * MINUTE).timer;
		assert.deepEqual(alerted.fired, ['lastAlert']);
		const third = reassignTimer(policy, alerted, { at: T + 90 * MINUTE, ownerId: '103' }).timer;
		assert.deepEqual(third.schedule, [], 'the last alert has fired for this hand-off');
	});

	it('a poll fires every stage due by then, once, in order; a stage missed while nothing polled fires late', () => {
		const timer = started();
		const atReminder = advanceTimer(timer, local('2026-03-10T10:30'));
		assert.deepEqual(atReminder.due.map((d) => d.stage), ['reminder']);
		assert.deepEqual(advanceTimer(atReminder.timer, local('2026-03-10T10:45')).due, []);
		const afterDowntime = advanceTimer(atReminder.timer, local('2026-03-10T12:30'));
		assert.deepEqual(afterDowntime.due, [
			{ stage: 'manager', dueAt: local('2026-03-10T11:00') },
			{ stage: 'reassign', dueAt: local('2026-03-10T12:00') },
		]);
		assert.deepEqual(advanceTimer(afterDowntime.timer, local('2026-03-11T12:30')).due, []);
	});

	it('reassignment through the routing passes over the rep who let the SLA lapse, with why', () => {
		const router = compileRouter(
			{
				calendar: { zone: BERLIN, hours: { start: '09:00', end: '18:00' } },
				assignment: {
					teams: [
						{ id: 'emea', members: ['101', '102', '103'] },
						{ id: 'lean', members: ['101', '102', '103'], strategy: 'leastOpen' },
					],
					rules: [{ name: 'Lean', team: 'lean', industry: ['Software'] }],
					namedAccounts: [{ domain: 'initech.com', owner: '101' }],
					roster: [{ id: '101', name: 'Ana Ruiz' }, { id: '102' }, { id: '103' }],
					fallback: { queue: 'Escalations' },
				},
			},
			{ zone: BERLIN },
		);
		const lapsed = advanceTimer(started(), local('2026-03-10T12:00')).timer;
		const now = local('2026-03-10T12:00');
		// Round-robin: the counter points at 101, the late rep; the lead goes to the next one.
		const rr = routeReassignment(router, policy, { email: 'dana@globex.com' }, lapsed, now, { counters: { emea: 0 } });
		assert.equal(rr.ownerId, '102');
		assert.deepEqual(rr.skipped, [{ repId: '101', reason: 'let the SLA lapse (due 11:00, 1 h overdue)' }]);
		// Least open: 101 has the fewest open hand-offs but let this one lapse.
		const loads = { '101': { open: 0 }, '102': { open: 4 }, '103': { open: 2 } };
		assert.equal(routeReassignment(router, policy, { email: 'dana@globex.com', industry: 'Software' }, lapsed, now, { loads }).ownerId, '103');
		// A named account's owner who let it lapse: the lead goes to the fallback.
		const named = routeReassignment(router, policy, { email: 'bill@initech.com' }, lapsed, now);
		assert.equal(named.queue, 'Escalations');
		assert.equal(named.ownerId, undefined);
		// Without a reassignment, the same routing would have picked the late rep.
		assert.equal(router.assign({ email: 'dana@globex.com' }, now, { counters: { emea: 0 } }).ownerId, '101');
	});
});
