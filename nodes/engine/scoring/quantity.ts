/**
 * Numbers as CRMs and data providers send them: exact (250, "1,200", "$4.5M"), a band
 * ("51-200", "$1M-$10M", "10 to 50"), or open-ended ("500+", "more than 500", "under 50").
 * Each is read as the interval of values it allows, and a comparison holds only when it holds
 * for the whole interval: "51-200" is between 50 and 500, "500+" is more than 500 but not
 * between 50 and 500, and "50-500" is not more than 100 (it may be 60).
 *
 * "500+" follows the bands it usually closes ("201-500", "500+"): more than 500, like ">500".
 * "500 or more", "at least 500" and "≥500" include 500 itself.
 */
import { LeadDataError } from '../common/errors';

export interface Quantity {
	/** Amounts in text are never negative, so "under 50" starts at 0. */
	min: number;
	/** Infinity for an open-ended value ("500+"). */
	max: number;
	/** True when `min` itself is not allowed ("more than 500"). */
	minExcluded: boolean;
	/** True when `max` itself is not allowed ("under 50"). */
	maxExcluded: boolean;
}

const EXPECTED = 'a number or a range (e.g. 250, "1,200", "51-200", "500+", "more than 500", "under 50", "$10M+")';

const UNITS: Readonly<Record<string, number>> = {
	k: 1e3,
	thousand: 1e3,
	m: 1e6,
	mm: 1e6,
	mn: 1e6,
	mio: 1e6,
	million: 1e6,
	millions: 1e6,
	b: 1e9,
	bn: 1e9,
	billion: 1e9,
	billions: 1e9,
};

/** One amount: "$10M", "1.5k", "10 000", "€ 2 million". Groups: number, unit. */
const AMOUNT = String.raw`(?:[$€£¥]|usd|eur|gbp)?\s*(\d+(?:\.\d+)?)\s*(k|thousand|mm|mn|mio|m|millions?|bn|b|billions?)?\s*(?:usd|eur|gbp|[$€£¥])?`;
const whole = (pattern: string) => new RegExp(`^${pattern}$`);

const EXACT = whole(AMOUNT);
const MORE_THAN = [whole(`(?:>|over|more than|above|greater than)\\s*${AMOUNT}`), whole(`${AMOUNT}\\s*\\+`)];
const AT_LEAST = [whole(`(?:>=|≥|=>|at least|min(?:imum)?|from)\\s*${AMOUNT}`), whole(`${AMOUNT}\\s*(?:\\+\\s*)?(?:or more|or above|or over|and above|and up|and over|or higher|plus)`)];
const LESS_THAN = [whole(`(?:<|under|less than|fewer than|below)\\s*${AMOUNT}`)];
const AT_MOST = [whole(`(?:<=|≤|=<|up to|at most|max(?:imum)?)\\s*${AMOUNT}`), whole(`${AMOUNT}\\s*(?:or less|or fewer|or below|and below|and under)`)];
const BAND = [whole(`${AMOUNT}\\s*(?:-|–|—|to)\\s*${AMOUNT}`), whole(`between\\s+${AMOUNT}\\s+and\\s+${AMOUNT}`)];

/**
 * The interval a field's value allows; undefined when the field is empty. Anything that is not a
 * number or a range is bad data: a LeadDataError naming the field.
 */
export function readQuantity(value: unknown, field: string): Quantity | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value === 'number') {
		if (Number.isFinite(value)) return exactly(value);
		throw new LeadDataError(field, EXPECTED, value);
	}
	if (typeof value !== 'string') throw new LeadDataError(field, EXPECTED, value);
	const text = value
		.trim()
		.toLowerCase()
		// Thousands separators: "1,200", "10,000,000".
		.replace(/(\d),(?=\d{3}(?!\d))/g, '$1')
		// "51-200 employees", "$1M-$10M in revenue".
		.replace(/\s*(employees?|people|persons?|staff|fte|headcount|in revenue|revenue|per year|a year|annually)$/, '')
		.replace(/\s+/g, ' ');
	if (text === '') return undefined;
	const amount = (match: RegExpExecArray, at = 1) => Number(match[at]) * (match[at + 1] ? UNITS[match[at + 1]] : 1);
	const first = (patterns: RegExp[]) => {
		for (const pattern of patterns) {
			const match = pattern.exec(text);
			if (match) return match;
		}
		return null;
	};
	let m: RegExpExecArray | null;
	if ((m = EXACT.exec(text))) return exactly(amount(m));
	if ((m = first(MORE_THAN))) return { min: amount(m), max: Infinity, minExcluded: true, maxExcluded: false };
	if ((m = first(AT_LEAST))) return { min: amount(m), max: Infinity, minExcluded: false, maxExcluded: false };
	if ((m = first(LESS_THAN))) return { min: 0, max: amount(m), minExcluded: false, maxExcluded: true };
	if ((m = first(AT_MOST))) return { min: 0, max: amount(m), minExcluded: false, maxExcluded: false };
	if ((m = first(BAND))) {
		const high = amount(m, 3);
		let low = amount(m, 1);
		// "$1-5M", "10-50k": a unit written once, at the end, counts for both ends.
		if (!m[2] && m[4] && low * UNITS[m[4]] <= high) low *= UNITS[m[4]];
		if (low <= high) return { min: low, max: high, minExcluded: false, maxExcluded: false };
	}
	throw new LeadDataError(field, EXPECTED, value);
}

/** Every value the quantity allows is more than `limit`. */
export function allAbove(q: Quantity, limit: number): boolean {
	return q.min > limit || (q.min === limit && q.minExcluded);
}

/** Every value the quantity allows is less than `limit`. */
export function allBelow(q: Quantity, limit: number): boolean {
	return q.max < limit || (q.max === limit && q.maxExcluded);
}

/** Every value the quantity allows is from `min` to `max`, inclusive. */
export function allWithin(q: Quantity, min: number, max: number): boolean {
	return q.min >= min && q.max <= max;
}

function exactly(n: number): Quantity {
	return { min: n, max: n, minExcluded: false, maxExcluded: false };
}
