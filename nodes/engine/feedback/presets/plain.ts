/**
 * The plain shape, for any CRM or form without a preset, and for outcomes recorded by hand:
 *
 *   { "eventId": "evt-981", "disposition": "rejected", "reason": "no budget",
 *     "occurredAt": "2026-03-10T14:05:00Z", "email": "dana@globex.com" }
 *
 * `disposition` (or `code`) is a code, its label or an alias; `reason` a reason's code, label or
 * alias, or words of one's own where the code allows them; `amount` and `currency` for a won deal.
 * The lead is named by `handoffKey`, `email` and/or `record` ({ system, type, id }). One object or
 * a list of them. Without an `eventId` the event is keyed by its content, so the same object sent
 * twice counts once.
 */
import { LeadDataError } from '../../common/errors';
import { eventKeyOf } from '../../common/eventKey';
import { knownCodesWords, parseAmount, resolveReason, type CompiledDispositions } from '../dispositions';
import type { CrmRecord, OutcomeEvent } from '../outcome';
import { collect, dropUndefined, emptyResult, eventTime, isRecord, text, type MappingContext, type MappingPreset } from './common';

/** One plain outcome, as a workflow or the Record Outcome operation gives it. */
export interface PlainOutcome {
	eventId?: string | number;
	disposition?: string;
	code?: string;
	reason?: string;
	amount?: number | string;
	currency?: string;
	occurredAt?: unknown;
	handoffKey?: string;
	email?: string;
	record?: { system?: string; type?: string; id: string | number };
	by?: string;
}

/** Reads one plain outcome; a LeadDataError names the field (with `prefix`, e.g. "[2].") and what was expected. */
export function plainEvent(dispositions: CompiledDispositions, input: unknown, context: MappingContext, prefix = '', source = 'plain'): OutcomeEvent {
	if (!isRecord(input)) throw new LeadDataError(prefix ? prefix.replace(/\.$/, '') : 'body', 'an outcome object with a disposition', input);
	const name = input.disposition ?? input.code;
	const amount = parseAmount(input.amount, `${prefix}amount`);
	const event: OutcomeEvent = {
		id: '',
		at: eventTime(input.occurredAt, `${prefix}occurredAt`, context),
		source,
	};
	if (name === undefined || name === null || name === '') {
		if (amount === undefined) throw new LeadDataError(`${prefix}disposition`, `a disposition code (${knownCodesWords(dispositions)}), or an amount`, name);
	} else {
		const code = typeof name === 'string' ? dispositions.find(name) : undefined;
		if (!code) throw new LeadDataError(`${prefix}disposition`, `one of the disposition codes: ${knownCodesWords(dispositions)}`, name);
		event.code = code.code;
		event.stage = code.stage;
		const reason = resolveReason(dispositions, code, input.reason, `${prefix}reason`);
		if (reason) Object.assign(event, reason);
		if (amount !== undefined && code.amount === 'none') {
			throw new LeadDataError(`${prefix}amount`, `no amount: "${code.label}" carries none (codes of stage won do)`, input.amount);
		}
		if (amount === undefined && code.amount === 'required') throw new LeadDataError(`${prefix}amount`, `the amount of "${code.label}"`, input.amount);
	}
	event.amount = amount;
	event.currency = text(input.currency)?.toUpperCase();
	event.handoffKey = text(input.handoffKey);
	event.email = text(input.email)?.toLowerCase();
	event.actor = text(input.by);
	if (input.record !== undefined) event.record = readRecord(input.record, `${prefix}record`, source);
	const given = input.eventId;
	if (given !== undefined && given !== null && given !== '' && text(given) === undefined) {
		throw new LeadDataError(`${prefix}eventId`, "the event's id (a text or a number), or empty to key the event by its content", given);
	}
	event.id = `${source}:${eventKeyOf(input, text(given))}`;
	return dropUndefined(event);
}

function readRecord(value: unknown, field: string, source: string): CrmRecord {
	const id = isRecord(value) ? text(value.id) : undefined;
	if (!isRecord(value) || id === undefined) throw new LeadDataError(field, 'the CRM record as { system, type, id }', value);
	return { system: text(value.system) ?? source, type: text(value.type) ?? 'record', id };
}

export type PlainPreset = MappingPreset;

export function compilePlain(dispositions: CompiledDispositions): PlainPreset {
	return {
		map(payload, context) {
			const result = emptyResult();
			const list = Array.isArray(payload) ? payload : [payload];
			list.forEach((item, i) => collect(result, () => result.events.push(plainEvent(dispositions, item, context, Array.isArray(payload) ? `[${i}].` : ''))));
			return result;
		},
	};
}
