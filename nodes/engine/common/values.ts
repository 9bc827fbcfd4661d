/** How lead field values are read by every rule that tests one (scoring, gate, routing). */

/** A value counts as present unless it is missing, null, blank text or an empty list. */
export function isPresent(value: unknown): boolean {
	if (value === undefined || value === null) return false;
	if (typeof value === 'string') return value.trim() !== '';
	if (Array.isArray(value)) return value.length > 0;
	return true;
}

/** Multi-select fields (arrays, or "a;b" as HubSpot sends them) match when any value does. */
export function anyValue(value: unknown, test: (v: unknown) => boolean): boolean {
	if (Array.isArray(value)) return value.some(test);
	if (typeof value === 'string' && value.includes(';')) return value.split(';').some((v) => test(v)) || test(value);
	return test(value);
}
