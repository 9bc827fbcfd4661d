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

/** One lead's data is unusable: names the field and what was expected. */
export class LeadDataError extends Error {
	constructor(
		readonly field: string,
		readonly expected: string,
		readonly received: unknown,
	) {
		super(`Field "${field}": expected ${expected}, got ${describeValue(received)}`);
		this.name = 'LeadDataError';
	}
}

export function describeValue(value: unknown): string {
	if (value === undefined) return 'nothing';
	if (value === null) return 'null';
	if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	if (Array.isArray(value)) return `an array of ${value.length}`;
	return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
