import { NodeConnectionTypes, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';

import { storeCredentialTest } from '../shared/store';
import { leadFeedbackProperties, outputsExpression, route, subtitleExpression } from './router';

/**
 * Sales outcomes back into the protocol: what sales did with each handed-off lead (accepted,
 * rejected with a reason, contacted, meeting, opportunity, won with an amount, lost with a
 * reason), recorded from the CRM's webhooks once per CRM event, linked to the hand-off, its
 * assignment, its SLA timer and the scoring model that scored the lead.
 */
export class LeadFeedback implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Lead Feedback',
		name: 'leadFeedback',
		icon: { light: 'file:leadFeedback.svg', dark: 'file:leadFeedback.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: subtitleExpression(),
		description: 'Records what sales did with each handed-off lead (accepted, rejected, contacted, met, won, lost) from the CRM, linked to its hand-off, owner, SLA timer and scoring model; reports lead quality over a period',
		defaults: { name: 'Lead Feedback' },
		inputs: [NodeConnectionTypes.Main],
		outputs: outputsExpression(),
		usableAsTool: true,
		// The store is needed except by a report that reads its rows from the input items.
		credentials: [{ name: 'leadHandoffStoreApi', required: true, testedBy: 'leadHandoffStoreConnectionTest', displayOptions: { hide: { rowsFrom: ['items'] } } }],
		properties: leadFeedbackProperties(),
	};

	methods = { credentialTest: storeCredentialTest };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return route.call(this);
	}
}
