/**
 * Record Outcome: what sales did with a handed-off lead, from a CRM webhook (HubSpot, Salesforce,
 * Pipedrive presets, or the plain shape) or from fields mapped by hand. Each outcome event is
 * recorded once (the same CRM event again changes nothing and leaves on Unchanged), filed under
 * the lead's hand-off and linked to its assignment, SLA timer and scoring model; a first contact
 * or an acceptance stops the hand-off's SLA timer, a rejection cancels it, in the same
 * transaction. A test run from the editor keeps nothing unless Record Test Runs is on.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { LeadDataError } from '../../../engine/common/errors';
import {
	compileHubSpot,
	compilePipedrive,
	compilePlain,
	compileSalesforce,
	plainEvent,
	slaEffect,
	STAGE_LABELS,
	type CompiledDispositions,
	type MappingPreset,
	type MappingResult,
	type OutcomeEvent,
	type PlainOutcome,
} from '../../../engine/feedback';
import { eventKeyOf } from '../../../engine/common/eventKey';
import { leadKeyOf } from '../../../engine/scoring';
import { changeFor, type SlaTimer, type TimerChange } from '../../../engine/sla';
import { clock } from '../../../shared/clock';
import { processItems } from '../../../shared/items';
import { storeScopeOf, storeScopeOption } from '../../../shared/leadInput';
import { foldOutcome } from '../../../shared/outcomeFold';
import { openStoreFor } from '../../../shared/store';
import { recordTestRunsOption, withStoreRun, type StoreRun } from '../../../shared/testRun';
import type { HandoffStore, OutcomeRecordOutcome, StoredOutcome } from '../../../store';
import { dispositionProperties, dispositionsOf } from './dispositions';

export const outputs = ['Recorded', 'Unchanged'];
const RECORDED = 0;
const UNCHANGED = 1;

type Input = 'fields' | 'plain' | 'hubspot' | 'salesforce' | 'pipedrive';

const fromPreset = { show: { input: ['plain', 'hubspot', 'salesforce', 'pipedrive'] } };
const fromFields = { show: { input: ['fields'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Input',
		name: 'input',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Fields Mapped Here', value: 'fields', description: 'Disposition, reason, amount, time and lead from the item, one outcome per item' },
			{ name: 'HubSpot Webhook', value: 'hubspot', description: 'Contact and deal property changes: lead status, lifecycle stage, deal stage, amount, lost reason' },
			{ name: 'Pipedrive Webhook (V2)', value: 'pipedrive', description: 'Deals won, lost, reopened, created or moved; person labels' },
			{ name: 'Plain Shape', value: 'plain', description: '{ eventId, disposition, reason, amount, currency, occurredAt, email, handoffKey }, one or a list' },
			{ name: 'Salesforce (Flow or Outbound Message)', value: 'salesforce', description: 'Lead status and the converted opportunity\'s stage' },
		],
		default: 'fields',
	},
	{
		displayName: 'Payload',
		name: 'payload',
		type: 'json',
		default: '={{ $json.body ?? $json }}',
		displayOptions: fromPreset,
		description: "The webhook's body as the CRM sent it (Lead Feedback Trigger and n8n's Webhook node put it in body)",
	},
	{
		displayName: 'Lead Key',
		name: 'presetLeadKey',
		type: 'string',
		default: '',
		displayOptions: fromPreset,
		description: "The lead as Lead Score and Tier Router filed it (its email address or CRM record ID). Empty: the email the CRM sent, else the contact's or person's record ID.",
	},
	{
		displayName: 'Hand-Off Key',
		name: 'presetHandoffKey',
		type: 'string',
		default: '',
		displayOptions: fromPreset,
		description: "The hand-off, when the CRM stores Tier Router's key (routing.slaTimer.handoffKey) and sends it back. Empty: the one the event names, else the lead's hand-off the event came after.",
	},
	{
		displayName: 'Disposition',
		name: 'disposition',
		type: 'string',
		default: '={{ $json.disposition }}',
		required: true,
		displayOptions: fromFields,
		description: 'A disposition code, its label or an alias: accepted, rejected, contacted, meeting_booked, opportunity, won, lost, reopened (or your own)',
	},
	{
		displayName: 'Lead Key',
		name: 'leadKey',
		type: 'string',
		default: '={{ $json.email }}',
		displayOptions: fromFields,
		description: 'The lead as Lead Score and Tier Router filed it: its email address (compared without case) or CRM record ID. May be empty when Hand-Off Key names a known hand-off.',
	},
	{
		displayName: 'Hand-Off Key',
		name: 'handoffKey',
		type: 'string',
		default: '',
		displayOptions: fromFields,
		description: "The hand-off (Tier Router's routing.slaTimer.handoffKey, Handoff Gate's handoff.eventKey). Empty: the lead's hand-off the outcome came after.",
	},
	{
		displayName: 'Fields',
		name: 'fields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: fromFields,
		options: [
			{ displayName: 'Amount', name: 'amount', type: 'string', default: '', placeholder: '12500', description: 'What a won deal is worth, e.g. 12500 or "12,500.00"' },
			{ displayName: 'By', name: 'by', type: 'string', default: '', description: 'Who recorded it in the CRM (a user name or ID)' },
			{ displayName: 'Currency', name: 'currency', type: 'string', default: '', placeholder: 'EUR' },
			{ displayName: 'Event ID', name: 'eventId', type: 'string', default: '', description: "The CRM event's ID: the same ID again changes nothing. Empty: the outcome is keyed by its content." },
			{ displayName: 'Occurred At', name: 'occurredAt', type: 'dateTime', default: '', description: 'When it happened in the CRM. Empty: now.' },
			{ displayName: 'Reason', name: 'reason', type: 'string', default: '', description: 'For rejected and lost: a reason code, label or alias (not qualified, wrong timing, no budget, chose a competitor, ...) or your own words' },
		],
	},
	...dispositionProperties,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{ displayName: 'Output Field', name: 'outputField', type: 'string', default: 'outcome', description: 'Field of the output item that receives the outcome and what happened' },
			recordTestRunsOption('the outcome (and the SLA timer it stops)'),
			storeScopeOption,
			{
				displayName: 'Update SLA Timer',
				name: 'updateSlaTimer',
				type: 'boolean',
				default: true,
				description: "Whether a first contact (or a later stage) stops the hand-off's SLA timer, an acceptance meets an acknowledge SLA, and a rejection cancels the timer",
			},
		],
	},
];

interface Prepared {
	store: HandoffStore;
	run: StoreRun;
	input: Input;
	dispositions: CompiledDispositions;
	preset?: MappingPreset;
	scope: string;
	zone: string;
	outputField: string;
	updateSla: boolean;
}

function compilePreset(input: Input, dispositions: CompiledDispositions): MappingPreset | undefined {
	switch (input) {
		case 'hubspot':
			return compileHubSpot(dispositions);
		case 'salesforce':
			return compileSalesforce(dispositions);
		case 'pipedrive':
			return compilePipedrive(dispositions);
		case 'plain':
			return compilePlain(dispositions);
		default:
			return undefined;
	}
}

function optionalText(ctx: IExecuteFunctions, name: string, i: number): string | undefined {
	const value = ctx.getNodeParameter(name, i, '') as unknown;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** The item's outcome events: mapped from its payload by a preset, or from the fields mapped here. */
function eventsOf(ctx: IExecuteFunctions, i: number, p: Prepared, receivedAt: number, about: { lead?: string; handoff?: string }): MappingResult {
	if (p.preset) {
		let payload = ctx.getNodeParameter('payload', i, undefined) as unknown;
		if (typeof payload === 'string') {
			try {
				payload = JSON.parse(payload);
			} catch {
				throw dataError('Payload', "the CRM webhook's body as JSON (an object or a list)", payload);
			}
		}
		return p.preset.map(payload, { receivedAt, zone: p.zone });
	}
	const fields = ctx.getNodeParameter('fields', i, {}) as IDataObject;
	const disposition = ctx.getNodeParameter('disposition', i, '') as unknown;
	const plain: PlainOutcome = { disposition: disposition as string };
	if (fields.reason !== undefined && fields.reason !== '') plain.reason = fields.reason as string;
	if (fields.amount !== undefined && fields.amount !== '') plain.amount = fields.amount as string;
	if (fields.currency) plain.currency = fields.currency as string;
	if (fields.occurredAt) plain.occurredAt = fields.occurredAt;
	if (fields.by) plain.by = fields.by as string;
	if (fields.eventId !== undefined && fields.eventId !== '') plain.eventId = fields.eventId as string;
	// Keyed by content when no Event ID is mapped: the lead and hand-off it is about are part of that
	// content, so two leads' same disposition at the same time are two events, not one.
	try {
		const event = plainEvent(p.dispositions, plain, { receivedAt, zone: p.zone }, '', 'manual');
		if (plain.eventId === undefined) event.id = `manual:${eventKeyOf({ ...plain, about: { lead: about.lead ?? null, handoff: about.handoff ?? null } }, undefined)}`;
		return { events: [event], ignored: [], errors: [] };
	} catch (error) {
		throw renameField(error);
	}
}

const FIELD_NAMES: Record<string, string> = { disposition: 'Disposition', reason: 'Reason', amount: 'Amount', occurredAt: 'Occurred At', eventId: 'Event ID', currency: 'Currency' };

function renameField(error: unknown): unknown {
	if (error instanceof LeadDataError && FIELD_NAMES[error.field]) return new LeadDataError(FIELD_NAMES[error.field], error.expected, error.received);
	return error;
}

/** The lead an event is about: the key mapped here, else the CRM's email, else its contact or person record. */
function leadOf(event: OutcomeEvent, given: string | undefined, field: string): string | undefined {
	if (given !== undefined) return leadKeyOf(given, field);
	if (event.email) return leadKeyOf(event.email, field);
	const people = [event.record, ...(event.links ?? [])].filter((r) => r && /^(contact|person|lead)$/i.test(r.type));
	if (people[0]) return people[0].id;
	return event.record?.id;
}

function outcomeView(outcome: StoredOutcome | undefined): IDataObject {
	if (!outcome) return {};
	const reached: IDataObject = {};
	for (const [stage, at] of Object.entries(outcome.reached)) reached[stage] = new Date(at).toISOString();
	return {
		leadKey: outcome.leadKey,
		handoffKey: outcome.handoffKey || null,
		stage: outcome.stage,
		stageLabel: STAGE_LABELS[outcome.stage as keyof typeof STAGE_LABELS] ?? outcome.stage,
		closed: outcome.closed,
		...(outcome.code ? { code: outcome.code } : {}),
		...(outcome.reason ? { reason: outcome.reason } : {}),
		...(outcome.reasonText ? { reasonText: outcome.reasonText } : {}),
		...(outcome.amount !== undefined ? { amount: outcome.amount } : {}),
		...(outcome.currency ? { currency: outcome.currency } : {}),
		reached,
		corrections: outcome.corrections,
		events: outcome.eventCount,
		linked: {
			handedOffAt: outcome.handedOffAt === undefined ? null : new Date(outcome.handedOffAt).toISOString(),
			assignment: outcome.assignmentKey ?? null,
			repId: outcome.repId ?? null,
			team: outcome.team ?? null,
			slaTimer: outcome.slaTimerKey ?? null,
			modelId: outcome.modelId ?? null,
		},
	};
}

function slaView(result: OutcomeRecordOutcome<SlaTimer>, said: TimerChange[]): IDataObject | undefined {
	if (result.status !== 'recorded' || !result.sla) return undefined;
	if (result.sla.kept) return { outcome: 'kept', note: 'No SLA timer yet: the contact is kept and closes the timer when it starts' };
	if (result.sla.timers.length === 0) return { outcome: 'notFound', note: 'No SLA timer for this hand-off; nothing to stop' };
	const last = said.slice(-result.sla.timers.length);
	return {
		changed: result.sla.timers.some((t) => t.changed),
		outcome: last[0]?.outcome ?? 'unchanged',
		note: last[0]?.message ?? '',
		status: result.sla.timers[0].after.status,
	};
}

async function recordOne(p: Prepared, event: OutcomeEvent, leadKey: string | undefined, handoffKey: string | undefined, receivedAt: number, payload: string | undefined): Promise<IDataObject> {
	const said: TimerChange[] = [];
	const effect = p.updateSla && event.stage ? slaEffect(event.stage) : undefined;
	const sla = effect
		? {
				at: event.at,
				change: changeFor(effect === 'contact' ? { kind: 'contact', at: event.at, byLead: handoffKey === undefined } : effect === 'accept' ? { kind: 'accept', at: event.at } : { kind: 'cancel', at: event.at, reason: `Rejected in the CRM${event.reason ? ` (${event.reason})` : ''}` }, said),
				keepContact: effect === 'contact',
			}
		: undefined;
	const result = await p.store.recordOutcomeEvent<SlaTimer>(
		{
			scope: p.scope,
			...(leadKey !== undefined ? { leadKey } : {}),
			...(handoffKey !== undefined ? { handoffKey } : {}),
			receivedAt,
			event: {
				source: event.source,
				eventId: event.id,
				occurredAt: event.at,
				event: event as unknown as Record<string, unknown>,
				...(event.code ? { code: event.code } : {}),
				...(event.stage ? { stage: event.stage } : {}),
				...(event.reason ? { reason: event.reason } : {}),
				...(event.amount !== undefined ? { amount: event.amount } : {}),
				...(event.currency ? { currency: event.currency } : {}),
				...(payload ? { payload } : {}),
			},
			...(sla ? { sla } : {}),
		},
		foldOutcome,
	);
	const entry = result.status === 'recorded' ? (result.outcome.details.history as Array<{ eventId: string; note: string; effect: string }> | undefined)?.find((h) => h.eventId === event.id) : undefined;
	const slaResult = slaView(result, said);
	return {
		status: result.status,
		eventId: event.id,
		...(event.code ? { disposition: event.code } : {}),
		occurredAt: new Date(event.at).toISOString(),
		note:
			result.status === 'duplicate'
				? 'This CRM event was recorded before: nothing changed'
				: `${entry?.note ?? 'Recorded'}${result.outcome.handoffKey === '' ? ` (no hand-off of lead "${result.outcome.leadKey}" was found: the outcome is filed under the lead)` : ''}`,
		...outcomeView(result.outcome),
		...(slaResult ? { slaTimer: slaResult } : {}),
	};
}

/** Bad data of one item: processItems names the item, the field and what was expected. */
function dataError(field: string, expected: string, received: unknown): LeadDataError {
	return new LeadDataError(field, expected, received);
}

/** How many unreadable parts one error lists by name; the rest are counted. */
const LISTED_PROBLEMS = 20;

/**
 * No event of the payload could be recorded: the first unreadable part's error, naming every
 * other unreadable part (field and what it must be, never its value) and counting the changes
 * ignored, so no part of the payload is left out of the error.
 */
function unreadable(mapped: MappingResult): LeadDataError {
	const [first, ...rest] = mapped.errors;
	if (rest.length === 0 && mapped.ignored.length === 0) return first;
	const error = new LeadDataError(first.field, first.expected, first.received);
	const listed = rest.slice(0, LISTED_PROBLEMS).map((e) => `"${e.field}" (${e.expected})`);
	const more = rest.length > LISTED_PROBLEMS ? ` and ${rest.length - LISTED_PROBLEMS} more` : '';
	const ignored = mapped.ignored.length ? `; ${mapped.ignored.length} other change${mapped.ignored.length === 1 ? ' is' : 's are'} not outcomes` : '';
	error.message = `${first.message}${rest.length ? `; also unreadable: ${listed.join(', ')}${more}` : ''}${ignored}`;
	return error;
}

function noLead(given: unknown): LeadDataError {
	return dataError('Lead Key', "the lead's email address or CRM record ID (or a Hand-Off Key): the event names no lead", given);
}

async function handleItem(ctx: IExecuteFunctions, item: INodeExecutionData, i: number, p: Prepared): Promise<{ output: number; json: IDataObject }> {
	const receivedAt = clock.now();
	const fieldsMode = p.input === 'fields';
	const givenLead = optionalText(ctx, fieldsMode ? 'leadKey' : 'presetLeadKey', i);
	const givenHandoff = optionalText(ctx, fieldsMode ? 'handoffKey' : 'presetHandoffKey', i);
	const mapped = eventsOf(ctx, i, p, receivedAt, { lead: givenLead, handoff: givenHandoff });
	if (mapped.events.length === 0 && mapped.errors.length > 0) throw unreadable(mapped);
	const payload = fieldsMode ? undefined : JSON.stringify(ctx.getNodeParameter('payload', i, null) ?? null).slice(0, 2000);
	const results: IDataObject[] = [];
	for (const event of mapped.events) {
		const handoffKey = givenHandoff ?? event.handoffKey;
		const leadKey = leadOf(event, givenLead, fieldsMode ? 'Lead Key' : 'Lead Key');
		if (leadKey === undefined && handoffKey === undefined) {
			throw noLead(givenLead);
		}
		results.push(await recordOne(p, event, leadKey, handoffKey, receivedAt, payload));
	}
	const recorded = results.filter((r) => r.status === 'recorded').length;
	const last = results[results.length - 1] ?? {};
	const json: IDataObject = {
		...last,
		status: recorded > 0 ? 'recorded' : 'unchanged',
		recorded,
		duplicates: results.length - recorded,
		...(results.length > 1 ? { results } : {}),
		...(mapped.ignored.length ? { ignored: mapped.ignored as unknown as IDataObject[] } : {}),
		...(mapped.errors.length ? { problems: mapped.errors.map((e) => ({ field: e.field, expected: e.expected, message: e.message })) } : {}),
	};
	if (results.length === 0) json.note = mapped.ignored.length ? 'Nothing in the payload is an outcome (see ignored)' : 'The payload holds no outcome';
	return { output: recorded > 0 ? RECORDED : UNCHANGED, json: { ...item.json, [p.outputField]: recorded > 0 ? p.run.mark(json) : json } };
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const zone = this.getTimezone();
	return withStoreRun(this, (run) =>
		processItems(
			this,
			outputs.length,
			async (): Promise<Prepared> => {
				const input = this.getNodeParameter('input', 0, 'fields') as Input;
				const options = this.getNodeParameter('options', 0, {}) as { outputField?: string; scope?: unknown; updateSlaTimer?: boolean };
				const dispositions = dispositionsOf(this);
				const store = await run.use(await openStoreFor(this));
				return {
					store,
					run,
					input,
					dispositions,
					preset: compilePreset(input, dispositions),
					scope: storeScopeOf(options.scope),
					zone,
					outputField: options.outputField || 'outcome',
					updateSla: options.updateSlaTimer !== false,
				};
			},
			(item, i, prepared) => handleItem(this, item, i, prepared),
			UNCHANGED,
		),
	);
}
