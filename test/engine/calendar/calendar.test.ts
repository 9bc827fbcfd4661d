import assert from 'node:assert/strict';

import { DateTime } from 'luxon';

import { ProtocolError } from '../../../nodes/engine/common/errors';
import {
	addBusinessTime,
	businessTimeBetween,
	compileCalendar,
	dueTime,
	elapsedTime,
	isWithinHours,
	nextOpening,
	slaClockStart,
	slaDueTime,
	slaElapsed,
	timeWhenElapsed,
	whenSlaClockReads,
	type CalendarSpec,
} from '../../../nodes/engine/calendar';

const BERLIN = 'Europe/Berlin';
const NEW_YORK = 'America/New_York';

/** Epoch ms of a local wall-clock time in a zone. */
const local = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).toMillis();
/** How a time reads on a wall clock in `zone`, weekday included, so failures are readable. */
const wall = (ms: number, zone: string) => DateTime.fromMillis(ms, { zone }).toFormat('ccc yyyy-MM-dd HH:mm');
const utc = (ms: number) => new Date(ms).toISOString();

const nineToSix = (zone: string, extra: Partial<CalendarSpec> = {}) =>
	compileCalendar({ zone, hours: { start: '09:00', end: '18:00' }, ...extra });
const allWeek = (zone: string) =>
	compileCalendar({ zone, workingDays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], hours: { start: '00:00', end: '24:00' } });

describe('addBusinessTime', () => {
	it('counts every working minute: Friday 17:30 + 1 business hour in a 9-18 calendar is Monday 09:30', () => {
		const friday1730 = local('2026-03-13T17:30', BERLIN);
		assert.equal(wall(addBusinessTime(friday1730, 60, nineToSix(BERLIN)), BERLIN), 'Mon 2026-03-16 09:30');
		// 10 hours: 30 minutes on Friday, 9 hours on Monday, 30 minutes on Tuesday.
		assert.equal(wall(addBusinessTime(friday1730, 600, nineToSix(BERLIN)), BERLIN), 'Tue 2026-03-17 09:30');
		// Plain arithmetic: the SLA option does not change it.
		assert.equal(wall(addBusinessTime(friday1730, 60, nineToSix(BERLIN, { keepSlaInOnePeriod: true })), BERLIN), 'Mon 2026-03-16 09:30');
	});

	it('stays on the same day when the hours allow it, and may end exactly at closing time', () => {
		const calendar = nineToSix(BERLIN);
		assert.equal(wall(addBusinessTime(local('2026-03-10T10:15', BERLIN), 30, calendar), BERLIN), 'Tue 2026-03-10 10:45');
		assert.equal(wall(addBusinessTime(local('2026-03-10T17:00', BERLIN), 60, calendar), BERLIN), 'Tue 2026-03-10 18:00');
	});

	it('starts counting at opening time for a lead arriving before hours, at night or at the weekend', () => {
		const calendar = nineToSix(BERLIN);
		assert.equal(wall(addBusinessTime(local('2026-03-10T07:00', BERLIN), 60, calendar), BERLIN), 'Tue 2026-03-10 10:00');
		assert.equal(wall(addBusinessTime(local('2026-03-10T23:59', BERLIN), 60, calendar), BERLIN), 'Wed 2026-03-11 10:00');
		assert.equal(wall(addBusinessTime(local('2026-03-14T11:00', BERLIN), 90, calendar), BERLIN), 'Mon 2026-03-16 10:30');
	});

	it('carries a long SLA over several working days (2 x 9 hours + 1 hour)', () => {
		const due = addBusinessTime(local('2026-03-12T09:00', BERLIN), 19 * 60, nineToSix(BERLIN));
		assert.equal(wall(due, BERLIN), 'Mon 2026-03-16 10:00');
	});

	it('skips holidays, dated or yearly', () => {
		const easter = nineToSix(BERLIN, { holidays: ['2026-04-06'] });
		assert.equal(wall(addBusinessTime(local('2026-04-03T17:30', BERLIN), 60, easter), BERLIN), 'Tue 2026-04-07 09:30');
		const christmas = nineToSix(BERLIN, { holidays: ['12-24', '12-25', '12-26'] });
		// 2025-12-23 is a Tuesday; the 24th-26th are closed in every year.
		assert.equal(wall(addBusinessTime(local('2025-12-23T18:00', BERLIN), 120, christmas), BERLIN), 'Mon 2025-12-29 11:00');
		assert.equal(wall(addBusinessTime(local('2027-12-23T18:00', BERLIN), 120, christmas), BERLIN), 'Mon 2027-12-27 11:00');
	});

	it('uses per-weekday hours and split days', () => {
		const shortFriday = nineToSix(BERLIN, { byDay: { fri: [{ start: '09:00', end: '13:00' }] } });
		assert.equal(wall(addBusinessTime(local('2026-03-13T12:00', BERLIN), 60, shortFriday), BERLIN), 'Fri 2026-03-13 13:00');
		assert.equal(wall(addBusinessTime(local('2026-03-13T13:00', BERLIN), 60, shortFriday), BERLIN), 'Mon 2026-03-16 10:00');
		const lunch = compileCalendar({ zone: BERLIN, hours: [{ start: '13:00', end: '17:00' }, { start: '09:00', end: '12:00' }] });
		assert.equal(wall(addBusinessTime(local('2026-03-10T11:30', BERLIN), 60, lunch), BERLIN), 'Tue 2026-03-10 13:30');
		const saturdayMorning = nineToSix(BERLIN, { byDay: { sat: [{ start: '10:00', end: '12:00' }] } });
		assert.equal(wall(addBusinessTime(local('2026-03-13T17:30', BERLIN), 60, saturdayMorning), BERLIN), 'Sat 2026-03-14 10:30');
	});

	it('gives the next opening for a zero duration', () => {
		const calendar = nineToSix(BERLIN);
		assert.equal(wall(addBusinessTime(local('2026-03-14T11:00', BERLIN), 0, calendar), BERLIN), 'Mon 2026-03-16 09:00');
	});

	it('refuses a negative duration', () => {
		assert.throws(() => addBusinessTime(0, -5, nineToSix(BERLIN)), RangeError);
	});

	it('reports a calendar that never opens (every date a holiday) instead of looping', () => {
		const everyFriday = compileCalendar({ zone: BERLIN, workingDays: ['fri'], holidays: ['2026-03-13'] });
		// Only one Friday is closed: the next one is found.
		assert.equal(wall(addBusinessTime(local('2026-03-13T10:00', BERLIN), 60, everyFriday), BERLIN), 'Fri 2026-03-20 10:00');
		// Every date of a leap year, as yearly holidays.
		const holidays = Array.from({ length: 366 }, (_, d) => DateTime.fromISO('2024-01-01').plus({ days: d }).toFormat('MM-dd'));
		const closed = compileCalendar({ zone: BERLIN, holidays });
		assert.throws(() => addBusinessTime(local('2026-03-13T10:00', BERLIN), 60, closed), /no working time/);
	});
});

describe('SLA due times and the SLA clock', () => {
	const friday1730 = local('2026-03-13T17:30', BERLIN);
	const onePeriod = nineToSix(BERLIN, { keepSlaInOnePeriod: true });
	const business = (minutes: number) => ({ minutes, basis: 'business' as const });

	it('by default, a 1-hour SLA from Friday 17:30 is due Monday 09:30 and its clock reads 30 minutes at Friday closing', () => {
		const calendar = nineToSix(BERLIN);
		assert.equal(wall(dueTime(friday1730, business(60), calendar), BERLIN), 'Mon 2026-03-16 09:30');
		assert.equal(slaElapsed(friday1730, local('2026-03-13T18:00', BERLIN), 60, calendar), 30 * 60_000);
		assert.equal(slaElapsed(friday1730, local('2026-03-16T09:30', BERLIN), 60, calendar), 60 * 60_000);
		// Escalations at 50 % and 200 %: Friday's closing time, and Monday 10:30.
		assert.equal(wall(whenSlaClockReads(friday1730, 60, 30, calendar), BERLIN), 'Fri 2026-03-13 18:00');
		assert.equal(wall(whenSlaClockReads(friday1730, 60, 120, calendar), BERLIN), 'Mon 2026-03-16 10:30');
	});

	it('keepSlaInOnePeriod: an SLA longer than the rest of the period starts at the next opening, whatever its length', () => {
		assert.equal(wall(slaClockStart(friday1730, 60, onePeriod), BERLIN), 'Mon 2026-03-16 09:00');
		assert.equal(wall(slaDueTime(friday1730, 60, onePeriod), BERLIN), 'Mon 2026-03-16 10:00');
		// 10 hours never fit in a 9-hour day: Monday, then one hour on Tuesday.
		assert.equal(wall(slaDueTime(friday1730, 600, onePeriod), BERLIN), 'Tue 2026-03-17 10:00');
		// An SLA that fits what is left of the day is counted from arrival.
		assert.equal(wall(slaDueTime(local('2026-03-13T16:30', BERLIN), 60, onePeriod), BERLIN), 'Fri 2026-03-13 17:30');
		// Nothing of a period is used yet before it opens, or at its opening: nothing is skipped.
		assert.equal(wall(slaDueTime(local('2026-03-14T11:00', BERLIN), 60, onePeriod), BERLIN), 'Mon 2026-03-16 10:00');
		assert.equal(wall(slaDueTime(local('2026-03-16T09:00', BERLIN), 600, onePeriod), BERLIN), 'Tue 2026-03-17 10:00');
	});

	it('keepSlaInOnePeriod: the clock that escalations read starts where the due time is counted from', () => {
		// At Friday closing, nothing of the SLA is used; at the due time, all of it.
		assert.equal(slaElapsed(friday1730, local('2026-03-13T18:00', BERLIN), 60, onePeriod), 0);
		assert.equal(slaElapsed(friday1730, local('2026-03-16T10:00', BERLIN), 60, onePeriod), 60 * 60_000);
		assert.equal(wall(whenSlaClockReads(friday1730, 60, 30, onePeriod), BERLIN), 'Mon 2026-03-16 09:30');
		assert.equal(wall(whenSlaClockReads(friday1730, 60, 120, onePeriod), BERLIN), 'Mon 2026-03-16 11:00');
	});

	it('keepSlaInOnePeriod: a longer SLA is never due earlier, whatever the length of the next period', () => {
		// Split day, 1 hour left of the morning: 300 and 301 minutes both start at 13:00.
		const lunch = compileCalendar({ zone: BERLIN, hours: [{ start: '09:00', end: '12:00' }, { start: '13:00', end: '18:00' }], keepSlaInOnePeriod: true });
		const tuesday11 = local('2026-03-10T11:00', BERLIN);
		assert.equal(wall(slaDueTime(tuesday11, 60, lunch), BERLIN), 'Tue 2026-03-10 12:00');
		assert.equal(wall(slaDueTime(tuesday11, 61, lunch), BERLIN), 'Tue 2026-03-10 14:01');
		assert.equal(wall(slaDueTime(tuesday11, 300, lunch), BERLIN), 'Tue 2026-03-10 18:00');
		assert.equal(wall(slaDueTime(tuesday11, 301, lunch), BERLIN), 'Wed 2026-03-11 09:01');
	});

	it('a round-the-clock calendar has one period: the option changes nothing', () => {
		const allDays = compileCalendar({ zone: BERLIN, workingDays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], hours: { start: '00:00', end: '24:00' }, keepSlaInOnePeriod: true });
		assert.equal(wall(slaDueTime(friday1730, 3 * 24 * 60, allDays), BERLIN), 'Mon 2026-03-16 17:30');
	});

	it('the Sla helpers pick the clock by basis: business time or clock time', () => {
		const now = local('2026-03-16T09:15', BERLIN);
		assert.equal(elapsedTime(friday1730, now, business(60), onePeriod), 15 * 60_000);
		assert.equal(elapsedTime(friday1730, now, { hours: 1, basis: 'calendar' }, onePeriod), now - friday1730);
		assert.equal(wall(timeWhenElapsed(friday1730, { hours: 1, basis: 'calendar' }, 90, onePeriod), BERLIN), 'Fri 2026-03-13 19:00');
		assert.equal(timeWhenElapsed(friday1730, business(60), 60, onePeriod), dueTime(friday1730, business(60), onePeriod));
	});

	it('refuses a negative SLA', () => {
		assert.throws(() => slaClockStart(0, -1, onePeriod), RangeError);
	});
});

describe('daylight-saving changes', () => {
	it('Europe/Berlin, last Sunday of March: a due time across the change keeps local opening hours', () => {
		// Friday in CET (UTC+1), Monday in CEST (UTC+2).
		const due = addBusinessTime(local('2026-03-27T17:00', BERLIN), 120, nineToSix(BERLIN));
		assert.equal(wall(due, BERLIN), 'Mon 2026-03-30 10:00');
		assert.equal(utc(due), '2026-03-30T08:00:00.000Z');
		const saturday = addBusinessTime(local('2026-03-28T10:00', BERLIN), 60, nineToSix(BERLIN));
		assert.equal(utc(saturday), '2026-03-30T08:00:00.000Z');
	});

	it('Europe/Berlin, last Sunday of October: the same, from CEST back to CET', () => {
		const due = addBusinessTime(local('2026-10-23T17:00', BERLIN), 120, nineToSix(BERLIN));
		assert.equal(utc(due), '2026-10-26T09:00:00.000Z');
		assert.equal(wall(due, BERLIN), 'Mon 2026-10-26 10:00');
	});

	it('America/New_York, second Sunday of March and first Sunday of November', () => {
		const calendar = compileCalendar({ zone: NEW_YORK, hours: { start: '09:00', end: '17:00' } });
		const spring = addBusinessTime(local('2026-03-06T17:30', NEW_YORK), 30, calendar);
		assert.equal(wall(spring, NEW_YORK), 'Mon 2026-03-09 09:30');
		assert.equal(utc(spring), '2026-03-09T13:30:00.000Z');
		const autumn = addBusinessTime(local('2026-10-31T11:00', NEW_YORK), 30, calendar);
		assert.equal(wall(autumn, NEW_YORK), 'Mon 2026-11-02 09:30');
		assert.equal(utc(autumn), '2026-11-02T14:30:00.000Z');
	});

	it('a round-the-clock calendar counts the real hours of a 23-hour and a 25-hour day', () => {
		const berlin = allWeek(BERLIN);
		// 24 working hours from Saturday noon end at 13:00 on Sunday, which had only 23 hours.
		assert.equal(wall(addBusinessTime(local('2026-03-28T12:00', BERLIN), 24 * 60, berlin), BERLIN), 'Sun 2026-03-29 13:00');
		assert.equal(wall(addBusinessTime(local('2026-10-24T12:00', BERLIN), 24 * 60, berlin), BERLIN), 'Sun 2026-10-25 11:00');
		const newYork = allWeek(NEW_YORK);
		assert.equal(wall(addBusinessTime(local('2026-03-07T12:00', NEW_YORK), 24 * 60, newYork), NEW_YORK), 'Sun 2026-03-08 13:00');
		assert.equal(businessTimeBetween(local('2026-11-01T00:00', NEW_YORK), local('2026-11-02T00:00', NEW_YORK), newYork), 25 * 3_600_000);
	});

	it('America/Santiago, where the clocks skip midnight: the 23-hour Sunday is counted once', () => {
		const SANTIAGO = 'America/Santiago';
		const santiago = allWeek(SANTIAGO);
		// 2026-09-06 begins at 01:00: Saturday 24 h, Sunday 23 h, Monday 24 h.
		assert.equal(businessTimeBetween(local('2026-09-05T00:00', SANTIAGO), local('2026-09-08T00:00', SANTIAGO), santiago), 71 * 3_600_000);
		assert.equal(wall(addBusinessTime(local('2026-09-05T00:00', SANTIAGO), 71 * 60, santiago), SANTIAGO), 'Tue 2026-09-08 00:00');
		const midnightToFive = compileCalendar({ zone: SANTIAGO, workingDays: ['sun', 'mon'], hours: { start: '00:00', end: '17:00' } });
		assert.equal(wall(addBusinessTime(local('2026-09-06T16:00', SANTIAGO), 120, midnightToFive), SANTIAGO), 'Mon 2026-09-07 01:00');
	});

	it('calendar-hour SLAs are clock time: 24 hours are 24 hours, across a night, a weekend and a DST change', () => {
		const calendar = nineToSix(BERLIN);
		const start = local('2026-03-28T12:00', BERLIN);
		const due = dueTime(start, { hours: 24, basis: 'calendar' }, calendar);
		assert.equal(due - start, 24 * 3_600_000);
		assert.equal(wall(due, BERLIN), 'Sun 2026-03-29 13:00');
		assert.equal(wall(dueTime(start, { hours: 1, basis: 'business' }, calendar), BERLIN), 'Mon 2026-03-30 10:00');
	});
});

describe('isWithinHours and nextOpening', () => {
	const calendar = nineToSix(BERLIN, { holidays: ['2026-03-17'] });

	it('includes opening time, excludes closing time, weekends and holidays', () => {
		assert.equal(isWithinHours(local('2026-03-16T09:00', BERLIN), calendar), true);
		assert.equal(isWithinHours(local('2026-03-16T17:59', BERLIN), calendar), true);
		assert.equal(isWithinHours(local('2026-03-16T18:00', BERLIN), calendar), false);
		assert.equal(isWithinHours(local('2026-03-16T08:59', BERLIN), calendar), false);
		assert.equal(isWithinHours(local('2026-03-14T12:00', BERLIN), calendar), false);
		assert.equal(isWithinHours(local('2026-03-17T12:00', BERLIN), calendar), false);
	});

	it('judges hours in the calendar zone, not in UTC', () => {
		// 08:30 UTC is 09:30 in Berlin (open) and 04:30 in New York (closed).
		const t = Date.parse('2026-03-16T08:30:00Z');
		assert.equal(isWithinHours(t, calendar), true);
		assert.equal(isWithinHours(t, nineToSix(NEW_YORK)), false);
	});

	it('next opening is the time itself when open, else the next opening time', () => {
		const open = local('2026-03-16T11:11', BERLIN);
		assert.equal(nextOpening(open, calendar), open);
		assert.equal(wall(nextOpening(local('2026-03-16T18:00', BERLIN), calendar), BERLIN), 'Wed 2026-03-18 09:00');
		assert.equal(wall(nextOpening(local('2026-03-14T03:00', BERLIN), calendar), BERLIN), 'Mon 2026-03-16 09:00');
	});
});

describe('compileCalendar validation', () => {
	const fails = (spec: unknown, path: RegExp, defaultZone?: string) =>
		assert.throws(
			() => compileCalendar(spec, defaultZone),
			(error: unknown) => error instanceof ProtocolError && path.test(error.message),
		);

	it('names the JSON path of what is wrong', () => {
		fails({ zone: 'Mars/Olympus' }, /^\/zone: "Mars\/Olympus" is not an IANA time zone/);
		fails({ zone: BERLIN, hours: { start: '18:00', end: '09:00' } }, /^\/hours: the hours must end after they start/);
		fails({ zone: BERLIN, hours: [{ start: '09:00', end: '12:00' }, { start: '08:00', end: '09:30' }] }, /^\/hours: the hours on mon overlap/);
		fails({ zone: BERLIN, byDay: { fri: [{ start: '09:00', end: '8:00' }] } }, /\/byDay\/fri\/0\/end: must match pattern/);
		fails({ zone: BERLIN, workingDays: ['monday'] }, /\/workingDays\/0: must be one of/);
		fails({ zone: BERLIN, workingDays: [] }, /no working hours on any day/);
		fails({ zone: BERLIN, holidays: ['2026-02-30'] }, /^\/holidays\/0: "2026-02-30" is not a date/);
		fails({}, /^\/zone: name a time zone/);
	});

	it("takes the workflow's zone when the calendar names none", () => {
		const calendar = compileCalendar({}, NEW_YORK);
		assert.equal(calendar.zone, NEW_YORK);
		assert.equal(isWithinHours(local('2026-03-16T09:30', NEW_YORK), calendar), true);
	});
});
