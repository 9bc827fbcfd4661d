import assert from 'node:assert/strict';

import fc from 'fast-check';
import { DateTime } from 'luxon';

import { ProtocolError } from '../../../nodes/engine/common/errors';
import {
	addBusinessTime,
	businessTimeBetween,
	compileCalendar,
	dueTime,
	isWithinHours,
	nextOpening,
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
	it('the example of the issue: Friday 17:30 + 1 business hour in a 9-18 calendar is Monday 10:00', () => {
		const due = addBusinessTime(local('2026-03-13T17:30', BERLIN), 60, nineToSix(BERLIN));
		assert.equal(wall(due, BERLIN), 'Mon 2026-03-16 10:00');
	});

	it('an SLA that fits in one working period is served in one; long SLAs and the opt-out count every minute', () => {
		const friday1730 = local('2026-03-13T17:30', BERLIN);
		const minuteByMinute = nineToSix(BERLIN, { keepSlaInOnePeriod: false });
		assert.equal(wall(addBusinessTime(friday1730, 60, minuteByMinute), BERLIN), 'Mon 2026-03-16 09:30');
		// 10 hours do not fit in a 9-hour day: 30 minutes on Friday, 9 on Monday, 30 on Tuesday.
		assert.equal(wall(addBusinessTime(friday1730, 600, nineToSix(BERLIN)), BERLIN), 'Tue 2026-03-17 09:30');
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
		assert.equal(wall(addBusinessTime(local('2026-04-03T17:30', BERLIN), 60, easter), BERLIN), 'Tue 2026-04-07 10:00');
		const christmas = nineToSix(BERLIN, { holidays: ['12-24', '12-25', '12-26'] });
		// 2025-12-23 is a Tuesday; the 24th-26th are closed in every year.
		assert.equal(wall(addBusinessTime(local('2025-12-23T18:00', BERLIN), 120, christmas), BERLIN), 'Mon 2025-12-29 11:00');
		assert.equal(wall(addBusinessTime(local('2027-12-23T18:00', BERLIN), 120, christmas), BERLIN), 'Mon 2027-12-27 11:00');
	});

	it('uses per-weekday hours and split days', () => {
		const shortFriday = nineToSix(BERLIN, { byDay: { fri: [{ start: '09:00', end: '13:00' }] } });
		assert.equal(wall(addBusinessTime(local('2026-03-13T12:00', BERLIN), 60, shortFriday), BERLIN), 'Fri 2026-03-13 13:00');
		assert.equal(wall(addBusinessTime(local('2026-03-13T13:00', BERLIN), 60, shortFriday), BERLIN), 'Mon 2026-03-16 10:00');
		const lunch = compileCalendar({ zone: BERLIN, hours: [{ start: '13:00', end: '17:00' }, { start: '09:00', end: '12:00' }], keepSlaInOnePeriod: false });
		assert.equal(wall(addBusinessTime(local('2026-03-10T11:30', BERLIN), 60, lunch), BERLIN), 'Tue 2026-03-10 13:30');
		const saturdayMorning = nineToSix(BERLIN, { byDay: { sat: [{ start: '10:00', end: '12:00' }] } });
		assert.equal(wall(addBusinessTime(local('2026-03-13T17:30', BERLIN), 60, saturdayMorning), BERLIN), 'Sat 2026-03-14 11:00');
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

describe('daylight-saving changes', () => {
	it('Europe/Berlin, last Sunday of March: a due time across the change keeps local opening hours', () => {
		// Friday in CET (UTC+1), Monday in CEST (UTC+2).
		const due = addBusinessTime(local('2026-03-27T17:00', BERLIN), 120, nineToSix(BERLIN, { keepSlaInOnePeriod: false }));
		assert.equal(wall(due, BERLIN), 'Mon 2026-03-30 10:00');
		assert.equal(utc(due), '2026-03-30T08:00:00.000Z');
		const saturday = addBusinessTime(local('2026-03-28T10:00', BERLIN), 60, nineToSix(BERLIN));
		assert.equal(utc(saturday), '2026-03-30T08:00:00.000Z');
	});

	it('Europe/Berlin, last Sunday of October: the same, from CEST back to CET', () => {
		const due = addBusinessTime(local('2026-10-23T17:00', BERLIN), 120, nineToSix(BERLIN, { keepSlaInOnePeriod: false }));
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

describe('properties', () => {
	const zones = ['Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata', 'UTC'];
	const hhmm = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
	const calendarArb = fc
		.record({
			zone: fc.constantFrom(...zones),
			days: fc.subarray(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const, { minLength: 1 }),
			open: fc.integer({ min: 0, max: 23 * 60 }),
			length: fc.integer({ min: 60, max: 24 * 60 }),
			keepSlaInOnePeriod: fc.boolean(),
			holidays: fc.array(fc.date({ min: new Date('2026-01-01'), max: new Date('2027-12-31'), noInvalidDate: true }), { maxLength: 20 }),
		})
		.map(({ zone, days, open, length, holidays, keepSlaInOnePeriod }) =>
			compileCalendar({
				zone,
				workingDays: [...days],
				hours: { start: hhmm(open), end: open + length >= 1440 ? '24:00' : hhmm(open + length) },
				holidays: holidays.map((d) => d.toISOString().slice(0, 10)),
				keepSlaInOnePeriod,
			}),
		);
	// 2026 and 2027 contain every DST change of these zones twice.
	const startArb = fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2027-12-31T00:00:00Z') });
	const minutesArb = fc.integer({ min: 0, max: 10_000 });

	it('a business due time is never before the arrival and always falls in working hours', () => {
		fc.assert(
			fc.property(calendarArb, startArb, minutesArb, (calendar, start, minutes) => {
				const due = addBusinessTime(start, minutes, calendar);
				assert.ok(due >= start);
				// A due time may be a closing time; the moment before it is working time.
				assert.ok(minutes === 0 ? isWithinHours(due, calendar) : isWithinHours(due - 1, calendar));
			}),
			{ numRuns: 300 },
		);
	});

	it('the SLA is working time: exactly between arrival and due, or served whole in one period', () => {
		fc.assert(
			fc.property(calendarArb, startArb, minutesArb, (calendar, start, minutes) => {
				const due = addBusinessTime(start, minutes, calendar);
				const sla = minutes * 60_000;
				const counted = businessTimeBetween(start, due, calendar);
				if (!calendar.keepSlaInOnePeriod || counted === sla) assert.equal(counted, sla);
				else {
					// Served whole: the SLA is the unbroken working time just before the due time.
					assert.ok(counted > sla);
					assert.equal(businessTimeBetween(due - sla, due, calendar), sla);
				}
			}),
			{ numRuns: 300 },
		);
	});
});
