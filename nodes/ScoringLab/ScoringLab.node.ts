import { NodeConnectionTypes, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';

import { storeCredentialTest } from '../shared/store';
import { outputsExpression, route, scoringLabProperties, subtitleExpression } from './router';

/**
 * The scoring lab: learns a point table from won and lost leads and tests it against the current
 * one on leads the learner never saw; weighs hand-off thresholds against the sales team's
 * capacity.
 */
export class ScoringLab implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Lead Scoring Lab',
		name: 'leadScoringLab',
		icon: { light: 'file:scoringLab.svg', dark: 'file:scoringLab.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: subtitleExpression(),
		description:
			"Learns lead-scoring points from won and lost leads, tests them on a holdout, weighs hand-off thresholds against the sales team's capacity, logs each published table and writes the protocol document",
		defaults: { name: 'Lead Scoring Lab' },
		inputs: [NodeConnectionTypes.Main],
		outputs: outputsExpression(),
		usableAsTool: true,
		// The store is needed except when the leads come from the input items.
		credentials: [{ name: 'leadHandoffStoreApi', required: true, testedBy: 'leadHandoffStoreConnectionTest', displayOptions: { hide: { rowsFrom: ['items'] } } }],
		properties: scoringLabProperties(),
	};

	methods = { credentialTest: storeCredentialTest };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return route.call(this);
	}
}
