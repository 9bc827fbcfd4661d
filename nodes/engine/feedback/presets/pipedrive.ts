/**
 * Pipedrive: deal and person webhooks, version 2.0. A v2 webhook is `{ meta, data, previous }`:
 * `meta` has the action (create, change, delete), the entity (deal, person, ...), the event's id
 * (`meta.id`, kept across retries, which count up in `meta.attempt`), the company id, the user who
 * made the change and the time; `data` is the object as it is now; `previous` holds the previous
 * values of the fields that changed (null on create).
 *
 * A deal's status (open, won, lost) gives won (with the deal's value and currency), lost (with its
 * lost_reason) and, when a closed deal goes back to open, a reopen. A new open deal is an
 * opportunity by default; stage ids can be mapped to codes (a "Demo scheduled" stage to meeting
 * booked). A person's label, or a single-option field of theirs, can be mapped to codes too.
 * Only what changed counts: a person whose name changed says nothing about the outcome.
 */
import { LeadDataError } from '../../common/errors';
import { parseAmount, resolveReason, type CompiledDispositions } from '../dispositions';
import type { CrmRecord, OutcomeEvent } from '../outcome';
import {
	collect,
	compileTarget,
	compileValueMap,
	dropUndefined,
	emptyResult,
	eventTime,
	isRecord,
	requiredId,
	targetEvent,
	text,
	type MappingPreset,
	type MappingResult,
} from './common';

export type PipedrivePreset = MappingPreset;

export function compilePipedrive(dispositions: CompiledDispositions): PipedrivePreset {
	const options = dispositions.protocol.pipedrive ?? {};
	const stages = compileValueMap(dispositions, {}, options.stages, '/pipedrive/stages');
	const personLabels = compileValueMap(dispositions, {}, options.personLabels, '/pipedrive/personLabels');
	const personOptions = compileValueMap(dispositions, {}, options.personFieldOptions, '/pipedrive/personFieldOptions');
	const opportunity = dispositions.forStage('opportunity');
	const dealCreated = options.dealCreated === undefined ? (opportunity ? { code: opportunity } : null) : compileTarget(dispositions, options.dealCreated, '/pipedrive/dealCreated');
	const won = dispositions.forStage('won');
	const lost = dispositions.forStage('lost');
	const reopened = dispositions.forStage('open');
	const company = options.companyId === undefined ? undefined : String(options.companyId);

	function deal(body: Body, base: Base, result: MappingResult): void {
		const { action, data, previous, what } = body;
		const status = text(data.status);
		const statusChanged = action === 'create' || (previous !== undefined && 'status' in previous);
		const value = parseAmount(data.value, 'data.value');
		const currency = text(data.currency);
		const person = text(data.person_id);
		const facet = (name: string): Base => ({ ...base, id: `${base.id}:${name}`, links: person ? [{ system: 'pipedrive', type: 'person', id: person }] : undefined });
		const before = result.events.length;

		if (statusChanged && status === 'won') {
			if (won) result.events.push(targetEvent({ code: won }, { ...facet('status'), amount: value, currency, value: 'won', asserted: true }));
		} else if (statusChanged && status === 'lost') {
			if (lost) {
				const reasonText = text(data.lost_reason);
				const reason = reasonText === undefined ? undefined : resolveReason(dispositions, lost, reasonText, 'data.lost_reason');
				result.events.push(targetEvent({ code: lost }, { ...facet('status'), reason: reason?.reason, reasonText: reason?.reasonText, value: 'lost', asserted: true }));
			}
		} else if (status === 'open' && (action === 'create' || statusChanged || 'stage_id' in (previous ?? {}))) {
			const wasClosed = text(previous?.status);
			const stage = stages.get(text(data.stage_id) ?? '');
			if (stage) {
				// The deal's stage as it is now: it moves the outcome, and reopens a close this deal made.
				result.events.push(targetEvent(stage, { ...facet('stage'), value: `stage ${text(data.stage_id)}`, asserted: true }));
			} else if (action !== 'create' && (wasClosed === 'won' || wasClosed === 'lost') && reopened) {
				result.events.push(targetEvent({ code: reopened }, { ...facet('status'), value: `${wasClosed} to open` }));
			} else if (action === 'create' && dealCreated) {
				result.events.push(targetEvent(dealCreated, { ...facet('stage'), value: `stage ${text(data.stage_id) ?? '?'}` }));
			}
		}
		// A value or lost reason changed on its own (the deal's status did not).
		if (!statusChanged && previous !== undefined) {
			if ('value' in previous && value !== undefined) result.events.push({ ...facet('value'), amount: value, currency, value: String(value) });
			if ('lost_reason' in previous && status === 'lost' && lost) {
				const reasonText = text(data.lost_reason);
				const reason = reasonText === undefined ? undefined : resolveReason(dispositions, lost, reasonText, 'data.lost_reason');
				if (reason) result.events.push(dropUndefined<OutcomeEvent>({ ...facet('lost_reason'), reasonFor: 'lost', reason: reason.reason, reasonText: reason.reasonText, value: reasonText }));
			}
		}
		if (result.events.length === before) {
			result.ignored.push({ what, why: action === 'create' ? `a new ${status ?? ''} deal is not mapped to a disposition code` : `no change to the deal's status${stages.size ? ', a mapped stage' : ''}, value or lost reason` });
		}
	}

	function personEvent(body: Body, base: Base, result: MappingResult): void {
		const { action, data, previous, what } = body;
		const changed = (field: string) => action === 'create' || (previous !== undefined && field in previous);
		const before = result.events.length;
		if (personLabels.size && (changed('label') || changed('label_ids'))) {
			const now = labelIds(data);
			const had = action === 'create' ? new Set<string>() : new Set(labelIds(previous ?? {}));
			for (const label of now) {
				if (had.has(label)) continue;
				const target = personLabels.get(label);
				if (target) result.events.push(targetEvent(target, { ...base, id: `${base.id}:label:${label}`, value: `label ${label}`, asserted: true }));
			}
		}
		if (options.personField && personOptions.size) {
			const current = isRecord(data.custom_fields) ? data.custom_fields[options.personField] : undefined;
			const previousFields = isRecord(previous?.custom_fields) ? previous.custom_fields : undefined;
			if (action === 'create' || (previousFields !== undefined && options.personField in previousFields)) {
				const option = isRecord(current) ? text(current.id) : text(current);
				const target = option === undefined ? undefined : personOptions.get(option);
				if (target) result.events.push(targetEvent(target, { ...base, id: `${base.id}:field:${option}`, value: `option ${option}`, asserted: true }));
			}
		}
		if (result.events.length === before) {
			result.ignored.push({ what, why: personLabels.size || personOptions.size ? "no mapped label or field of the person changed" : 'no person label or field is mapped to a disposition code (pipedrive.personLabels, pipedrive.personField)' });
		}
	}

	return {
		map(payload, context) {
			const result = emptyResult();
			collect(result, () => {
				const body = readBody(payload);
				const { meta, what } = body;
				if (company !== undefined && text(meta.company_id) !== company) {
					result.ignored.push({ what, why: `it comes from Pipedrive company ${text(meta.company_id) ?? '(none)'}, not ${company}` });
					return;
				}
				if (body.action === 'delete') {
					result.ignored.push({ what, why: 'a deleted record says nothing about the outcome' });
					return;
				}
				const eventId = requiredId(meta.id, 'meta.id', "the id of Pipedrive's event");
				const objectId = requiredId(body.data.id ?? meta.entity_id, 'data.id', `the ${body.entity}'s id`);
				const person = body.entity === 'person' ? personEmail(body.data) : undefined;
				const base: Base = dropUndefined({
					id: `pipedrive:${text(meta.company_id) ?? '-'}:${eventId}`,
					at: eventTime(meta.timestamp, 'meta.timestamp', context),
					source: 'pipedrive',
					record: { system: 'pipedrive', type: body.entity, id: objectId } as CrmRecord,
					actor: text(meta.user_id),
					email: person,
				});
				if (body.entity === 'deal') deal(body, base, result);
				else if (body.entity === 'person') personEvent(body, base, result);
				else result.ignored.push({ what, why: `${body.entity} webhooks say nothing about a lead's outcome (deal and person do)` });
			});
			return result;
		},
	};
}

type Base = Omit<OutcomeEvent, 'code' | 'stage'>;

interface Body {
	meta: Record<string, unknown>;
	action: string;
	entity: string;
	data: Record<string, unknown>;
	previous?: Record<string, unknown>;
	what: string;
}

function readBody(payload: unknown): Body {
	if (!isRecord(payload)) throw new LeadDataError('body', 'a Pipedrive webhook (an object with meta, data and previous)', payload);
	const meta = payload.meta;
	if (!isRecord(meta)) throw new LeadDataError('meta', "the webhook's meta block", meta);
	if (meta.v === 1 || 'current' in payload || (text(meta.version) !== undefined && !text(meta.version)?.startsWith('2'))) {
		throw new LeadDataError('meta.version', 'a webhooks v2 payload (meta.version "2.0"): create the webhook with version 2.0', meta.version ?? meta.v);
	}
	const action = text(meta.action);
	const entity = text(meta.entity);
	if (!action) throw new LeadDataError('meta.action', 'create, change or delete', meta.action);
	if (!entity) throw new LeadDataError('meta.entity', 'the kind of object (deal, person, ...)', meta.entity);
	const what = `${action} ${entity} ${text(meta.entity_id) ?? ''}`.trim();
	const current = action === 'delete' ? payload.previous : payload.data;
	if (!isRecord(current)) throw new LeadDataError(action === 'delete' ? 'previous' : 'data', `the ${entity} as it is now`, current);
	const previous = isRecord(payload.previous) ? payload.previous : undefined;
	return { meta, action, entity, data: current, previous, what };
}

function labelIds(person: Record<string, unknown>): string[] {
	if (Array.isArray(person.label_ids)) return person.label_ids.map((id) => text(id)).filter((id): id is string => id !== undefined);
	const label = text(person.label);
	return label === undefined ? [] : [label];
}

function personEmail(person: Record<string, unknown>): string | undefined {
	const emails = Array.isArray(person.emails) ? person.emails : Array.isArray(person.email) ? person.email : [];
	const entries = emails.filter(isRecord);
	const primary = entries.find((e) => e.primary === true) ?? entries[0];
	return text(primary?.value)?.toLowerCase();
}
