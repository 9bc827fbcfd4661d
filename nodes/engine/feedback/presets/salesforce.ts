/**
 * Salesforce: a Lead's Status and the StageName of the Opportunity it was converted to, sent
 * either way Salesforce sends changes without code:
 *
 * - an outbound message (Setup > Outbound Messages, fired by a flow or workflow rule): a SOAP
 *   `notifications` document with OrganizationId and one or more Notification elements, each an
 *   Id and an sObject (`xsi:type="sf:Lead"`) with the fields chosen for the message. n8n's webhook
 *   parses XML with tag names in lower case (`sf:status`); other parsers keep the case. Field and
 *   element names are read without regard to case or namespace prefix, so both work.
 * - a Flow HTTP callout posting JSON: the record's fields by their API names, at the top level or
 *   under `record` (or a list under `records`), with optional `eventId` (the flow interview's
 *   GUID), `occurredAt`, `organizationId` and `sobjectType` (else the record's `attributes.type`,
 *   else Opportunity when it has StageName, else Lead).
 *
 * A notification's Id is the same when Salesforce retries it, so it is the event's key. A flow's
 * event without an eventId is keyed by its content (the same record at the same LastModifiedDate
 * is the same event).
 */
import { LeadDataError } from '../../common/errors';
import { eventKeyOf } from '../../common/eventKey';
import { parseAmount, resolveReason, type CompiledDispositions, type DispositionCode } from '../dispositions';
import type { CrmRecord, OutcomeEvent } from '../outcome';
import {
	bool,
	collect,
	compileValueMap,
	dropUndefined,
	emptyResult,
	eventTime,
	isRecord,
	requiredId,
	targetEvent,
	text,
	type DefaultTarget,
	type MappingContext,
	type MappingPreset,
	type MappingResult,
	type Target,
} from './common';

/** The default Lead Status picklist. "Open - Not Contacted" is where every lead starts: no outcome yet. */
export const SALESFORCE_LEAD_STATUS: Readonly<Record<string, DefaultTarget>> = {
	'Working - Contacted': { stage: 'contacted' },
	'Closed - Converted': { stage: 'opportunity' },
	'Closed - Not Converted': { stage: 'rejected' },
};

/** The default StageName picklist: every open stage is an opportunity; IsClosed and IsWon decide closes when sent. */
export const SALESFORCE_OPPORTUNITY_STAGE: Readonly<Record<string, DefaultTarget>> = {
	'Closed Won': { stage: 'won' },
	'Closed Lost': { stage: 'lost' },
	'*': { stage: 'opportunity' },
};

export type SalesforcePreset = MappingPreset;

/** A Salesforce record with its field names in lower case, and where it came from. */
interface SalesforceRecord {
	type: string;
	fields: Map<string, unknown>;
	/** The event's key (without the `salesforce:` prefix). */
	key: string;
	organizationId?: string;
	occurredAt?: unknown;
	/** How the record is named in errors: "notification 1", "record". */
	where: string;
}

export function compileSalesforce(dispositions: CompiledDispositions): SalesforcePreset {
	const options = dispositions.protocol.salesforce ?? {};
	const leadStatus = compileValueMap(dispositions, SALESFORCE_LEAD_STATUS, options.leadStatus, '/salesforce/leadStatus');
	const opportunityStage = compileValueMap(dispositions, SALESFORCE_OPPORTUNITY_STAGE, options.opportunityStage, '/salesforce/opportunityStage');
	const lostReasonField = (options.lostReasonField ?? 'Loss_Reason__c').toLowerCase();
	const rejectReasonField = (options.rejectReasonField ?? 'Rejection_Reason__c').toLowerCase();
	const org = options.organizationId?.slice(0, 15);

	function reasonFor(code: DispositionCode, fields: Map<string, unknown>, field: string, where: string): Pick<OutcomeEvent, 'reason' | 'reasonText'> {
		const value = text(fields.get(field));
		if (value === undefined) return {};
		const reason = resolveReason(dispositions, code, value, `${where}.${field}`);
		return reason ? { reason: reason.reason, reasonText: reason.reasonText } : {};
	}

	function mapRecord(record: SalesforceRecord, context: MappingContext, result: MappingResult): void {
		const { fields, where } = record;
		const what = `${where} (${record.type} ${text(fields.get('id')) ?? 'without an Id'})`;
		if (org !== undefined && record.organizationId?.slice(0, 15) !== org) {
			result.ignored.push({ what, why: record.organizationId ? `it comes from org ${record.organizationId}, not ${options.organizationId}` : `it names no organizationId (only org ${options.organizationId} counts)` });
			return;
		}
		const id = requiredId(fields.get('id'), `${where}.Id`, `the ${record.type}'s record Id`);
		const at = eventTime(record.occurredAt ?? fields.get('lastmodifieddate') ?? fields.get('systemmodstamp'), `${where}.LastModifiedDate`, context);
		const base = dropUndefined({
			id: `salesforce:${record.key}`,
			at,
			source: 'salesforce',
			record: { system: 'salesforce', type: record.type, id } as CrmRecord,
			actor: text(fields.get('lastmodifiedbyid')),
			email: text(fields.get('email'))?.toLowerCase(),
			asserted: true,
		});
		if (record.type === 'Lead') {
			const status = text(fields.get('status'));
			if (status === undefined) {
				result.ignored.push({ what, why: 'the Lead has no Status field' });
				return;
			}
			const target = leadStatus.get(status);
			if (!target) {
				result.ignored.push({ what, why: `Lead Status "${status}" is not mapped to a disposition code` });
				return;
			}
			const links = (['convertedopportunityid', 'convertedcontactid', 'convertedaccountid'] as const).flatMap((field) => {
				const linked = text(fields.get(field));
				return linked ? [{ system: 'salesforce', type: field.slice('converted'.length, -2).replace(/^./, (c) => c.toUpperCase()), id: linked }] : [];
			});
			const reason = target.code.stage === 'rejected' || target.code.stage === 'lost' ? reasonFor(target.code, fields, rejectReasonField, where) : {};
			result.events.push(targetEvent(target, { ...base, ...reason, value: status, links: links.length ? links : undefined }));
			return;
		}
		if (record.type === 'Opportunity') {
			const stageName = text(fields.get('stagename'));
			const isClosed = bool(fields.get('isclosed'));
			const isWon = bool(fields.get('iswon'));
			let target: Target | null | undefined = stageName === undefined ? undefined : opportunityStage.get(stageName);
			if (isClosed !== undefined) {
				const closing = isClosed ? (isWon ? 'won' : 'lost') : undefined;
				if (closing && target?.code.stage !== closing) {
					const code = dispositions.forStage(closing);
					target = code ? { code } : null;
				} else if (!closing && (target?.code.stage === 'won' || target?.code.stage === 'lost')) {
					// IsClosed is false: a stage name that reads like a close is not one.
					const code = dispositions.forStage('opportunity');
					target = code ? { code } : null;
				}
			}
			if (!target) {
				result.ignored.push({ what, why: stageName === undefined && isClosed === undefined ? 'the Opportunity has neither StageName nor IsClosed' : `Opportunity stage "${stageName ?? ''}" is not mapped to a disposition code` });
				return;
			}
			const amount = parseAmount(fields.get('amount'), `${where}.Amount`);
			const reason = target.code.stage === 'lost' ? reasonFor(target.code, fields, lostReasonField, where) : {};
			result.events.push(targetEvent(target, { ...base, ...reason, amount, currency: text(fields.get('currencyisocode')), value: stageName }));
			return;
		}
		result.ignored.push({ what, why: `${record.type} records say nothing about a lead's outcome (Lead and Opportunity do)` });
	}

	return {
		map(payload, context) {
			const result = emptyResult();
			let records: SalesforceRecord[];
			try {
				records = readRecords(payload);
			} catch (error) {
				if (error instanceof LeadDataError) {
					result.errors.push(error);
					return result;
				}
				throw error;
			}
			for (const record of records) collect(result, () => mapRecord(record, context, result));
			return result;
		},
	};
}

/** The records in a payload: an outbound message's notifications, or a flow's JSON. */
function readRecords(payload: unknown): SalesforceRecord[] {
	if (typeof payload === 'string') {
		throw new LeadDataError('body', 'the outbound message parsed from XML (n8n\'s Webhook node does this for Content-Type text/xml), or JSON from a Flow HTTP callout', payload);
	}
	if (!isRecord(payload)) throw new LeadDataError('body', 'an outbound message or a Flow HTTP callout JSON object', payload);
	const notifications = findNotifications(payload);
	return notifications ? outboundRecords(notifications) : flowRecords(payload);
}

/** Names compared as outbound messages need: case and namespace prefix do not matter ("sf:Status" is "status"). */
function localName(key: string): string {
	const colon = key.lastIndexOf(':');
	return (colon < 0 ? key : key.slice(colon + 1)).toLowerCase();
}

function child(node: Record<string, unknown>, name: string): unknown {
	for (const [key, value] of Object.entries(node)) if (localName(key) === name) return value;
	return undefined;
}

function findNotifications(payload: Record<string, unknown>): Record<string, unknown> | undefined {
	let node: unknown = payload;
	const envelope = child(payload, 'envelope');
	if (isRecord(envelope)) node = child(envelope, 'body');
	const notifications = isRecord(node) ? child(node, 'notifications') : undefined;
	return isRecord(notifications) ? notifications : undefined;
}

/**
 * An element's text. xml2js (n8n's parser) gives text alone as a string, text with attributes as
 * `{ _: text, $: attributes }` and nil as `{ $: { 'xsi:nil': 'true' } }`; fast-xml-parser writes
 * attributes as `@_name` keys and text beside them as `#text`.
 */
function xmlText(value: unknown): unknown {
	if (isRecord(value)) return typeof value._ === 'string' ? value._ : typeof value['#text'] === 'string' ? value['#text'] : undefined;
	return value;
}

function isAttributeKey(key: string): boolean {
	return key === '$' || key.startsWith('@') || key === '#text' || key === '_';
}

/** An element's attributes, from either parser's form. */
function attributesOf(node: Record<string, unknown>): Array<[string, unknown]> {
	const fromXml2js = isRecord(node.$) ? Object.entries(node.$) : [];
	const fromFast = Object.entries(node)
		.filter(([key]) => key.startsWith('@'))
		.map(([key, value]): [string, unknown] => [key.replace(/^@_?/, ''), value]);
	return [...fromXml2js, ...fromFast];
}

function outboundRecords(notifications: Record<string, unknown>): SalesforceRecord[] {
	const organizationId = text(xmlText(child(notifications, 'organizationid')));
	const list = child(notifications, 'notification');
	const items = Array.isArray(list) ? list : list === undefined ? [] : [list];
	if (items.length === 0) throw new LeadDataError('notifications.Notification', 'at least one Notification element', list);
	return items.map((item, i) => {
		const where = `Notification ${i + 1}`;
		if (!isRecord(item)) throw new LeadDataError(where, 'a Notification element with an Id and an sObject', item);
		const sObject = child(item, 'sobject');
		if (!isRecord(sObject)) throw new LeadDataError(`${where}.sObject`, 'the record the message is about', sObject);
		const fields = new Map<string, unknown>();
		for (const [key, value] of Object.entries(sObject)) if (!isAttributeKey(key)) fields.set(localName(key), xmlText(value));
		const xsiType = text(attributesOf(sObject).find(([key]) => localName(key) === 'type')?.[1]);
		const notificationId = requiredId(xmlText(child(item, 'id')), `${where}.Id`, 'the notification Id Salesforce sends with each notification');
		return { type: xsiType ? xsiType.slice(xsiType.indexOf(':') + 1) : inferType(fields), fields, key: `${organizationId ?? '-'}:${notificationId}`, organizationId, where };
	});
}

function flowRecords(payload: Record<string, unknown>): SalesforceRecord[] {
	const list = Array.isArray(payload.records) ? payload.records : [isRecord(payload.record) ? payload.record : payload];
	const eventId = text(payload.eventId);
	const organizationId = text(payload.organizationId);
	return list.map((item, i) => {
		const where = list.length > 1 ? `records[${i}]` : isRecord(payload.record) ? 'record' : 'body';
		if (!isRecord(item)) throw new LeadDataError(where, 'a Salesforce record with its fields by API name (Id, Status or StageName, ...)', item);
		const fields = new Map<string, unknown>();
		for (const [key, value] of Object.entries(item)) if (key !== 'attributes') fields.set(key.toLowerCase(), value);
		const declared = text(payload.sobjectType) ?? (isRecord(item.attributes) ? text(item.attributes.type) : undefined) ?? text(item.sobjectType);
		const type = declared ?? inferType(fields);
		const content = eventId === undefined ? eventKeyOf(item, undefined) : eventId + (list.length > 1 ? `:${i}` : '');
		return { type, fields, key: `${organizationId ?? '-'}:${content}`, organizationId, occurredAt: payload.occurredAt, where };
	});
}

function inferType(fields: Map<string, unknown>): string {
	if (fields.has('stagename') || fields.has('iswon')) return 'Opportunity';
	return 'Lead';
}
