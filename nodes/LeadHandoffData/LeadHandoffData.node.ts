import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { LeadDataError } from '../engine/common/errors';
import { leadKeyOf } from '../engine/scoring';
import { ALL_SCOPES, UnreachableWait, type HandoffRelease, type HandoffState, type HandoffStore } from '../store';
import { clock } from '../shared/clock';
import { processItems } from '../shared/items';
import { storeScopeOf, storeScopeOption } from '../shared/leadInput';
import { openStoreFor, storeCredentialTest } from '../shared/store';

/**
 * What the store holds about one lead: read it, release its hand-off, or erase it for a privacy
 * request. The store's other writes happen in the nodes that cause them (Lead Score, Handoff
 * Gate, Tier Router, ...). Unlike those, this node acts in test runs from the editor too: a user
 * who tests Erase or Release on a lead means it.
 *
 * Not offered to AI agents as a tool: n8n makes a tool of every operation of a node marked
 * usableAsTool, and Erase Lead cannot be undone.
 */
// eslint-disable-next-line @n8n/community-nodes/node-usable-as-tool -- Erase Lead is irreversible: no AI agent may run it
export class LeadHandoffData implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Lead Handoff Data',
		name: 'leadHandoffData',
		icon: { light: 'file:leadHandoffData.svg', dark: 'file:leadHandoffData.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ { erase: "Erase lead", release: "Release hand-off", confirmDelivery: "Confirm delivery" }[$parameter["operation"]] || "Get lead history" }}',
		description: "Reads what the lead hand-off store keeps about a lead, confirms its hand-off's messages were sent, releases its hand-off, or erases it for a privacy request",
		defaults: { name: 'Lead Handoff Data' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'leadHandoffStoreApi', required: true, testedBy: 'leadHandoffStoreConnectionTest' }],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Confirm Delivery',
						value: 'confirmDelivery',
						description:
							"Record that the hand-off's messages (CRM task, Slack, email, SMS) were sent, so Tier Router's Resend Until Delivery Confirmed does not send them again on a redelivered event. Put it after the message steps. Each item passes through with a delivery field. A store it cannot reach (a database restart) is tried again for up to 20 seconds in all.",
						action: 'Confirm delivery',
					},
					{
						name: 'Get Lead History',
						value: 'getHistory',
						description: "The lead's recorded activities, latest score, hand-offs and released hand-offs",
						action: 'Get lead history',
					},
					{
						name: 'Release Hand-Off',
						value: 'release',
						description:
							"Take back the lead's current hand-off and its owner assignment (a mistake, or a test), so the lead's next qualifying event hands off again; kept in the lead's history with who, when and why",
						action: 'Release hand-off',
					},
					{
						name: 'Erase Lead',
						value: 'erase',
						description: 'Delete everything stored about the lead (a privacy or deletion request)',
						action: 'Erase lead',
					},
				],
				default: 'getHistory',
			},
			{
				displayName: 'Lead Key',
				name: 'leadKey',
				type: 'string',
				default: '={{ $json.email }}',
				required: true,
				description: 'The lead as Lead Score filed it: its email address (compared without case) or CRM record ID',
			},
			{
				displayName: 'Event Key',
				name: 'eventKey',
				type: 'string',
				default: '={{ $json.routing && !$json.routing.duplicate ? $json.routing.eventKey : "" }}',
				displayOptions: { show: { operation: ['confirmDelivery'] } },
				description:
					"The hand-off's event key, as Tier Router gives it in routing.eventKey on a tier output. Empty (a lead that was not routed to an owner, or a redelivery on Not Routed whose messages this run did not send): the item passes through with nothing to confirm.",
			},
			{
				displayName: 'Reason',
				name: 'reason',
				type: 'string',
				default: '',
				required: true,
				placeholder: 'e.g. Handed off by mistake: duplicate form fill',
				displayOptions: { show: { operation: ['release'] } },
				description: "Why the hand-off is released; kept with the release in the lead's history",
			},
			{
				displayName: 'Released By',
				name: 'releasedBy',
				type: 'string',
				default: '',
				placeholder: 'e.g. maria@example.com',
				displayOptions: { show: { operation: ['release'] } },
				description: "Who asked for the release (a name or an email address), kept with it in the lead's history",
			},
			{
				displayName:
					"Releasing ends the lead's hand-off and its owner assignment (the rep's load goes down), so the lead's next qualifying event hands off and routes again. It acts in test runs from the editor too. Tell the rep: their CRM task is not touched.",
				name: 'releaseNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { operation: ['release'] } },
			},
			{
				displayName: 'Erase In',
				name: 'eraseIn',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { operation: ['erase'] } },
				options: [
					{
						name: 'All Scopes',
						value: 'allScopes',
						description: "The lead in every client's and workflow's scope of this store, as a person's deletion request asks",
					},
					{
						name: 'This Store Scope Only',
						value: 'scope',
						description: 'Only the lead in the Store Scope set under Options, e.g. when one client asks to forget a lead of theirs',
					},
				],
				default: 'allScopes',
			},
			{
				displayName:
					'This deletes everything the lead hand-off nodes stored about the lead, in test runs from the editor too. It cannot be undone. Records in your CRM are not touched.',
				name: 'eraseNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { operation: ['erase'] } },
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [storeScopeOption],
			},
		],
	};

	methods = { credentialTest: storeCredentialTest };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return processItems(
			this,
			1,
			async () => ({
				store: await openStoreFor(this),
				operation: this.getNodeParameter('operation', 0) as 'getHistory' | 'erase' | 'release' | 'confirmDelivery',
				everyScope: this.getNodeParameter('eraseIn', 0, 'allScopes') === 'allScopes',
				scope: storeScopeOf((this.getNodeParameter('options', 0, {}) as { scope?: unknown }).scope),
				storeWait: new UnreachableWait(CONFIRM_WAIT_MS),
			}),
			async (item, i, { store, operation, everyScope, scope, storeWait }) => {
				if (operation === 'confirmDelivery') return { output: 0, json: { ...item.json, delivery: await confirmDelivery(this, store, storeWait, i, scope) } };
				const leadKey = leadKeyOf(this.getNodeParameter('leadKey', i));
				if (operation === 'erase') {
					const { deleted } = await store.eraseLead(everyScope ? ALL_SCOPES : scope, leadKey);
					const rows = Object.values(deleted).reduce((sum, n) => sum + n, 0);
					return { output: 0, json: { leadKey, erased: true, ...(everyScope ? { allScopes: true } : { scope }), rowsDeleted: rows, deleted } };
				}
				if (operation === 'release') {
					const reason = this.getNodeParameter('reason', i, '') as string;
					if (typeof reason !== 'string' || reason.trim() === '') throw new LeadDataError('Reason', "a text saying why the hand-off is released (it is kept in the lead's history)", reason);
					const by = (this.getNodeParameter('releasedBy', i, '') as string).trim();
					const outcome = await store.releaseHandoff({
						scope,
						leadKey,
						at: clock.now(),
						reason,
						...(by ? { by } : {}),
						details: { execution: this.getExecutionId(), workflow: this.getWorkflow().name ?? this.getWorkflow().id, mode: this.getMode() },
					});
					if (outcome.status === 'nothingToRelease') {
						return { output: 0, json: { leadKey, scope, released: false, note: 'Nothing to release: the lead has no current hand-off in this store scope (never handed off, released already, or recycled since).' } };
					}
					return { output: 0, json: { leadKey, scope, released: true, ...releaseJson(outcome.release) } };
				}
				const [activities, latest, handoffs] = await Promise.all([store.listActivities(scope, leadKey), store.latestScore(scope, leadKey), store.handoffHistory(scope, leadKey)]);
				return {
					output: 0,
					json: {
						leadKey,
						scope,
						activityCount: activities.length,
						activities: activities.map((a) => ({ ...a.data, recordedAt: new Date(a.recordedAt).toISOString() })),
						latestScore: latest ? { ...latest.score, recordedAt: new Date(latest.recordedAt).toISOString() } : null,
						handoffs: handoffs.handoffs.map((h) => ({ eventKey: h.eventKey, handedOffAt: iso(h.at), ...h.details })),
						currentHandoff: currentHandoff(handoffs.state),
						releases: handoffs.releases.map(releaseJson),
					},
				};
			},
		);
	}
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * How long Confirm Delivery waits, in one execution, for a store it cannot reach: the messages
 * went already, and an unrecorded delivery is sent again by the sender's retry. 20 s covers a
 * PostgreSQL restart or failover; the webhook's answer waits as long.
 */
const CONFIRM_WAIT_MS = 20_000;

/** Confirm Delivery on one item: the store keeps the first confirmation of the hand-off. */
async function confirmDelivery(ctx: IExecuteFunctions, store: HandoffStore, storeWait: UnreachableWait, i: number, scope: string) {
	const given = ctx.getNodeParameter('eventKey', i, '');
	if (given !== undefined && given !== null && typeof given !== 'string') throw new LeadDataError('Event Key', "the hand-off's event key as text (routing.eventKey), or empty", given);
	const eventKey = (given ?? '').trim();
	if (eventKey === '') return { confirmed: false, status: 'nothingToConfirm', note: 'No event key: the lead was not routed to an owner, so there are no hand-off messages to confirm.' };
	const leadKey = leadKeyOf(ctx.getNodeParameter('leadKey', i));
	const outcome = await storeWait.run(() => store.confirmDelivery(scope, leadKey, eventKey, clock.now()));
	if (outcome.status === 'noAssignment') {
		return { confirmed: false, status: 'noAssignment', eventKey, note: 'No assignment of this event in this store scope (never assigned, a test run that kept nothing, released or erased): nothing was recorded.' };
	}
	return { confirmed: true, status: outcome.status, eventKey, deliveredAt: iso(outcome.deliveredAt) };
}

/** The hand-off sales has now, if any (the gate's fire-once state). */
function currentHandoff(state: HandoffState | undefined) {
	if (state?.lastHandoffAt === undefined) return null;
	if (state.recycledAt !== undefined && state.recycledAt >= state.lastHandoffAt) return null;
	return { eventKey: state.lastEventKey ?? null, handedOffAt: iso(state.lastHandoffAt) };
}

function releaseJson(release: HandoffRelease) {
	return {
		releasedAt: iso(release.releasedAt),
		releasedBy: release.releasedBy ?? null,
		reason: release.reason,
		handoff: { eventKey: release.handoff.eventKey, handedOffAt: iso(release.handoff.at), ...release.handoff.details },
		assignments: release.assignments.map((a) => ({
			eventKey: a.eventKey,
			ownerId: a.repId ?? null,
			team: a.team ?? null,
			queue: a.queue ?? null,
			assignedAt: iso(a.at),
		})),
		releaseNo: release.releaseNo,
	};
}
