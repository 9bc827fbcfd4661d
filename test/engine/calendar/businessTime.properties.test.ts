/**
 * Properties of business time that SLA timers rely on: a longer SLA is never due earlier, the
 * SLA clock reads exactly the SLA at the due time, and working minutes add up. Checked over
 * zones with daylight-saving changes (one at midnight, some with 30-minute offsets), holidays,
 * split days, round-the-clock and overnight calendars, with and without `keepSlaInOnePeriod`.
 */
import assert from 'node:assert/strict';

import fc from 'fast-check';
import { DateTime, IANAZone } from 'luxon';

import {
	addBusinessTime,
	businessTimeBetween,
	compileCalendar,
	dueTime,
	isWithinHours,
	slaClockStart,
	slaElapsed,
	whenSlaClockReads,
	type CalendarSpec,
	type TimeRange,
	type Weekday,
} from '../../../nodes/engine/calendar';

const MINUTE = 60_000;
const WEEK: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const ZONES = [
	'Europe/Berlin',
	'America/New_York',
	'Australia/Sydney',
	'Asia/Kolkata', // +05:30, no daylight saving
	'Australia/Adelaide', // +09:30 / +10:30
	'America/St_Johns', // -03:30 / -02:30
	'Australia/Lord_Howe', // a 30-minute daylight-saving shift
	'America/Santiago', // the clocks change at midnight
	'UTC',
];
const FROM = DateTime.fromISO('2026-01-01', { zone: 'UTC' });
const DAYS = 720;

const hhmm = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
const range = (start: number, end: number): TimeRange => ({ start: hhmm(start), end: hhmm(end) });
const wall = (ms: number, zone: string) => DateTime.fromMillis(ms, { zone }).toFormat('ccc yyyy-MM-dd HH:mm:ss.SSS ZZ');

/** Dates (UTC days) on which the zone's offset changes, 2026-2027: weeks first, then days. */
const transitions = new Map(
	ZONES.map((zone) => {
		const offset = (date: DateTime) => IANAZone.create(zone).offset(date.toMillis());
		const dates: string[] = [];
		for (let week = 0; week < DAYS / 7; week++) {
			const monday = FROM.plus({ weeks: week });
			if (offset(monday) === offset(monday.plus({ weeks: 1 }))) continue;
			for (let day = 0; day < 7; day++) {
				const date = monday.plus({ days: day });
				if (offset(date) !== offset(date.plus({ days: 1 }))) dates.push(date.toISODate() as string);
			}
		}
		return [zone, dates];
	}),
);

/** A calendar spec and the lengths (minutes) of its working periods, to aim SLAs at them. */
interface Case {
	spec: CalendarSpec;
	periods: number[];
	/** Minutes of the day where working time starts or stops, to aim arrivals at them. */
	edges: number[];
	/** Working minutes in a week without holidays: SLAs are kept within a few weeks. */
	weekly: number;
}

const daysArb = fc.subarray(WEEK, { minLength: 1 });
const holidaysArb = fc.record({
	dated: fc.array(fc.integer({ min: 0, max: DAYS }).map((d) => FROM.plus({ days: d }).toISODate() as string), { maxLength: 15 }),
	yearly: fc.array(fc.integer({ min: 0, max: 364 }).map((d) => FROM.plus({ days: d }).toFormat('MM-dd')), { maxLength: 4 }),
});
const minutes = (count: number) => fc.uniqueArray(fc.integer({ min: 0, max: 1440 }), { minLength: count, maxLength: count }).map((m) => m.sort((a, b) => a - b));

type Shape = Omit<Case, 'spec'> & { spec: Omit<CalendarSpec, 'zone'> };
const shapeArb: fc.Arbitrary<Shape> = fc.oneof(
	// One period a day, anywhere in the day (also across a daylight-saving gap).
	fc.record({ days: daysArb, m: minutes(2) }).map(({ days, m: [open, close] }) => ({
		spec: { workingDays: days, hours: range(open, close) },
		periods: [close - open],
		edges: [open, close],
		weekly: (close - open) * days.length,
	})),
	// Split days, e.g. 09:00-12:00 and 13:00-18:00.
	fc.constant<Shape>({ spec: { hours: [range(540, 720), range(780, 1080)] }, periods: [180, 300], edges: [540, 720, 780, 1080], weekly: 5 * 480 }),
	fc.record({ days: daysArb, m: minutes(4) }).map(({ days, m: [a, b, c, d] }) => ({
		spec: { workingDays: days, hours: [range(a, b), range(c, d)] },
		periods: [b - a, d - c, d - c + b - a],
		edges: [a, b, c, d],
		weekly: (d - c + b - a) * days.length,
	})),
	// Round the clock: one unbroken period, midnight included.
	fc.constant<Shape>({ spec: { workingDays: WEEK, hours: range(0, 1440) }, periods: [1440, 7 * 1440], edges: [0], weekly: 7 * 1440 }),
	// Overnight shifts, e.g. 22:00-06:00, written as the two halves of each shift.
	fc.record({ days: daysArb, open: fc.integer({ min: 720, max: 1439 }), length: fc.integer({ min: 60, max: 1440 }) })
		.filter(({ open, length }) => open + length > 1440)
		.map(({ days, open, length }) => {
			const byDay = Object.fromEntries(WEEK.map((day) => [day, [] as TimeRange[]]));
			for (const day of days) {
				byDay[day].push(range(open, 1440));
				byDay[WEEK[(WEEK.indexOf(day) + 1) % 7]].unshift(range(0, open + length - 1440));
			}
			return { spec: { byDay }, periods: [length], edges: [open, open + length - 1440], weekly: length * days.length };
		}),
);

const caseArb: fc.Arbitrary<Case> = fc
	.record({ zone: fc.constantFrom(...ZONES), shape: shapeArb, holidays: holidaysArb, keepSlaInOnePeriod: fc.boolean() })
	.map(({ zone, shape, holidays, keepSlaInOnePeriod }) => ({
		...shape,
		spec: { zone, ...shape.spec, holidays: [...holidays.dated, ...holidays.yearly], keepSlaInOnePeriod },
	}));

/** Arrivals: any time, near a daylight-saving change, or on the minute a period opens or closes. */
const startArb = (c: Case) => {
	const zone = c.spec.zone as string;
	const dayArb = fc.oneof(
		fc.integer({ min: 0, max: DAYS }).map((d) => FROM.plus({ days: d }).toISODate() as string),
		...(transitions.get(zone)!.length
			? [fc.tuple(fc.constantFrom(...transitions.get(zone)!), fc.integer({ min: -6, max: 1 })).map(([date, shift]) => DateTime.fromISO(date).plus({ days: shift }).toISODate() as string)]
			: []),
	);
	const minuteArb = fc.oneof(
		fc.integer({ min: 0, max: 1439 }),
		fc.tuple(fc.constantFrom(...c.edges), fc.integer({ min: -1, max: 1 })).map(([edge, shift]) => Math.min(1439, Math.max(0, edge + shift))),
	);
	return fc
		.tuple(dayArb, minuteArb, fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 59_999 })))
		.map(([date, minute, ms]) => DateTime.fromISO(`${date}T${hhmm(minute)}`, { zone }).toMillis() + ms);
};

/** SLA lengths in minutes: up to three weeks of working time, or close to a period's length. */
const slaArb = (c: Case) =>
	fc.oneof(
		fc.integer({ min: 0, max: Math.min(6000, 3 * c.weekly) }),
		fc.tuple(fc.constantFrom(...c.periods), fc.integer({ min: -45, max: 45 })).map(([p, shift]) => Math.max(0, p + shift)),
	);

const scenario = <T>(more: (c: Case) => fc.Arbitrary<T>) =>
	caseArb.chain((c) => fc.tuple(fc.constant(c), startArb(c), slaArb(c), more(c)));

const business = (minutes: number) => ({ minutes, basis: 'business' as const });
const RUNS = { numRuns: 400 };

describe('business due times, with and without keepSlaInOnePeriod', () => {
	it('a longer SLA is never due earlier than a shorter one', () => {
		fc.assert(
			fc.property(scenario(() => fc.integer({ min: 1, max: 240 })), ([c, start, sla, more]) => {
				const calendar = compileCalendar(c.spec);
				const shorter = dueTime(start, business(sla), calendar);
				const longer = dueTime(start, business(sla + more), calendar);
				assert.ok(shorter <= longer, `${sla} min due ${wall(shorter, calendar.zone)}, ${sla + more} min due ${wall(longer, calendar.zone)}`);
			}),
			RUNS,
		);
	});

	it('a due time is never before the arrival and ends a stretch of working time', () => {
		fc.assert(
			fc.property(scenario(() => fc.constant(0)), ([c, start, sla]) => {
				const calendar = compileCalendar(c.spec);
				const due = dueTime(start, business(sla), calendar);
				assert.ok(due >= start);
				// A due time may be a closing time; the moment before it is working time.
				assert.ok(sla === 0 ? isWithinHours(due, calendar) : isWithinHours(due - 1, calendar), wall(due, calendar.zone));
			}),
			RUNS,
		);
	});
});

describe('the default rule: every working minute counts', () => {
	const everyMinute = scenario((c) => fc.integer({ min: 1, max: Math.min(3000, 2 * c.weekly) })).map(([c, ...rest]) => [{ ...c, spec: { ...c.spec, keepSlaInOnePeriod: undefined } }, ...rest] as const);

	it('the working time from arrival to due time is the SLA, and not yet one moment before', () => {
		fc.assert(
			fc.property(everyMinute, ([c, start, sla]) => {
				const calendar = compileCalendar(c.spec);
				const due = dueTime(start, business(sla), calendar);
				assert.equal(businessTimeBetween(start, due, calendar), sla * MINUTE, `due ${wall(due, calendar.zone)}`);
				if (sla > 0) assert.ok(businessTimeBetween(start, due - 1, calendar) < sla * MINUTE);
			}),
			RUNS,
		);
	});

	it('adding a, then b (b > 0), is adding a + b', () => {
		fc.assert(
			fc.property(everyMinute, ([c, start, a, b]) => {
				const calendar = compileCalendar(c.spec);
				const stepwise = addBusinessTime(addBusinessTime(start, a, calendar), b, calendar);
				assert.equal(wall(stepwise, calendar.zone), wall(addBusinessTime(start, a + b, calendar), calendar.zone));
			}),
			RUNS,
		);
	});
});

describe('keepSlaInOnePeriod: the SLA clock starts where the SLA fits', () => {
	const onePeriod = scenario((c) => fc.integer({ min: 1, max: Math.min(3000, 2 * c.weekly) })).map(([c, ...rest]) => [{ ...c, spec: { ...c.spec, keepSlaInOnePeriod: true } }, ...rest] as const);

	it('the SLA clock reads exactly the SLA at the due time, and less one moment before', () => {
		fc.assert(
			fc.property(onePeriod, ([c, start, sla]) => {
				const calendar = compileCalendar(c.spec);
				const due = dueTime(start, business(sla), calendar);
				assert.equal(slaElapsed(start, due, sla, calendar), sla * MINUTE, `due ${wall(due, calendar.zone)}`);
				if (sla > 0) assert.ok(slaElapsed(start, due - 1, sla, calendar) < sla * MINUTE);
			}),
			RUNS,
		);
	});

	it('escalation points (50 %, 200 % of the SLA) are read off the same clock', () => {
		fc.assert(
			fc.property(onePeriod, ([c, start, sla, other]) => {
				const calendar = compileCalendar(c.spec);
				for (const reading of [sla / 2, 2 * sla, other]) {
					const at = whenSlaClockReads(start, sla, reading, calendar);
					assert.equal(slaElapsed(start, at, sla, calendar), Math.round(reading * MINUTE), `${reading} of ${sla} min at ${wall(at, calendar.zone)}`);
				}
				const half = whenSlaClockReads(start, sla, sla / 2, calendar);
				assert.ok(half <= dueTime(start, business(sla), calendar) && dueTime(start, business(sla), calendar) <= whenSlaClockReads(start, sla, 2 * sla, calendar));
			}),
			RUNS,
		);
	});

	it('once started, the clock counts every working minute: a, then b (b > 0), on the clock is a + b', () => {
		fc.assert(
			fc.property(onePeriod, ([c, start, sla, b]) => {
				const calendar = compileCalendar(c.spec);
				const a = sla / 2;
				const stepwise = addBusinessTime(whenSlaClockReads(start, sla, a, calendar), b, calendar);
				assert.equal(wall(stepwise, calendar.zone), wall(whenSlaClockReads(start, sla, a + b, calendar), calendar.zone));
			}),
			RUNS,
		);
	});

	it('an SLA is either counted from arrival or from the next opening, and never due before the minute-by-minute time', () => {
		fc.assert(
			fc.property(onePeriod, ([c, start, sla]) => {
				const calendar = compileCalendar(c.spec);
				const everyMinute = compileCalendar({ ...c.spec, keepSlaInOnePeriod: false });
				const due = dueTime(start, business(sla), calendar);
				assert.ok(due >= dueTime(start, business(sla), everyMinute));
				const clockStart = slaClockStart(start, sla, calendar);
				const skipped = businessTimeBetween(start, clockStart, calendar);
				assert.equal(businessTimeBetween(start, due, calendar), skipped + sla * MINUTE);
				if (skipped > 0) {
					// Only the rest of a period too short for the SLA is skipped: the clock starts at
					// the next opening, right after it.
					assert.ok(skipped < sla * MINUTE);
					assert.ok(!isWithinHours(clockStart - 1, calendar) && isWithinHours(clockStart, calendar), wall(clockStart, calendar.zone));
					assert.equal(businessTimeBetween(start, clockStart - 1, calendar), skipped);
				}
			}),
			RUNS,
		);
	});
});

describe("working hours are read on the calendar zone's wall clock", () => {
	it('an instant is working time exactly when its local date is no holiday and its local time is in that weekday’s hours', () => {
		fc.assert(
			fc.property(caseArb.chain((c) => fc.tuple(fc.constant(c), startArb(c))), ([c, ms]) => {
				const calendar = compileCalendar(c.spec);
				const clock = DateTime.fromMillis(ms, { zone: calendar.zone });
				const midnight = clock.startOf('day');
				// Days with a DST change are pinned by the examples in calendar.test.ts.
				fc.pre(midnight.hour === 0 && midnight.offset === midnight.plus({ days: 1 }).startOf('day').offset);
				const date = clock.toISODate() as string;
				const holiday = (c.spec.holidays ?? []).some((h) => h === date || h === date.slice(5));
				const sinceMidnight = ms - midnight.toMillis();
				const open = !holiday && calendar.week[clock.weekday].some(([s, e]) => sinceMidnight >= s * MINUTE && sinceMidnight < e * MINUTE);
				assert.equal(isWithinHours(ms, calendar), open, wall(ms, calendar.zone));
			}),
			RUNS,
		);
	});
});
