/**
 * Two kinds of failure the engine reports, so nodes can map them differently:
 * a protocol (configuration) error stops the run before any item is processed;
 * a lead data error concerns one item and goes to that item's error output.
 */

/** The protocol (rules, tiers, roster, ...) is invalid. `path` is a JSON path such as `/fit/2/points`. */
export class ProtocolError extends Error {
	constructor(
		message: string,
		readonly path: string = '',
	) {
		super(message);
		this.name = 'ProtocolError';
	}

	/** An error about one place in the protocol: the message starts with its JSON path. */
	static at(path: string, message: string): ProtocolError {
		return new ProtocolError(`${path || '/'}: ${message}`, path);
	}
}

/**
 * One lead's data is unusable: names the field and what was expected. The message says what kind
 * of value came, never the value itself: n8n logs a failed node's message, and a lead's fields
 * hold emails, names and phone numbers. The value is in `shown`, for the node's error
 * description and the error item, which n8n keeps with the execution and does not log.
 */
export class LeadDataError extends Error {
	readonly shown: string;

	constructor(
		readonly field: string,
		readonly expected: string,
		readonly received: unknown,
	) {
		super(`Field "${field}": expected ${expected}, got ${describeKind(received)}`);
		this.name = 'LeadDataError';
		this.shown = describeValue(received);
	}
}

/** What kind of value this is, without its content (a text's words or a number's digits may be personal). */
export function describeKind(value: unknown): string {
	if (typeof value === 'string') return value.length === 0 ? 'an empty text' : `a text of ${value.length} character${value.length === 1 ? '' : 's'}`;
	if (typeof value === 'number') return Number.isFinite(value) ? 'a number' : String(value);
	return describeValue(value);
}

export function describeValue(value: unknown): string {
	if (value === undefined) return 'nothing';
	if (value === null) return 'null';
	if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	if (Array.isArray(value)) return `an array of ${value.length}`;
	return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
