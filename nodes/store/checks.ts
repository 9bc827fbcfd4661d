/**
 * Checks every value a store operation receives before it reaches SQL, the same on both backends:
 * what one engine would refuse (NUL, oversized keys), the other refuses too, with a message that
 * names the value. Shared by the ledger (store.ts) and the hand-offs (handoffs.ts).
 */
import { StoreError } from './errors';

/** PostgreSQL's btree rows hold at most ~2.7 kB: three keys of this size (scope, lead, event) fit in a primary key. */
const MAX_KEY_BYTES = 512;

export function invalid(message: string): StoreError {
	return new StoreError('invalid-input', message);
}

export function checkKey(value: unknown, what: string): string {
	if (typeof value !== 'string' || value.length === 0) throw invalid(`${what} must be a non-empty string, got ${value === '' ? 'an empty string' : typeof value}.`);
	const bytes = Buffer.byteLength(value, 'utf8');
	if (bytes > MAX_KEY_BYTES) throw invalid(`${what} is ${bytes} bytes long (UTF-8); at most ${MAX_KEY_BYTES} are allowed. Hash longer keys.`);
	// PostgreSQL cannot store NUL in text; refuse it on both backends so they behave alike.
	if (value.includes('\u0000')) throw invalid(`${what} contains a NUL character.`);
	return value;
}

export function checkTime(value: unknown, what: string): number {
	if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw invalid(`${what} must be a time in whole epoch milliseconds, got ${String(value)}.`);
	return value;
}

export function checkNumber(value: unknown, what: string): number {
	if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(`${what} must be a finite number, got ${String(value)}.`);
	return value;
}

export function toJson(value: unknown, what: string): string {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`${what} must be an object.`);
	let json: string;
	try {
		json = JSON.stringify(value);
	} catch (error) {
		throw invalid(`${what} cannot be stored as JSON: ${(error as Error).message}`);
	}
	if (!json.startsWith('{')) throw invalid(`${what} must be a plain object.`);
	// PostgreSQL's JSONB refuses \u0000; refuse it on both backends.
	if (json.includes('\\u0000')) throw invalid(`${what} contains a NUL character.`);
	return json;
}
