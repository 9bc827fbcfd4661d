import { DateTime } from 'luxon';

import { LeadDataError } from './errors';

const EXPECTED = 'an ISO 8601 date-time or an epoch timestamp in seconds or milliseconds';

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Epoch values below this are taken as seconds (it is 5138 AD in seconds, 1973 in ms). */
const SECONDS_LIMIT = 1e11;

/**
 * Reads a timestamp as epoch milliseconds (UTC). ISO strings without an offset are read in
 * `zone` (the workflow's time zone), so "2026-03-01 09:00" means 9 am where the team works.
 */
export function parseTimestamp(value: unknown, field: string, zone = 'UTC'): number {
	const ms = parseAny(value, field, zone);
	if (Number.isFinite(ms) && ms >= 0 && ms <= LATEST) return ms;
	throw new LeadDataError(field, EXPECTED, value);
}

/** 9999-12-31T23:59:59.999Z: later times cannot be written as ISO dates. */
const LATEST = 253_402_300_799_999;

function parseAny(value: unknown, field: string, zone: string): number {
	if (value instanceof Date) {
		const ms = value.getTime();
		if (Number.isFinite(ms)) return ms;
		throw new LeadDataError(field, EXPECTED, value);
	}
	if (typeof value === 'number') {
		if (Number.isFinite(value) && value >= 0) return value < SECONDS_LIMIT ? value * 1000 : value;
		throw new LeadDataError(field, EXPECTED, value);
	}
	if (typeof value === 'string') {
		const text = value.trim();
		if (/^\d+(\.\d+)?$/.test(text)) return parseAny(Number(text), field, zone);
		// The common case, an ISO time with its offset, needs no zone: Date.parse is exact and fast.
		if (ISO_WITH_OFFSET.test(text)) {
			// Date.parse rolls a day past the month's end over ("2026-02-30" reads as 2 March); the calendar has no such day.
			if (Number(text.slice(8, 10)) > daysInMonth(Number(text.slice(0, 4)), Number(text.slice(5, 7)))) throw new LeadDataError(field, EXPECTED, value);
			return Date.parse(text);
		}
		const parsed = DateTime.fromISO(text.replace(' ', 'T'), { zone, setZone: false });
		if (parsed.isValid) return parsed.toMillis();
		const rfc = DateTime.fromRFC2822(text, { zone });
		if (rfc.isValid) return rfc.toMillis();
	}
	if (isLuxonLike(value)) return parseAny(value.toISO(), field, zone);
	throw new LeadDataError(field, EXPECTED, value);
}

/** Days of a month (1-12) of the proleptic Gregorian calendar; 0 for a month that does not exist. */
function daysInMonth(year: number, month: number): number {
	if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
	return month >= 1 && month <= 12 ? ([4, 6, 9, 11].includes(month) ? 30 : 31) : 0;
}

/** n8n hands DateTime objects to nodes when an expression returns `$now` and the like. */
function isLuxonLike(value: unknown): value is { toISO(): string } {
	return typeof value === 'object' && value !== null && typeof (value as { toISO?: unknown }).toISO === 'function';
}

export const MS_PER_DAY = 86_400_000;
export const MS_PER_HOUR = 3_600_000;

/** Human wording of a duration in the past, for briefs and reasons: "2 hours ago". */
export function relativeTime(thenMs: number, nowMs: number): string {
	const diff = Math.max(0, nowMs - thenMs);
	const minutes = Math.round(diff / 60_000);
	if (minutes < 1) return 'just now';
	if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'} ago`;
	const hours = Math.round(diff / MS_PER_HOUR);
	if (hours < 24) return `${hours} hour${hours === 1 ? '' : 's'} ago`;
	const days = Math.round(diff / MS_PER_DAY);
	if (days < 60) return `${days} day${days === 1 ? '' : 's'} ago`;
	const months = Math.round(days / 30);
	return `${months} month${months === 1 ? '' : 's'} ago`;
}
