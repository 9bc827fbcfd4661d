import { NodeConnectionTypes, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';
import { DateTime } from 'luxon';

import { slaMinutes } from '../engine/calendar';
import { compileRouter, DEFAULT_TIERS, quietTierIndex, renderAutoReply, routingSlackText, type RoutingForSlack, type RoutingProtocol } from '../engine/routing';
import { processItemsTogether } from '../shared/items';
import { parameterReader } from '../shared/ruleViews';
import { leadReader, type LeadInputOptions } from '../shared/leadInput';
import { openStoreFor, storeCredentialTest } from '../shared/store';
import { withStoreRun } from '../shared/testRun';
import { assignRequested, ownerRequest, planAssignments, redeliveryOf, type AssignedOwner, type OwnerRequest } from './assignOwner';
import { planSlaTimers, slaTimerOutput } from './slaStart';
import type { SlaTimer } from '../engine/sla';
import { configuredOutputs, DEFAULT_TIER_NAMES, tierRouterProperties } from './description';
import { readRouting } from './editorRules';

/**
 * Version 2 adds Not Routed after the tiers: an event that arrives again for a lead the router
 * already assigned (the rep was told the first time), and, under "Continue (regular output)",
 * an item that failed. Runs in n8n's expression sandbox (stringified into `outputs`), so it is
 * self-contained.
 */
export const routerOutputs = (tierOutputs: Array<{ type: string; displayName: string }>, version: number) =>
	version >= 2 ? [...tierOutputs, { type: 'main', displayName: 'Not Routed' }] : tierOutputs;

// n8n ends an expression at the first "}}", so closing braces of the functions are spaced.
const inExpression = (fn: (...args: never[]) => unknown) => String(fn).replace(/\}\}/g, '} }');

/** How long a run may take from the assignment to Confirm Delivery before a redelivery sends its messages again. */
export const DEFAULT_RESEND_AFTER_SECONDS = 300;

export class TierRouter implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Tier Router',
		name: 'tierRouter',
		icon: { light: 'file:tierRouter.svg', dark: 'file:tierRouter.dark.svg' },
		group: ['transform'],
		version: [1, 2],
		subtitle: '={{ "Route and assign" + ($parameter["rulesSource"] === "json" ? " (JSON)" : "") }}',
		description: 'Sends each lead to its tier (Hot, Warm, MQL, Nurture) with an owner by territory, round-robin, weight or load, and an SLA due time',
		defaults: { name: 'Tier Router' },
		inputs: [NodeConnectionTypes.Main],
		outputs: `={{(${inExpression(routerOutputs)})((${inExpression(configuredOutputs)})($parameter, ${JSON.stringify(DEFAULT_TIER_NAMES)}), $nodeVersion)}}`,
		usableAsTool: true,
		credentials: [{ name: 'leadHandoffStoreApi', required: true, testedBy: 'leadHandoffStoreConnectionTest' }],
		properties: tierRouterProperties,
	};

	methods = { credentialTest: storeCredentialTest };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const zone = this.getTimezone();
		// Read before the item loop to know the outputs; a bad table is reported by prepare below.
		let protocol: RoutingProtocol | undefined;
		let protocolError: unknown;
		try {
			protocol = readProtocol(this);
		} catch (error) {
			protocolError = error;
		}
		const tiers = protocol?.tiers;
		const tierCount = Array.isArray(tiers) && tiers.length ? tiers.length : configuredOutputs(this.getNode().parameters, DEFAULT_TIER_NAMES).length;
		const notRouted = this.getNode().typeVersion >= 2 ? tierCount : undefined;
		// A failed item waits where nobody is put on the lead: Not Routed, else the last tier without owner and due time, else the last tier.
		const failedOutput = notRouted ?? (protocol ? quietTierIndex(protocol.tiers ?? DEFAULT_TIERS) : undefined) ?? Math.max(tierCount, 1) - 1;
		// Items are handled side by side and their assignments made together, in item order: the owners
		// one-by-one assignment gives, in a few store transactions instead of one per lead.
		return withStoreRun(this, (run) => processItemsTogether(
			this,
			notRouted === undefined ? Math.max(tierCount, 1) : tierCount + 1,
			async () => {
				if (!protocol) throw protocolError;
				const options = this.getNodeParameter('options', 0, {}) as LeadInputOptions & { outputField?: string; startSlaTimer?: boolean; resendUntilDelivered?: boolean; resendAfterSeconds?: number };
				const router = compileRouter(protocol, { zone });
				// The ladder is checked whether timers start or not: a mistake in it shows at once.
				const timers = planSlaTimers(router, protocol);
				return {
					router,
					plan: planAssignments(router, protocol),
					timers: options.startSlaTimer === false ? undefined : timers,
					reader: leadReader(options, zone),
					outputField: options.outputField || 'routing',
					// Seconds a run may take from the assignment to Confirm Delivery before a redelivery sends again.
					resend: options.resendUntilDelivered === true ? Math.max(0, Math.round(1000 * (options.resendAfterSeconds ?? DEFAULT_RESEND_AFTER_SECONDS))) : undefined,
					store: await run.use(await openStoreFor(this)),
				};
			},
			async (item, i, { router, plan, timers, reader, outputField, resend, store }, together: (request: OwnerRequest) => Promise<AssignedOwner>) => {
				const lead = item.json;
				const leadKey = reader.leadKey(this.getNodeParameter('leadKey', i));
				const { at: now, live } = reader.asOf(lead, this.getNodeParameter('options.evaluateAt', i, ''));
				const activities = reader.activities(lead);
				const tier = router.tierOf(lead, reader.score(lead), activities, now, { live });
				if (!tier) throw new Error(`No tier matched the lead; make the last tier one without conditions (e.g. Nurture) so every lead has a tier`);
				const routing: IDataObject = {
					tier: tier.name,
					tierReason: tier.reason,
					sla: tier.slaText ?? null,
					slaAction: tier.sla ? (tier.sla.action ?? 'contact') : null,
					slaMinutes: tier.sla ? slaMinutes(tier.sla) : null,
					slaBasis: tier.sla?.basis ?? null,
					dueAt: tier.dueAt === undefined ? null : new Date(tier.dueAt).toISOString(),
					dueAtLocal: tier.dueAt === undefined ? null : DateTime.fromMillis(tier.dueAt, { zone: router.calendar.zone }).toFormat("ccc d LLL yyyy HH:mm '('z')'"),
				};
				let dueAt = tier.dueAt;
				if (tier.assign) {
					const eventKey = reader.eventKey(lead, this.getNodeParameter('options.eventKey', i, ''), [outputField, 'handoff']);
					const policy = timers?.policyFor(tier);
					const sla = timers && policy ? { policy, tier: tier.name, details: (record: Parameters<typeof timers.details>[1]) => timers.details(lead, record) } : undefined;
					const assigned = await together(
						ownerRequest(plan, { lead, keys: { scope: reader.scope, leadKey, eventKey }, now, ...(sla ? { sla } : {}), ...(tier.dueAt === undefined ? {} : { dueAt: tier.dueAt }) }),
					);
					const { owner, assignedAt, slaTimer, slaMessage } = assigned;
					const again = await redeliveryOf(store, { scope: reader.scope, leadKey, eventKey }, assigned, resend);
					const duplicate = assigned.duplicate && again.kind !== 'resend';
					Object.assign(routing, {
						eventKey,
						ownerId: owner.ownerId ?? null,
						owner: owner.owner ?? null,
						queue: owner.queue ?? null,
						team: owner.team ?? null,
						assignedVia: owner.via,
						assignmentReasons: owner.reasons,
						skipped: owner.skipped,
						assignedAt: new Date(assignedAt).toISOString(),
						...(duplicate ? { duplicate: true } : {}),
						...(again.kind === 'resend' ? { redelivery: true } : {}),
						...(again.kind === 'inFlight' ? { deliveryInProgress: true, retryAfterSeconds: again.retryAfterSeconds } : {}),
						...(assigned.duplicate && assigned.deliveredAt !== undefined ? { deliveredAt: new Date(assigned.deliveredAt).toISOString() } : {}),
					});
					if (again.kind === 'resend' && again.firstDueAt !== undefined) {
						// Sent again with the due time the messages were first made with.
						dueAt = again.firstDueAt;
						routing.dueAt = new Date(dueAt).toISOString();
						routing.dueAtLocal = DateTime.fromMillis(dueAt, { zone: router.calendar.zone }).toFormat("ccc d LLL yyyy HH:mm '('z')'");
					}
					if (!timers) routing.slaTimer = slaTimerOutput({ status: 'notStarted', reason: 'Start SLA Timer is off in the Options', handoffKey: eventKey }, router.calendar.zone);
					else if (!policy) routing.slaTimer = slaTimerOutput({ status: 'notStarted', reason: `The tier "${tier.name}" has no SLA`, handoffKey: eventKey }, router.calendar.zone);
					else if (slaTimer) routing.slaTimer = slaTimerOutput(slaTimer, router.calendar.zone, slaMessage);
					else {
						// A redelivered event: the assignment was made before; its timer, if it started then, is shown.
						const first = await store.getSlaTimer<SlaTimer>(reader.scope, eventKey);
						routing.slaTimer = first
							? slaTimerOutput({ status: 'duplicate', timer: first.timer }, router.calendar.zone)
							: slaTimerOutput({ status: 'notStarted', reason: `The event "${eventKey}" was assigned before without an SLA timer; a redelivered event starts nothing`, handoffKey: eventKey }, router.calendar.zone);
					}
				}
				// The prospect's instant answer to a demo or sales request: who, and by the SLA's due time.
				routing.autoReply = (renderAutoReply({ activities, now, live, dueAt, zone: router.calendar.zone, email: lead.email, firstName: lead.firstName, owner: routing.owner as IDataObject | null | undefined }) ?? null) as IDataObject | null;
				// Ready for a Slack message: lead data escaped, the no-owner case in words.
				routing.slackText = routingSlackText(typeof lead.email === 'string' && lead.email ? lead.email : leadKey, routing as unknown as RoutingForSlack, handoffReasons(lead));
				// A redelivered event: its rep was told the first time, so it goes to no tier (version 1: its tier, marked duplicate).
				const output = routing.duplicate && notRouted !== undefined ? notRouted : tier.index;
				// A test run marks only what it assigned: a tier without an owner keeps nothing anyway.
				return { output, json: { ...lead, [outputField]: tier.assign ? run.mark({ ...routing, leadKey }) : { ...routing, leadKey } } };
			},
			(requests: OwnerRequest[], { store }): Promise<Array<AssignedOwner | Error>> => assignRequested(store, requests),
			failedOutput,
		));
	}
}

/** The routing from the tables or the JSON parameter, before validation. */
function readProtocol(ctx: IExecuteFunctions): RoutingProtocol {
	return readRouting(parameterReader(ctx, tierRouterProperties));
}

/** Handoff Gate's reasons on the lead, when it passed the gate. */
function handoffReasons(lead: IDataObject): string[] {
	const reasons = (lead.handoff as { reasons?: unknown } | undefined)?.reasons;
	return Array.isArray(reasons) ? reasons.filter((r): r is string => typeof r === 'string') : [];
}
