/**
 * The poller's promise, for any timers and any polls: each (timer, stage) is emitted at most once,
 * never before it is due, and every stage due by the last poll has been emitted exactly once. The
 * timers go through JSON between polls, as they do through the store (a restart is a poll that
 * starts from what was stored).
 */
import assert from 'node:assert/strict';

import fc from 'fast-check';

import type { CalendarSpec } from '../../../nodes/engine/calendar';
import { advanceTimer, compilePolicy, makePolicy, reassignTimer, startTimer, type Ladder, type SlaTimer, type StageAt } from '../../../nodes/engine/sla';
import { BERLIN, local, MINUTE, NEW_YORK, nineToSix } from './helpers';

const DAY = 24 * 60 * MINUTE;
const T0 = local('2026-03-02T00:00'); // a Monday; the month after it holds the spring DST change of both zones

const calendars: Array<CalendarSpec & { zone: string }> = [
	nineToSix(BERLIN),
	nineToSix(NEW_YORK, { holidays: ['2026-03-09', '2026-03-20'], byDay: { fri: [{ start: '09:00', end: '12:00' }, { start: '13:00', end: '15:00' }] } }),
	{ zone: NEW_YORK, workingDays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], hours: { start: '00:00', end: '24:00' } },
];

const stageAt: fc.Arbitrary<StageAt> = fc.oneof(
	fc.constant('off' as const),
	fc.integer({ min: 1, max: 400 }).map((percent) => ({ percent })),
	fc.integer({ min: 0, max: 3000 }).map((minutes) => ({ minutes })),
);
const ladder: fc.Arbitrary<Ladder> = fc.record({ reminder: stageAt, manager: stageAt, reassign: stageAt, lastAlert: stageAt });

const timerSpec = fc.record({
	calendar: fc.integer({ min: 0, max: calendars.length - 1 }),
	minutes: fc.integer({ min: 5, max: 3 * 24 * 60 }),
	basis: fc.constantFrom('business' as const, 'calendar' as const),
	ladder,
	startOffset: fc.integer({ min: 0, max: 14 * DAY }),
});

const polls = fc.array(fc.integer({ min: 0, max: 30 * DAY }), { minLength: 1, maxLength: 25 }).map((offsets) => [...new Set(offsets)].sort((a, b) => a - b).map((o) => T0 + o));

describe('polling SLA timers', () => {
	it('emits each (timer, stage) at most once, never early, and every stage due by the last poll exactly once', () => {
		fc.assert(
			fc.property(fc.array(timerSpec, { minLength: 1, maxLength: 4 }), polls, fc.boolean(), (specs, times, reassignOnStage) => {
				const policies = specs.map((spec) => compilePolicy(makePolicy({ minutes: spec.minutes, basis: spec.basis }, calendars[spec.calendar], spec.ladder)));
				let timers: SlaTimer[] = specs.map(
					(spec, i) => startTimer(policies[i], { scope: 's', handoffKey: `h${i}`, leadKey: `l${i}`, ownerId: 'r1', tier: 'Hot', startedAt: T0 + spec.startOffset }).timer,
				);
				const emitted = new Set<string>();
				for (const now of times) {
					timers = timers.map((stored, i) => {
						const timer = JSON.parse(JSON.stringify(stored)) as SlaTimer;
						const { due, timer: after } = advanceTimer(timer, now);
						for (const stage of due) {
							const id = `${timer.handoffKey}/${stage.stage}`;
							assert.ok(!emitted.has(id), `${id} emitted twice`);
							assert.ok(stage.dueAt <= now, `${id} emitted before it was due`);
							emitted.add(id);
						}
						// The trigger reassigns when the reassignment stage fires, which opens the last alert's window.
						if (reassignOnStage && due.some((d) => d.stage === 'reassign')) return reassignTimer(policies[i], after, { at: now, ownerId: 'r2', fromOwner: 'r1' }).timer;
						return after;
					});
				}
				const last = times[times.length - 1];
				for (const timer of timers) {
					const left = timer.schedule.filter((s) => s.dueAt <= last);
					assert.deepEqual(left, [], `${timer.handoffKey}: stages due by the last poll were not emitted`);
					assert.equal(new Set(timer.fired).size, timer.fired.length);
					assert.deepEqual(
						[...emitted].filter((id) => id.startsWith(`${timer.handoffKey}/`)).sort(),
						timer.fired.map((stage) => `${timer.handoffKey}/${stage}`).sort(),
					);
				}
			}),
			{ numRuns: 150 },
		);
	});

	it('reading several stages of a window at once gives the times each reading alone gives', () => {
		fc.assert(
			fc.property(timerSpec, fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 5 }), (spec, minutes) => {
				const { clock } = compilePolicy(makePolicy({ minutes: spec.minutes, basis: spec.basis }, calendars[spec.calendar], spec.ladder));
				const start = T0 + spec.startOffset;
				assert.deepEqual(clock.readsAll(start, minutes), minutes.map((m) => clock.reads(start, m)));
			}),
			{ numRuns: 150 },
		);
	});

	it('the manager stage at 100 % is the due time, and no stage of a percentage ladder fires before an earlier percentage', () => {
		fc.assert(
			fc.property(timerSpec, fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 400 }), (spec, p1, p2) => {
				const [low, high] = p1 <= p2 ? [p1, p2] : [p2, p1];
				const policy = compilePolicy(
					makePolicy({ minutes: spec.minutes, basis: spec.basis }, calendars[spec.calendar], { reminder: { percent: low }, manager: { percent: 100 }, reassign: { percent: high }, lastAlert: 'off' }),
				);
				const timer = startTimer(policy, { scope: 's', handoffKey: 'h', leadKey: 'l', tier: 'Hot', startedAt: T0 + spec.startOffset }).timer;
				const at = Object.fromEntries(timer.schedule.map((s) => [s.stage, s.dueAt]));
				assert.equal(at.manager, timer.dueAt);
				assert.ok(at.reminder <= at.reassign);
				assert.ok(at.reminder >= timer.startedAt);
			}),
			{ numRuns: 150 },
		);
	});
});
