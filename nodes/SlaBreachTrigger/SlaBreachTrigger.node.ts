import { NodeConnectionTypes, NodeOperationError, type INodeExecutionData, type INodeType, type INodeTypeDescription, type IPollFunctions } from 'n8n-workflow';

import { LeadDataError } from '../engine/common/errors';
import { clock } from '../shared/clock';
import { storeScopeOf } from '../shared/leadInput';
import { leaseStoreFor, storeCredentialTest } from '../shared/store';
import { slaBreachTriggerProperties, STAGE_OUTPUTS } from './description';
import { claimLimitOf, managersOf, pollEscalations, sampleOutputs, type ManagerRow, type TriggerSettings } from './escalate';

/**
 * Fires the escalation ladder of every SLA timer in the store: on n8n's poll times (every minute
 * unless set otherwise) it claims the stages due by now, each stage of each timer exactly once,
 * and emits them on one output per stage. A manual run shows a sample and claims nothing.
 */
export class SlaBreachTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'SLA Breach Trigger',
		name: 'slaBreachTrigger',
		icon: { light: 'file:slaBreachTrigger.svg', dark: 'file:slaBreachTrigger.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: 'Escalate overdue hand-offs',
		description: 'Fires when a handed-off lead waits too long for its first contact: a reminder to the owner, the manager told, the lead reassigned, a last alert',
		defaults: { name: 'SLA Breach Trigger' },
		polling: true,
		inputs: [],
		outputs: STAGE_OUTPUTS.map(({ displayName }) => ({ type: NodeConnectionTypes.Main, displayName })),
		credentials: [{ name: 'leadHandoffStoreApi', required: true, testedBy: 'leadHandoffStoreConnectionTest' }],
		properties: slaBreachTriggerProperties,
	};

	methods = { credentialTest: storeCredentialTest };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const now = clock.now();
		const settings = readSettings(this);
		// "Fetch Test Event" and test runs from the editor: a sample, and nothing claimed.
		if (this.getMode() === 'manual') return sampleOutputs(now, this.getTimezone(), settings);
		const lease = await leaseStoreFor(this);
		try {
			return await pollEscalations(lease.store, settings, now);
		} catch (error) {
			throw error instanceof NodeOperationError ? error : new NodeOperationError(this.getNode(), error as Error, { description: 'No stage was claimed by this poll; the next poll tries again.' });
		} finally {
			// A trigger has no item loop to give the store back: it does so itself.
			lease.release();
		}
	}
}

function readSettings(ctx: IPollFunctions): TriggerSettings {
	try {
		const options = ctx.getNodeParameter('options', {}) as { scope?: unknown; claimLimit?: unknown };
		const channel = ctx.getNodeParameter('channel', '') as unknown;
		if (typeof channel !== 'string') throw new LeadDataError('Last Alert Channel', 'a channel name, e.g. #sales-leads', channel);
		const rows = ((ctx.getNodeParameter('managers', {}) as { manager?: ManagerRow[] }).manager ?? []) as ManagerRow[];
		return {
			scope: storeScopeOf(options.scope),
			...(channel.trim() ? { channel: channel.trim() } : {}),
			managers: managersOf(rows),
			reassign: ctx.getNodeParameter('reassign', true) !== false,
			claimLimit: claimLimitOf(options.claimLimit),
		};
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		throw new NodeOperationError(ctx.getNode(), `Invalid settings: ${message}`, {
			description: error instanceof LeadDataError ? `"${error.field}" must be ${error.expected}.` : undefined,
		});
	}
}
