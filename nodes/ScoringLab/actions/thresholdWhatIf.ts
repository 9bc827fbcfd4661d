/**
 * Threshold What-If (being built): weighs hand-off thresholds against the sales team's capacity.
 */
import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import type { OperationModule } from './common';

export const operation: OperationModule['operation'] = {
	name: 'Threshold What-If',
	value: 'thresholdWhatIf',
	description: 'For each candidate hand-off threshold: hand-offs per week, load per rep against capacity, expected conversions and precision; recommends the threshold that fills the team',
	action: 'Weigh hand-off thresholds against capacity',
	subtitle: 'Threshold what-if',
};

export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	throw new NodeOperationError(this.getNode(), 'Threshold What-If is not available yet');
}
