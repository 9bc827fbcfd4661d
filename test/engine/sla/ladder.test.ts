import assert from 'node:assert/strict';

import { ProtocolError } from '../../../nodes/engine/common/errors';
import { advanceTimer, compileEscalation, compilePolicy, DEFAULT_LADDER, makePolicy, policyKey } from '../../../nodes/engine/sla';
import { BERLIN, HOT, HOUR, local, MQL, nineToSix, NEW_YORK, policyOf, scheduleOf, started, wall, WARM } from './helpers';

describe('the escalation ladder', () => {
	it('by default reminds the owner at half the SLA, tells the manager at the due time and reassigns at twice it', () => {
		const timer = started(policyOf(HOT), local('2026-03-10T10:00'));
		assert.deepEqual(scheduleOf(timer), { reminder: 'Tue 2026-03-10 10:30', manager: 'Tue 2026-03-10 11:00', reassign: 'Tue 2026-03-10 12:00' });
		assert.equal(wall(timer.dueAt), 'Tue 2026-03-10 11:00', 'the manager stage is the due time');
	});

	it('a tier changes some stages: minutes or percentages, any stage off, the rest from the shared ladder', () => {
		const escalation = compileEscalation({
			ladder: { reassign: { percent: 300 } },
			tiers: { Hot: { reminder: { minutes: 15 }, manager: 'off' }, MQL: { reassign: 'off', lastAlert: 'off' } },
		});
		assert.deepEqual(escalation.ladderFor('Hot'), { reminder: { minutes: 15 }, manager: 'off', reassign: { percent: 300 }, lastAlert: { percent: 100 } });
		assert.deepEqual(escalation.ladderFor('hot'), escalation.ladderFor('Hot'), 'a tier name matches regardless of case');
		assert.deepEqual(escalation.ladderFor('Warm'), { ...DEFAULT_LADDER, reassign: { percent: 300 } }, 'a tier without changes gets the shared ladder');
		const timer = started(policyOf(HOT, nineToSix(), escalation.ladderFor('Hot')), local('2026-03-10T10:00'));
		assert.deepEqual(scheduleOf(timer), { reminder: 'Tue 2026-03-10 10:15', reassign: 'Tue 2026-03-10 13:00' });
	});

	it('fires stages in time order whatever the ladder order: a 90-minute reminder comes after a 1-hour SLA', () => {
		const timer = started(policyOf(HOT, nineToSix(), { ...DEFAULT_LADDER, reminder: { minutes: 90 } }), local('2026-03-10T10:00'));
		assert.deepEqual(
			timer.schedule.map((s) => s.stage),
			['manager', 'reminder', 'reassign'],
		);
	});

	it('stages count working time only: a timer started Friday evening does not breach over the weekend', () => {
		const timer = started(policyOf(HOT), local('2026-03-13T19:00'));
		assert.deepEqual(scheduleOf(timer), { reminder: 'Mon 2026-03-16 09:30', manager: 'Mon 2026-03-16 10:00', reassign: 'Mon 2026-03-16 11:00' });
		for (const poll of ['2026-03-13T23:59', '2026-03-14T12:00', '2026-03-15T23:59', '2026-03-16T09:29']) {
			assert.deepEqual(advanceTimer(timer, local(poll)).due, [], `nothing fires at ${poll}`);
		}
		assert.deepEqual(advanceTimer(timer, local('2026-03-16T09:30')).due.map((d) => d.stage), ['reminder']);
	});

	it('a stage can fall at Friday closing time; the next ones wait for Monday', () => {
		const timer = started(policyOf(HOT), local('2026-03-13T17:30'));
		assert.deepEqual(scheduleOf(timer), { reminder: 'Fri 2026-03-13 18:00', manager: 'Mon 2026-03-16 09:30', reassign: 'Mon 2026-03-16 10:30' });
	});

	it('a holiday is skipped like a weekend day', () => {
		const timer = started(policyOf(HOT, nineToSix(BERLIN, { holidays: ['2026-03-16'] })), local('2026-03-13T19:00'));
		assert.deepEqual(scheduleOf(timer), { reminder: 'Tue 2026-03-17 09:30', manager: 'Tue 2026-03-17 10:00', reassign: 'Tue 2026-03-17 11:00' });
		const yearly = started(policyOf(HOT, nineToSix(BERLIN, { holidays: ['12-25', '12-26'] })), local('2026-12-24T17:45'));
		assert.deepEqual(scheduleOf(yearly), { reminder: 'Mon 2026-12-28 09:15', manager: 'Mon 2026-12-28 09:45', reassign: 'Mon 2026-12-28 10:45' });
	});

	it('clock-time SLAs run through nights and weekends and keep real hours across a DST change', () => {
		// Berlin moves from 02:00 to 03:00 on Sunday 29 March 2026: 24 hours after Saturday noon is Sunday 13:00.
		const timer = started(policyOf(WARM), local('2026-03-28T12:00'), { tier: 'Warm' });
		assert.deepEqual(scheduleOf(timer), { reminder: 'Sun 2026-03-29 00:00', manager: 'Sun 2026-03-29 13:00', reassign: 'Mon 2026-03-30 13:00' });
		assert.equal(timer.schedule[1].dueAt - timer.startedAt, 24 * HOUR);
	});

	it('business-time stages across a DST night count the hours that exist', () => {
		// New York skips 02:00-03:00 on Sunday 8 March 2026; the calendar works round the clock.
		const calendar = { zone: NEW_YORK, workingDays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as Array<'mon'>, hours: { start: '00:00', end: '24:00' } };
		const timer = started(policyOf({ hours: 4, basis: 'business' }, calendar), local('2026-03-08T00:00', NEW_YORK));
		assert.deepEqual(scheduleOf(timer, NEW_YORK), { reminder: 'Sun 2026-03-08 03:00', manager: 'Sun 2026-03-08 05:00', reassign: 'Sun 2026-03-08 09:00' });
	});

	it('an acknowledge SLA escalates the same way', () => {
		const timer = started(policyOf(MQL), local('2026-03-10T10:00'), { tier: 'MQL' });
		assert.deepEqual(scheduleOf(timer), { reminder: 'Wed 2026-03-11 10:00', manager: 'Thu 2026-03-12 10:00', reassign: 'Sat 2026-03-14 10:00' });
	});

	it('rejects a wrong ladder with the JSON path of the mistake', () => {
		const wrong = (input: unknown, path: string) =>
			assert.throws(
				() => compileEscalation(input),
				(error: unknown) => error instanceof ProtocolError && error.message.includes(path),
				`expected an error naming ${path}`,
			);
		wrong({ tiers: { Hot: { reminder: { percent: 0 } } } }, '/tiers/Hot/reminder');
		wrong({ tiers: { Hot: { reminder: { percent: 50, minutes: 10 } } } }, '/tiers/Hot/reminder');
		wrong({ ladder: { remind: { percent: 50 } } }, 'unknown property "remind"');
		wrong({ ladder: { manager: 'never' } }, '/ladder/manager');
		wrong({ tiers: { Hot: {}, ' hot ': {} } }, 'the tier " hot " is given twice');
	});

	it('equal policies share one key whatever the key order; any difference gives another', () => {
		const a = makePolicy(HOT, nineToSix(), DEFAULT_LADDER);
		const b = makePolicy({ basis: 'business', hours: 1, action: 'contact' }, { keepSlaInOnePeriod: false, hours: { end: '18:00', start: '09:00' }, zone: BERLIN }, { lastAlert: { percent: 100 }, reassign: { percent: 200 }, manager: { percent: 100 }, reminder: { percent: 50 } });
		assert.equal(policyKey(a), policyKey(b));
		assert.notEqual(policyKey(a), policyKey(makePolicy(HOT, nineToSix(NEW_YORK), DEFAULT_LADDER)));
		assert.notEqual(policyKey(a), policyKey(makePolicy(HOT, nineToSix(), { ...DEFAULT_LADDER, reminder: 'off' })));
		assert.equal(compilePolicy(JSON.parse(JSON.stringify(a))).key, policyKey(a), 'a policy read back from the store compiles to the same key');
	});

	it('a policy read back from the store is checked: a calendar without a zone is refused', () => {
		assert.throws(() => compilePolicy({ sla: { minutes: 60, basis: 'business', action: 'contact' }, calendar: {}, ladder: DEFAULT_LADDER }), /\/calendar\/zone/);
		assert.throws(() => compilePolicy({ sla: { minutes: 0, basis: 'business', action: 'contact' }, calendar: { zone: BERLIN }, ladder: DEFAULT_LADDER }), /\/sla\/minutes/);
		assert.throws(() => makePolicy({ basis: 'business' }, nineToSix(), DEFAULT_LADDER), /longer than zero minutes/);
	});
});
