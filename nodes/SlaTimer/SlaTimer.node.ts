import { NodeConnectionTypes, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';

import { storeCredentialTest } from '../shared/store';
import { route, slaTimerProperties } from './router';

/**
 * One SLA timer per hand-off, kept in the store: started (by Tier Router with the assignment, or
 * here), stopped by the first touch, accepted, reassigned or cancelled, and read back. The SLA
 * Breach Trigger escalates the timers that nobody stops in time.
 */
export class SlaTimer implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'SLA Timer',
		name: 'slaTimer',
		icon: { light: 'file:slaTimer.svg', dark: 'file:slaTimer.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{ { start: "Start timer", markContacted: "Mark contacted", accept: "Accept hand-off", reassign: "Reassign hand-off", cancel: "Cancel timer", get: "Get timers" }[$parameter["operation"]] || "Mark contacted" }}',
		description: "Holds each hand-off to its response time: starts an SLA timer, stops it at the first touch, reassigns or cancels it, and lists what is waiting on a rep",
		defaults: { name: 'SLA Timer' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [{ name: 'leadHandoffStoreApi', required: true, testedBy: 'leadHandoffStoreConnectionTest' }],
		properties: slaTimerProperties,
	};

	methods = { credentialTest: storeCredentialTest };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return route.call(this);
	}
}
