/**
 * Checks every value a store operation receives before it reaches SQL, the same on both backends:
 * what one engine would refuse (NUL, oversized keys), the other refuses too, with a message that
 * names the value. Shared by the ledger (store.ts) and the hand-offs (handoffs.ts).
 */
import { StoreError } from './errors';

/** PostgreSQL's btree rows hold at most ~2.7 kB: three keys of this size (scope, lead, event) fit in a primary key. */
const MAX_KEY_BYTES = 512;

/** Invalid input: `message` names the field and what was expected; the lead's values go in `description`. */
export function invalid(message: string, description?: string): StoreError {
	return new StoreError('invalid-input', message, description === undefined ? undefined : { description });
}

/** What kind of value came, without its content (it may be a lead's email address or name). */
function kindOf(value: unknown): string {
	if (typeof value === 'string') return value.length === 0 ? 'an empty text' : `a text of ${value.length} character${value.length === 1 ? '' : 's'}`;
	if (typeof value === 'number') return Number.isFinite(value) ? (Number.isInteger(value) ? 'a number too large to be exact' : 'a number with a fraction') : String(value);
	if (value === null || value === undefined) return String(value);
	if (Array.isArray(value)) return 'a list';
	return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * The checks below take `what` (the field, in words, with no lead values) and, optionally,
 * `values` (the lead's key and such, for the description only).
 */
export function checkKey(value: unknown, what: string, values?: string): string {
	if (typeof value !== 'string' || value.length === 0) throw invalid(`${what} must be a non-empty string, got ${value === '' ? 'an empty string' : typeof value}.`, values);
	const bytes = Buffer.byteLength(value, 'utf8');
	if (bytes > MAX_KEY_BYTES) throw invalid(`${what} is ${bytes} bytes long (UTF-8); at most ${MAX_KEY_BYTES} are allowed. Hash longer keys.`, values);
	// PostgreSQL cannot store NUL in text; refuse it on both backends so they behave alike.
	if (value.includes('\u0000')) throw invalid(`${what} contains a NUL character.`, values);
	return value;
}

export function checkTime(value: unknown, what: string, values?: string): number {
	if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw invalid(`${what} must be a time in whole epoch milliseconds, got ${kindOf(value)}.`, withValue(values, value));
	return value;
}

export function checkNumber(value: unknown, what: string, values?: string): number {
	if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(`${what} must be a finite number, got ${kindOf(value)}.`, withValue(values, value));
	return value;
}

export function toJson(value: unknown, what: string, values?: string): string {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`${what} must be an object, got ${kindOf(value)}.`, values);
	let json: string;
	try {
		json = JSON.stringify(value);
	} catch (error) {
		// JSON.stringify's own messages name types and keys (a cycle, a BigInt), not values.
		throw invalid(`${what} cannot be stored as JSON: ${(error as Error).message.split('\n')[0]}`, values);
	}
	if (!json.startsWith('{')) throw invalid(`${what} must be a plain object.`, values);
	// PostgreSQL's JSONB refuses \u0000; refuse it on both backends.
	if (json.includes('\\u0000')) throw invalid(`${what} contains a NUL character.`, values);
	return json;
}

/** The description of a refused value: the lead's values, and the value itself (it may be personal). */
function withValue(values: string | undefined, value: unknown): string {
	let shown: string;
	try {
		shown = typeof value === 'string' ? JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value) : String(value);
	} catch {
		shown = typeof value;
	}
	return [values, `The value given is ${shown}.`].filter(Boolean).join(' ');
}
