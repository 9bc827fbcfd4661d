import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';

import { ProtocolError } from './errors';

/** One Ajv instance for the whole package: schemas compile once per process. */
const ajv = new Ajv({ allErrors: true, strict: true, useDefaults: false, allowUnionTypes: true });

const compiled = new Map<object, ValidateFunction>();

/**
 * Validates a protocol part against its JSON Schema. Throws one ProtocolError that lists
 * every problem with its JSON path, e.g. `/fit/2/points: must be number`.
 */
export function assertMatchesSchema<T>(schema: object, data: unknown, what: string): asserts data is T {
	let validate = compiled.get(schema);
	if (!validate) {
		validate = ajv.compile(schema);
		compiled.set(schema, validate);
	}
	if (validate(data)) return;
	const problems = (validate.errors ?? []).map(describeError);
	const first = validate.errors?.[0];
	throw new ProtocolError(
		`${what} is invalid: ${[...new Set(problems)].join('; ')}`,
		first ? first.instancePath || '/' : '',
	);
}

function describeError(error: ErrorObject): string {
	const where = error.instancePath || '/';
	if (error.keyword === 'additionalProperties') {
		return `${where}: unknown property "${(error.params as { additionalProperty: string }).additionalProperty}"`;
	}
	if (error.keyword === 'enum') {
		return `${where}: must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
	}
	return `${where}: ${error.message ?? 'is invalid'}`;
}

/** Parses protocol JSON typed into a node parameter; a syntax error becomes a ProtocolError. */
export function parseProtocolJson(value: unknown, what: string): unknown {
	if (typeof value !== 'string') return value;
	try {
		return JSON.parse(value);
	} catch (error) {
		throw new ProtocolError(`${what} is not valid JSON: ${(error as Error).message}`);
	}
}
