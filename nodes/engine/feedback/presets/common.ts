/**
 * What the CRM presets share: the result shape, value maps compiled once against the disposition
 * codes, and reading the plain values a webhook carries.
 */
import { describeValue, LeadDataError, ProtocolError } from '../../common/errors';
import { parseTimestamp } from '../../common/time';
import { knownCodesWords, normalizeName, type CompiledDispositions, type DispositionCode, type ValueMap } from '../dispositions';
import type { OutcomeEvent } from '../outcome';
import type { Stage } from '../stages';

/** What a mapping needs besides the payload: the time it was received (epoch ms), and the zone of times without an offset. */
export interface MappingContext {
	receivedAt: number;
	zone?: string;
}

/** A change in the payload that is not an outcome, and why (a property nobody mapped, a deleted record). */
export interface IgnoredChange {
	/** Which change: "event 2 (hs_lead_status = NEW)". */
	what: string;
	why: string;
}

export interface MappingResult {
	events: OutcomeEvent[];
	ignored: IgnoredChange[];
	/** Parts of the payload that could not be read; the rest still counts. */
	errors: LeadDataError[];
}

/** A CRM preset, compiled once per execution: a webhook payload in, outcome events out. */
export interface MappingPreset {
	map(payload: unknown, context: MappingContext): MappingResult;
}

export function emptyResult(): MappingResult {
	return { events: [], ignored: [], errors: [] };
}

/** A code with an optional reason, as a value map gives it. */
export interface Target {
	code: DispositionCode;
	reason?: string;
}

/** A default mapping names a stage (and a reason): it goes to the first code of that stage. */
export interface DefaultTarget {
	stage: Stage;
	reason?: string;
}

/** A value map compiled against the codes: look a CRM value up by its normalized form; "*" is any other value. */
export interface CompiledValueMap {
	get(value: string): Target | null | undefined;
	readonly size: number;
}

/**
 * Compiles a value map: the defaults (by stage; a default whose stage no code has is left out)
 * under the user's entries (by code; null removes a value). Unknown codes and reasons are
 * ProtocolErrors naming `path`.
 */
export function compileValueMap(dispositions: CompiledDispositions, defaults: Readonly<Record<string, DefaultTarget>>, own: ValueMap | undefined, path: string): CompiledValueMap {
	const entries = new Map<string, Target | null>();
	for (const [value, target] of Object.entries(defaults)) {
		const code = dispositions.forStage(target.stage);
		if (!code) continue;
		const reason = target.reason !== undefined ? dispositions.findReason(code, target.reason)?.code : undefined;
		entries.set(keyOf(value), reason ? { code, reason } : { code });
	}
	for (const [value, target] of Object.entries(own ?? {})) {
		entries.set(keyOf(value), compileTarget(dispositions, target, `${path}/${escapePointer(value)}`));
	}
	return {
		get: (value) => {
			const key = keyOf(value);
			return entries.has(key) ? entries.get(key) : entries.get('*');
		},
		size: entries.size,
	};
}

/** One target as the protocol writes it: a code, `{ code, reason }`, or null. */
export function compileTarget(dispositions: CompiledDispositions, target: ValueMap[string] | undefined, path: string): Target | null {
	if (target === null || target === undefined) return null;
	const name = typeof target === 'string' ? target : target.code;
	const code = dispositions.find(name);
	if (!code) throw ProtocolError.at(path, `unknown disposition code "${name}"; the codes are ${knownCodesWords(dispositions)}`);
	if (typeof target === 'string' || target.reason === undefined) return { code };
	const reason = dispositions.findReason(code, target.reason);
	if (!reason) {
		const known = (code.reasons ?? []).map((r) => r.code).join(', ') || 'none';
		throw ProtocolError.at(`${path}/reason`, `code "${code.code}" has no reason "${target.reason}"; its reasons are ${known}`);
	}
	return { code, reason: reason.code };
}

function keyOf(value: string): string {
	return value === '*' ? '*' : normalizeName(value);
}

function escapePointer(key: string): string {
	return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The event a target makes, with the fields every event has. */
export function targetEvent(target: Target, base: Omit<OutcomeEvent, 'code' | 'stage'>): OutcomeEvent {
	const event: OutcomeEvent = { ...base, code: target.code.code, stage: target.code.stage };
	if (target.reason !== undefined && event.reason === undefined) event.reason = target.reason;
	return dropUndefined(event);
}

export function dropUndefined<T extends object>(value: T): T {
	for (const key of Object.keys(value) as Array<keyof T>) if (value[key] === undefined) delete value[key];
	return value;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value as text: strings trimmed, numbers written out; empty and other types are undefined. */
export function text(value: unknown): string | undefined {
	if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return undefined;
}

/** "true"/"false" as outbound messages send them, or booleans. */
export function bool(value: unknown): boolean | undefined {
	if (typeof value === 'boolean') return value;
	if (typeof value === 'string') {
		const v = value.trim().toLowerCase();
		if (v === 'true') return true;
		if (v === 'false') return false;
	}
	return undefined;
}

/** The time an event happened: the payload's time when it has one, else the time it was received. */
export function eventTime(value: unknown, field: string, context: MappingContext): number {
	if (value === undefined || value === null || value === '') return context.receivedAt;
	return parseTimestamp(value, field, context.zone);
}

/** A required id: a non-blank text or a number. */
export function requiredId(value: unknown, field: string, expected: string): string {
	const id = text(value);
	if (id === undefined) throw new LeadDataError(field, expected, value);
	return id;
}

/** Runs one part of a payload; a LeadDataError is collected and the rest goes on. */
export function collect(result: MappingResult, part: () => void): void {
	try {
		part();
	} catch (error) {
		if (error instanceof LeadDataError) result.errors.push(error);
		else throw error;
	}
}

export function shortValue(value: unknown): string {
	return typeof value === 'string' ? JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value) : describeValue(value);
}
