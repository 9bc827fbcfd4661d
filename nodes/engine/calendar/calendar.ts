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
	/** See `slaClockStart`; default false (every working minute counts). */
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
	// IANAZone.create caches the zone and its validity; isValidZone builds a formatter each call.
	if (!IANAZone.create(zone).isValid) {
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
		if (!isDate(yearly ? `2024-${date}` : date)) throw ProtocolError.at(`${path}/holidays/${index}`, `"${date}" is not a date`);
		(yearly ? yearlyHolidays : holidays).add(date);
	});
	return { zone, week, holidays, yearlyHolidays, keepSlaInOnePeriod: input.keepSlaInOnePeriod ?? false };
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

/** A date in a zone: where it begins and ends (epoch ms), and its weekday. */
interface LocalDate {
	readonly key: string;
	readonly nextKey: string;
	readonly zone: string;
	/** 1 (Monday) to 7 (Sunday). */
	readonly weekday: number;
	readonly start: number;
	/** Where the next date begins: 23 or 25 hours later on a day with a DST change. */
	readonly end: number;
	/** 24 hours from midnight at one offset (no zone changes twice in a day): wall-clock minutes are plain arithmetic. */
	readonly regular: boolean;
}

/**
 * Per zone, its dates by key and by quarter hour of UTC time (offsets and their changes fall on
 * quarter hours; a quarter is memoised only when it lies wholly in one date). Shared by every
 * calendar in the zone, bounded: luxon's zone lookups are the slow part of business time.
 */
interface ZoneCache {
	dates: Map<string, LocalDate>;
	/** Where each date begins (epoch ms) and the UTC offset (minutes) there. */
	beginnings: Map<string, readonly [number, number]>;
	quarters: Map<number, LocalDate>;
}
const zoneCache = new Map<string, ZoneCache>();
const MS_PER_DAY = 86_400_000;
const MS_PER_QUARTER = 900_000;

function cacheOf(zone: string): ZoneCache {
	let cache = zoneCache.get(zone);
	if (!cache) zoneCache.set(zone, (cache = { dates: new Map(), beginnings: new Map(), quarters: new Map() }));
	return cache;
}

function remember<K, V>(map: Map<K, V>, key: K, value: V): V {
	if (map.size >= CACHE_LIMIT) map.clear();
	map.set(key, value);
	return value;
}

/** `[year, month, day]` of a `YYYY-MM-DD` key. */
function parseKey(key: string): [number, number, number] {
	return key.split('-').map(Number) as [number, number, number];
}

/** Whether a `YYYY-MM-DD` key names a real date: 2026-02-30 reads back as 2026-03-02. */
function isDate(key: string): boolean {
	return addDays(key, 0) === key;
}

/** The key `days` later, by the Gregorian calendar alone (no zone involved). */
function addDays(key: string, days: number): string {
	const [y, m, d] = parseKey(key);
	return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

function localDate(zone: string, key: string): LocalDate {
	const { dates, beginnings } = cacheOf(zone);
	const cached = dates.get(key);
	if (cached) return cached;
	const beginning = (date: string) => {
		const known = beginnings.get(date);
		if (known) return known;
		// A midnight skipped by a DST change (America/Santiago) begins the date at 01:00.
		const begin = DateTime.fromISO(date, { zone });
		return remember(beginnings, date, [begin.toMillis(), begin.offset] as const);
	};
	const nextKey = addDays(key, 1);
	const [start, offset] = beginning(key);
	const [end] = beginning(nextKey);
	const [y, m, d] = parseKey(key);
	const midnight = Date.UTC(y, m - 1, d);
	const regular = end - start === MS_PER_DAY && start === midnight - offset * MS_PER_MINUTE;
	return remember(dates, key, { key, nextKey, zone, weekday: new Date(midnight).getUTCDay() || 7, start, end, regular });
}

function dateAt(ms: number, calendar: BusinessCalendar): LocalDate {
	const { quarters } = cacheOf(calendar.zone);
	const quarter = Math.floor(ms / MS_PER_QUARTER);
	const cached = quarters.get(quarter);
	if (cached) return cached;
	const date = localDate(calendar.zone, DateTime.fromMillis(ms, { zone: calendar.zone }).toISODate() as string);
	const from = quarter * MS_PER_QUARTER;
	return date.start <= from && from + MS_PER_QUARTER <= date.end ? remember(quarters, quarter, date) : date;
}

function nextDate(date: LocalDate): LocalDate {
	return localDate(date.zone, date.nextKey);
}

/** Epoch ms of a wall-clock minute (0 to 1440) of `date`; a time skipped by DST moves forward. */
function wallTime(date: LocalDate, minute: number): number {
	if (minute === 1440) return date.end;
	if (date.regular) return date.start + minute * MS_PER_MINUTE;
	const [year, month, day] = parseKey(date.key);
	return DateTime.fromObject({ year, month, day, hour: Math.floor(minute / 60), minute: minute % 60 }, { zone: date.zone }).toMillis();
}

/** Working intervals (epoch ms) of a date: wall-clock hours, so a DST day has 23 or 25 hours. */
function intervalsOn(calendar: BusinessCalendar, date: LocalDate): readonly Interval[] {
	let cache = intervalCache.get(calendar);
	if (!cache) intervalCache.set(calendar, (cache = new Map()));
	const cached = cache.get(date.key);
	if (cached) return cached;
	const intervals: Interval[] = [];
	if (!calendar.holidays.has(date.key) && !calendar.yearlyHolidays.has(date.key.slice(5))) {
		// A skipped time moves past the next one on the dial (02:30 becomes 03:30 in Berlin, after
		// 03:00): clip, so that intervals never overlap.
		let previousEnd = -Infinity;
		for (const [s, e] of calendar.week[date.weekday]) {
			const from = Math.max(wallTime(date, s), previousEnd);
			const to = wallTime(date, e);
			if (to > from) intervals.push([from, to]);
			previousEnd = Math.max(previousEnd, to);
		}
	}
	return remember(cache, date.key, intervals);
}

/** Whether `ms` falls inside working hours (opening time included, closing time not). */
export function isWithinHours(ms: number, calendar: BusinessCalendar): boolean {
	return intervalsOn(calendar, dateAt(ms, calendar)).some(([s, e]) => ms >= s && ms < e);
}

/** `ms` itself when inside working hours, otherwise the next time the calendar opens. */
export function nextOpening(ms: number, calendar: BusinessCalendar): number {
	return addBusinessTime(ms, 0, calendar);
}

/**
 * Working intervals that end after `ms`, in order, for as long as the caller reads; an error
 * after `SEARCH_DAYS` days in a row without any.
 */
function* intervalsAfter(ms: number, calendar: BusinessCalendar): Generator<Interval> {
	let date = dateAt(ms, calendar);
	for (let closedDays = 0; closedDays < SEARCH_DAYS; date = nextDate(date)) {
		const open = intervalsOn(calendar, date).filter(([, end]) => end > ms);
		yield* open;
		closedDays = open.length > 0 ? 0 : closedDays + 1;
	}
	throw noWorkingTime(addDays(date.key, -SEARCH_DAYS));
}

function durationMs(minutes: number, what: string): number {
	if (!(minutes >= 0) || !Number.isFinite(minutes)) throw new RangeError(`${what} must be zero or more minutes, got ${minutes}`);
	return Math.round(minutes * MS_PER_MINUTE);
}

/**
 * The time at which `durationMinutes` of working time have passed since `startMs`. Every
 * working minute counts and time outside working hours does not, so this is the inverse of
 * `businessTimeBetween`, and adding a then b is adding a + b. A result can be a closing time
 * (17:00 + 1 hour in a 9-18 calendar is 18:00); zero minutes gives the next opening.
 *
 * This is plain arithmetic: it ignores `keepSlaInOnePeriod`. An SLA's due time is `slaDueTime`.
 */
export function addBusinessTime(startMs: number, durationMinutes: number, calendar: BusinessCalendar): number {
	let remaining = durationMs(durationMinutes, 'a business duration');
	for (const [opening, closing] of intervalsAfter(startMs, calendar)) {
		const from = Math.max(opening, startMs);
		if (from + remaining <= closing) return from + remaining;
		remaining -= closing - from;
	}
	throw noWorkingTime(dateAt(startMs, calendar).key);
}

/** Working time (ms) between two instants; zero when `endMs` is not after `startMs`. */
export function businessTimeBetween(startMs: number, endMs: number, calendar: BusinessCalendar): number {
	let total = 0;
	for (let date = dateAt(startMs, calendar); date.start < endMs; date = nextDate(date)) {
		for (const [s, e] of intervalsOn(calendar, date)) {
			const from = Math.max(s, startMs);
			const to = Math.min(e, endMs);
			if (to > from) total += to - from;
		}
	}
	return total;
}

/**
 * When the clock of a business-time SLA of `slaMinutes` starts for a lead that arrived at
 * `startMs`. The SLA is due once the clock has counted `slaMinutes` of working time from here
 * (`slaDueTime`), and `slaElapsed` reads the same clock, so the two always agree.
 *
 * By default the clock starts at arrival, or at the next opening for a lead arriving outside
 * hours: every working minute counts. Friday 17:30 + 1 business hour in a 9-18 calendar is
 * Monday 09:30.
 *
 * With `keepSlaInOnePeriod`: a period is an unbroken stretch of working time (09:00-12:00 and
 * 13:00-18:00 are two periods; round the clock is one). When the lead arrives inside a period,
 * after it opened, and the SLA is longer than what is left of that period, the rest of the
 * period is skipped and the clock starts at the next opening, however long the SLA. Otherwise
 * the clock starts as by default. So, in a 9-18 calendar, Friday 17:30 + 1 business hour is
 * Monday 10:00, Friday 17:30 + 10 business hours is Tuesday 10:00, and a lead arriving on
 * Saturday, or at 09:00 sharp, loses nothing.
 * A longer SLA is never due earlier: one that fits is due by the end of the current period,
 * one that does not after the next opening. Whether the clock jumps depends only on the
 * SLA and what is left of the current period, never on the length of later periods: skipping
 * only when the next period is long enough would make 300 minutes due later than 301.
 * Two SLAs in a row do not add up under the option (each takes its own start), but once a
 * clock has started it counts every working minute, as by default.
 */
export function slaClockStart(startMs: number, slaMinutes: number, calendar: BusinessCalendar): number {
	const needed = durationMs(slaMinutes, 'an SLA');
	const from = nextOpening(startMs, calendar);
	const insidePeriod = from === startMs && isWithinHours(startMs - 1, calendar);
	if (!calendar.keepSlaInOnePeriod || !insidePeriod) return from;
	let periodEnd = from;
	for (const [opening, closing] of intervalsAfter(startMs, calendar)) {
		if (opening > periodEnd) return opening;
		periodEnd = closing; // the period goes on, e.g. past midnight
		if (periodEnd - from >= needed) return from;
	}
	throw noWorkingTime(dateAt(startMs, calendar).key);
}

/** When a business-time SLA of `slaMinutes` for a lead that arrived at `startMs` is due. */
export function slaDueTime(startMs: number, slaMinutes: number, calendar: BusinessCalendar): number {
	return whenSlaClockReads(startMs, slaMinutes, slaMinutes, calendar);
}

/**
 * What the clock of that SLA reads at `nowMs` (ms of working time): exactly the SLA at the due
 * time, so `slaElapsed / (slaMinutes * 60_000)` is the share of the SLA used (an escalation at
 * 50 %, 100 % or 200 % reads it here). Zero before the clock starts.
 */
export function slaElapsed(startMs: number, nowMs: number, slaMinutes: number, calendar: BusinessCalendar): number {
	return businessTimeBetween(slaClockStart(startMs, slaMinutes, calendar), nowMs, calendar);
}

/** When the clock of that SLA reads `clockMinutes`, e.g. half or twice the SLA for escalations. */
export function whenSlaClockReads(startMs: number, slaMinutes: number, clockMinutes: number, calendar: BusinessCalendar): number {
	return addBusinessTime(slaClockStart(startMs, slaMinutes, calendar), clockMinutes, calendar);
}

function noWorkingTime(fromDate: string): ProtocolError {
	return new ProtocolError(`The business calendar has no working time in the ${SEARCH_DAYS} days from ${fromDate} (are all days holidays?)`);
}
