/**
 * Lead Scoring Lab's operations, one file each under actions/ (as nodes-base Airtable v2 lays
 * them out). OPERATIONS is the one list: the Operation choices, each operation's parameters, the
 * node's outputs, the subtitle and the dispatch all come from it. An operation is added by
 * importing its module and adding it to the list, one line each.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { OperationModule } from './actions/common';
import * as learnPointTable from './actions/learnPointTable';
import * as logScoringChange from './actions/logScoringChange';
import * as protocolDocument from './actions/protocolDocument';
import * as thresholdWhatIf from './actions/thresholdWhatIf';

export const OPERATIONS: OperationModule[] = [
	learnPointTable,
	thresholdWhatIf,
	logScoringChange,
	protocolDocument,
];

const first = () => OPERATIONS[0].operation;

/** The node's outputs by operation: an expression n8n evaluates in the editor and at run time. */
export function outputsExpression(): `={{${string}}}` {
	const byOperation: Record<string, Array<{ type: 'main'; displayName?: string }>> = {};
	for (const { operation: o } of OPERATIONS) byOperation[o.value] = (o.outputs ?? ['']).map((name) => (name ? { type: 'main', displayName: name } : { type: 'main' }));
	return `={{ (${JSON.stringify(byOperation)})[$parameter.operation || "${first().value}"] || [{ "type": "main" }] }}`;
}

/** The subtitle: what the chosen operation does, in sentence case. */
export function subtitleExpression(): string {
	const names: Record<string, string> = {};
	for (const { operation: o } of OPERATIONS) names[o.value] = o.subtitle;
	return `={{ (${JSON.stringify(names)})[$parameter["operation"]] || "${first().subtitle}" }}`;
}

function withShow(property: INodeProperties, operation: string): INodeProperties {
	const show = { ...(property.displayOptions?.show ?? {}), operation: [operation] };
	return { ...property, displayOptions: { ...property.displayOptions, show } };
}

export function scoringLabProperties(): INodeProperties[] {
	const properties: INodeProperties[] = [
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			options: OPERATIONS.map(({ operation: o }) => ({ name: o.name, value: o.value, description: o.description, action: o.action })).sort((a, b) => a.name.localeCompare(b.name)),
			default: first().value,
		},
	];
	for (const o of OPERATIONS) properties.push(...o.description.map((p) => withShow(p, o.operation.value)));
	return properties;
}

export async function route(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0, first().value) as string;
	const entry = OPERATIONS.find((o) => o.operation.value === operation);
	if (!entry) throw new Error(`Lead Scoring Lab has no operation "${operation}"`);
	return entry.execute.call(this);
}
