import { DateTime, IANAZone } from 'luxon';

import { ProtocolError } from '../common/errors';
import { assertMatchesSchema } from '../common/schema';
import schema from './calendar.schema.json';

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** Local wall-clock times, `HH:mm`; `end` may be `24:00`. */
export interface TimeRange {
	start: string;
	end: string;
}

/** A business calendar as people write it (JSON form; see calendar.schema.json). */
export interface CalendarSpec {
	zone?: string;
	workingDays?: Weekday[];
	hours?: TimeRange | TimeRange[];
	byDay?: Partial<Record<Weekday, TimeRange[]>>;
	/** `YYYY-MM-DD` (one date) or `MM-DD` (every year), in the calendar's zone. */
	holidays?: string[];
	/** See `addBusinessTime`; default true. */
	keepSlaInOnePeriod?: boolean;
}

export const DEFAULT_HOURS: TimeRange = { start: '09:00', end: '17:00' };
export const DEFAULT_WORKING_DAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri'];

/** Opening and closing minute of the day, e.g. [540, 1080] for 09:00-18:00. */
type MinuteRange = readonly [number, number];

/** A compiled calendar: the spec's checks are done once, here. */
export interface BusinessCalendar {
	readonly zone: string;
	/** Index 1 (Monday) to 7 (Sunday), luxon's weekday numbers; sorted, non-overlapping. */
	readonly week: ReadonlyArray<readonly MinuteRange[]>;
	readonly holidays: ReadonlySet<string>;
	readonly yearlyHolidays: ReadonlySet<string>;
	readonly keepSlaInOnePeriod: boolean;
}

type Interval = readonly [number, number];
/** Per calendar and local date, that day's working intervals as epoch ms (a bounded memo). */
const intervalCache = new WeakMap<BusinessCalendar, Map<string, readonly Interval[]>>();

/** A calendar with no working time within this many days is a configuration mistake. */
const SEARCH_DAYS = 3660;
const CACHE_LIMIT = 4096;
const MS_PER_MINUTE = 60_000;

/**
 * Validates a calendar spec and compiles it. `defaultZone` (the workflow's time zone) applies
 * when the spec names none. `path` is where the spec sits in a larger protocol, for errors;
 * a spec nested in a protocol was schema-checked with it, so only the standalone one is here.
 */
export function compileCalendar(spec: unknown, defaultZone?: string, path = ''): BusinessCalendar {
	if (path === '') assertMatchesSchema<CalendarSpec>(schema, spec, 'The business calendar');
	const input = spec as CalendarSpec;
	const zone = input.zone ?? defaultZone;
	if (!zone) throw ProtocolError.at(`${path}/zone`, 'name a time zone, e.g. "Europe/Berlin"');
	if (!IANAZone.isValidZone(zone)) {
		throw ProtocolError.at(`${path}/zone`, `"${zone}" is not an IANA time zone (e.g. "Europe/Berlin", "America/New_York")`);
	}
	const working = new Set(input.workingDays ?? DEFAULT_WORKING_DAYS);
	const hours = input.hours === undefined ? [DEFAULT_HOURS] : Array.isArray(input.hours) ? input.hours : [input.hours];
	const week: MinuteRange[][] = [[]];
	let anyTime = false;
	for (const day of WEEKDAYS) {
		const own = input.byDay?.[day];
		const ranges = own ?? (working.has(day) ? hours : []);
		const at = own ? `${path}/byDay/${day}` : `${path}/hours`;
		const minutes = ranges.map((range, index) => toMinutes(range, `${at}${own || Array.isArray(input.hours) ? `/${index}` : ''}`));
		minutes.sort((a, b) => a[0] - b[0]);
		for (let i = 1; i < minutes.length; i++) {
			if (minutes[i][0] < minutes[i - 1][1]) throw ProtocolError.at(at, `the hours on ${day} overlap`);
		}
		if (minutes.length > 0) anyTime = true;
		week.push(minutes);
	}
	if (!anyTime) throw ProtocolError.at(path || '/', 'the calendar has no working hours on any day');
	const holidays = new Set<string>();
	const yearlyHolidays = new Set<string>();
	(input.holidays ?? []).forEach((date, index) => {
		const yearly = date.length === 5;
		const probe = DateTime.fromISO(yearly ? `2024-${date}` : date);
		if (!probe.isValid) throw ProtocolError.at(`${path}/holidays/${index}`, `"${date}" is not a date`);
		(yearly ? yearlyHolidays : holidays).add(date);
	});
	return { zone, week, holidays, yearlyHolidays, keepSlaInOnePeriod: input.keepSlaInOnePeriod ?? true };
}

function toMinutes(range: TimeRange, path: string): MinuteRange {
	const start = minuteOfDay(range.start);
	const end = minuteOfDay(range.end);
	if (end <= start) throw ProtocolError.at(path, `the hours must end after they start, got ${range.start}-${range.end}`);
	return [start, end];
}

function minuteOfDay(hhmm: string): number {
	const [h, m] = hhmm.split(':').map(Number);
	return h * 60 + m;
}

/** Working intervals (epoch ms) of the local date that `day` (start of a day, in the zone) is. */
function intervalsOn(calendar: BusinessCalendar, day: DateTime): readonly Interval[] {
	const key = day.toISODate() as string;
	let cache = intervalCache.get(calendar);
	if (!cache) intervalCache.set(calendar, (cache = new Map()));
	const cached = cache.get(key);
	if (cached) return cached;
	let intervals: Interval[] = [];
	if (!calendar.holidays.has(key) && !calendar.yearlyHolidays.has(key.slice(5))) {
		// Wall-clock times converted one by one, so a day with a DST change has 23 or 25 hours.
		const at = (minute: number) =>
			minute === 1440
				? day.plus({ days: 1 }).toMillis()
				: DateTime.fromObject(
						{ year: day.year, month: day.month, day: day.day, hour: Math.floor(minute / 60), minute: minute % 60 },
						{ zone: calendar.zone },
					).toMillis();
		intervals = calendar.week[day.weekday].map(([s, e]) => [at(s), at(e)] as const).filter(([s, e]) => e > s);
	}
	if (cache.size >= CACHE_LIMIT) cache.clear();
	cache.set(key, intervals);
	return intervals;
}

function localDay(ms: number, calendar: BusinessCalendar): DateTime {
	return DateTime.fromMillis(ms, { zone: calendar.zone }).startOf('day');
}

/** Whether `ms` falls inside working hours (opening time included, closing time not). */
export function isWithinHours(ms: number, calendar: BusinessCalendar): boolean {
	return intervalsOn(calendar, localDay(ms, calendar)).some(([s, e]) => ms >= s && ms < e);
}

/** `ms` itself when inside working hours, otherwise the next time the calendar opens. */
export function nextOpening(ms: number, calendar: BusinessCalendar): number {
	return addBusinessTime(ms, 0, calendar);
}

/** Working intervals that end after `ms`, in order, for as long as the caller reads. */
function* intervalsAfter(ms: number, calendar: BusinessCalendar): Generator<Interval> {
	let day = localDay(ms, calendar);
	for (let i = 0; i < SEARCH_DAYS; i++, day = day.plus({ days: 1 })) {
		for (const interval of intervalsOn(calendar, day)) if (interval[1] > ms) yield interval;
	}
	throw noWorkingTime(ms, calendar);
}

/**
 * The time at which `durationMinutes` of working time have passed since `startMs`; time
 * outside working hours does not count. A due time can be a closing time (17:00 + 1 hour in a
 * 9-18 calendar is 18:00). Zero minutes gives the next opening.
 *
 * With `keepSlaInOnePeriod` (the default), an SLA that fits in one working period is served in
 * one: when less of the current period is left than the SLA and the next period is long
 * enough, the clock starts at the next opening. So a lead arriving Friday 17:30 with a 1-hour
 * SLA in a 9-18 calendar is due Monday 10:00 (the rep gets a real hour), not Monday 09:30.
 * SLAs longer than the next period are counted minute by minute.
 */
export function addBusinessTime(startMs: number, durationMinutes: number, calendar: BusinessCalendar): number {
	if (!(durationMinutes >= 0) || !Number.isFinite(durationMinutes)) {
		throw new RangeError(`a business duration must be zero or more minutes, got ${durationMinutes}`);
	}
	let remaining = Math.round(durationMinutes * MS_PER_MINUTE);
	const source = intervalsAfter(startMs, calendar);
	const ahead: Interval[] = [];
	const peek = (i: number): Interval => {
		while (ahead.length <= i) ahead.push(source.next().value as Interval);
		return ahead[i];
	};
	const take = (): Interval => ahead.shift() ?? (source.next().value as Interval);
	/** End of the unbroken working stretch that starts at interval i (across midnight in 24/7
	 * calendars), looked at only as far as `from + remaining` reaches. */
	const stretchEnd = (i: number, from: number): [end: number, next: number] => {
		let end = peek(i)[1];
		let j = i + 1;
		while (end - from < remaining && peek(j)[0] === end) end = peek(j++)[1];
		return [end, j];
	};

	const first = take();
	const from = Math.max(first[0], startMs);
	if (remaining === 0) return from;
	if (calendar.keepSlaInOnePeriod) {
		ahead.unshift(first);
		const [end, next] = stretchEnd(0, from);
		if (end - from < remaining) {
			const opening = peek(next)[0];
			if (stretchEnd(next, opening)[0] - opening >= remaining) return opening + remaining;
		}
		take();
	}
	let [s, e] = [from, first[1]];
	for (;;) {
		if (s + remaining <= e) return s + remaining;
		remaining -= e - s;
		[s, e] = take();
	}
}

/** Working time (ms) between two instants: what an SLA clock shows as elapsed. */
export function businessTimeBetween(startMs: number, endMs: number, calendar: BusinessCalendar): number {
	let total = 0;
	for (let day = localDay(startMs, calendar); day.toMillis() < endMs; day = day.plus({ days: 1 })) {
		for (const [s, e] of intervalsOn(calendar, day)) {
			const from = Math.max(s, startMs);
			const to = Math.min(e, endMs);
			if (to > from) total += to - from;
		}
	}
	return total;
}

function noWorkingTime(startMs: number, calendar: BusinessCalendar): ProtocolError {
	const from = DateTime.fromMillis(startMs, { zone: calendar.zone }).toISODate();
	return new ProtocolError(`The business calendar has no working time in the ${SEARCH_DAYS} days from ${from} (are all days holidays?)`);
}
