/**
 * HubSpot: contact and deal property-change webhooks (Webhooks API v3). HubSpot posts a JSON
 * array of up to 100 events; a property change carries `subscriptionType` (`contact.propertyChange`,
 * `deal.propertyChange`, or `object.propertyChange` with `objectTypeId` 0-1 for contacts and 0-3
 * for deals), `objectId`, `propertyName`, `propertyValue`, `occurredAt` (epoch ms), `eventId`,
 * `portalId` and `attemptNumber`. Only the changed property comes with the event.
 *
 * Mapped by default: the contact's lead status (hs_lead_status) and lifecycle stage, the deal's
 * stage (dealstage, the default pipeline's stage ids), its amount and its lost reason. HubSpot says
 * eventId alone is not guaranteed unique, so the event's key is made of the portal, the event id,
 * the object, the property and the time; a retry (a higher attemptNumber) has the same key.
 */
import { LeadDataError } from '../../common/errors';
import { parseAmount, resolveReason, type CompiledDispositions } from '../dispositions';
import type { CrmRecord, OutcomeEvent } from '../outcome';
import {
	collect,
	compileValueMap,
	dropUndefined,
	emptyResult,
	eventTime,
	isRecord,
	requiredId,
	shortValue,
	targetEvent,
	text,
	type CompiledValueMap,
	type DefaultTarget,
	type MappingPreset,
} from './common';

/** HubSpot's default lead statuses (hs_lead_status internal values). */
export const HUBSPOT_LEAD_STATUS: Readonly<Record<string, DefaultTarget>> = {
	OPEN: { stage: 'accepted' },
	IN_PROGRESS: { stage: 'accepted' },
	ATTEMPTED_TO_CONTACT: { stage: 'contacted' },
	CONNECTED: { stage: 'contacted' },
	OPEN_DEAL: { stage: 'opportunity' },
	UNQUALIFIED: { stage: 'rejected', reason: 'not_qualified' },
	BAD_TIMING: { stage: 'rejected', reason: 'wrong_timing' },
};

/** Lifecycle stages that say something about sales' outcome (subscriber, lead and MQL do not). */
export const HUBSPOT_LIFECYCLE_STAGE: Readonly<Record<string, DefaultTarget>> = {
	salesqualifiedlead: { stage: 'accepted' },
	opportunity: { stage: 'opportunity' },
	customer: { stage: 'won' },
};

/** The stage ids of HubSpot's default sales pipeline. */
export const HUBSPOT_DEAL_STAGE: Readonly<Record<string, DefaultTarget>> = {
	appointmentscheduled: { stage: 'meeting' },
	qualifiedtobuy: { stage: 'opportunity' },
	presentationscheduled: { stage: 'opportunity' },
	decisionmakerboughtin: { stage: 'opportunity' },
	contractsent: { stage: 'opportunity' },
	closedwon: { stage: 'won' },
	closedlost: { stage: 'lost' },
};

const OBJECT_TYPES: Readonly<Record<string, 'contact' | 'deal'>> = { '0-1': 'contact', '0-3': 'deal' };

export type HubSpotPreset = MappingPreset;

/** Compiles the HubSpot mapping of the protocol once; throws a ProtocolError naming the path. */
export function compileHubSpot(dispositions: CompiledDispositions): HubSpotPreset {
	const options = dispositions.protocol.hubspot ?? {};
	const leadStatus = compileValueMap(dispositions, HUBSPOT_LEAD_STATUS, options.leadStatus, '/hubspot/leadStatus');
	const lifecycle = compileValueMap(dispositions, HUBSPOT_LIFECYCLE_STAGE, options.lifecycleStage, '/hubspot/lifecycleStage');
	const dealStage = compileValueMap(dispositions, HUBSPOT_DEAL_STAGE, options.dealStage, '/hubspot/dealStage');
	const properties = {
		contact: new Map<string, { map: CompiledValueMap; asserted: boolean }>([
			[options.leadStatusProperty ?? 'hs_lead_status', { map: leadStatus, asserted: true }],
			[options.lifecycleStageProperty ?? 'lifecyclestage', { map: lifecycle, asserted: false }],
		]),
		deal: new Map<string, { map: CompiledValueMap; asserted: boolean }>([[options.dealStageProperty ?? 'dealstage', { map: dealStage, asserted: true }]]),
	};
	const amountProperty = options.amountProperty ?? 'amount';
	const lostReasonProperty = options.lostReasonProperty ?? 'closed_lost_reason';
	const lostCode = dispositions.forStage('lost');
	const portal = options.portalId === undefined ? undefined : String(options.portalId);

	return {
		map(payload, context) {
			const result = emptyResult();
			const list = Array.isArray(payload) ? payload : [payload];
			list.forEach((raw, index) =>
				collect(result, () => {
					const where = Array.isArray(payload) ? `[${index}].` : '';
					if (!isRecord(raw)) throw new LeadDataError(where ? `[${index}]` : 'body', 'a HubSpot webhook event (an object with subscriptionType, objectId and occurredAt)', raw);
					const what = `event ${index + 1}${raw.propertyName ? ` (${String(raw.propertyName)} = ${shortValue(raw.propertyValue)})` : ''}`;
					const type = String(raw.subscriptionType ?? raw.eventType ?? '');
					const objectType = type === 'object.propertyChange' ? OBJECT_TYPES[String(raw.objectTypeId)] : type === 'contact.propertyChange' ? 'contact' : type === 'deal.propertyChange' ? 'deal' : undefined;
					if (!objectType) {
						result.ignored.push({ what, why: `${type || 'an event without a subscriptionType'} is not a property change of a contact or a deal` });
						return;
					}
					if (portal !== undefined && String(raw.portalId) !== portal) {
						result.ignored.push({ what, why: `it comes from HubSpot account ${String(raw.portalId)}, not ${portal}` });
						return;
					}
					const property = text(raw.propertyName);
					if (property === undefined) throw new LeadDataError(`${where}propertyName`, 'the name of the property that changed', raw.propertyName);
					const objectId = requiredId(raw.objectId, `${where}objectId`, `the ${objectType}'s id`);
					const eventId = requiredId(raw.eventId, `${where}eventId`, "HubSpot's event id");
					if (raw.occurredAt === undefined || raw.occurredAt === null) throw new LeadDataError(`${where}occurredAt`, 'when the change happened (epoch ms)', raw.occurredAt);
					const at = eventTime(raw.occurredAt, `${where}occurredAt`, context);
					const record: CrmRecord = { system: 'hubspot', type: objectType, id: objectId };
					const base = dropUndefined({
						id: `hubspot:${text(raw.portalId) ?? '-'}:${eventId}:${objectType}:${objectId}:${property}:${at}`,
						at,
						source: 'hubspot',
						record,
						actor: text(raw.sourceId),
					});
					const value = text(raw.propertyValue);
					const mapped = properties[objectType].get(property);
					if (mapped) {
						if (value === undefined) {
							result.ignored.push({ what, why: `${property} was cleared` });
							return;
						}
						const target = mapped.map.get(value);
						if (!target) {
							result.ignored.push({ what, why: `${property} "${value}" is not mapped to a disposition code` });
							return;
						}
						result.events.push(targetEvent(target, { ...base, value, asserted: mapped.asserted || undefined }));
						return;
					}
					if (objectType === 'deal' && property === amountProperty) {
						const amount = parseAmount(raw.propertyValue, `${where}propertyValue`);
						if (amount === undefined) {
							result.ignored.push({ what, why: `${property} was cleared` });
							return;
						}
						result.events.push({ ...base, amount, value });
						return;
					}
					if (objectType === 'deal' && property === lostReasonProperty && lostCode) {
						if (value === undefined) {
							result.ignored.push({ what, why: `${property} was cleared` });
							return;
						}
						const reason = resolveReason(dispositions, lostCode, value, `${where}propertyValue`);
						result.events.push(dropUndefined<OutcomeEvent>({ ...base, reasonFor: 'lost', reason: reason?.reason, reasonText: reason?.reasonText, value }));
						return;
					}
					result.ignored.push({ what, why: `${objectType} property ${property} is not one the feedback reads` });
				}),
			);
			return result;
		},
	};
}
