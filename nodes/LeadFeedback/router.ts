/**
 * Lead Feedback's operations, one file each under actions/<resource>/ (as nodes-base Airtable v2
 * lays them out). OPERATIONS is the one list: the Resource and Operation choices, each
 * operation's parameters, the node's outputs and the dispatch all come from it. An operation is
 * added by importing its module and adding one entry.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import type { OperationEntry } from './actions/common';
import * as recordOutcome from './actions/outcome/record';
import * as leadQualityReport from './actions/report/leadQuality';

export const OPERATIONS: OperationEntry[] = [
	{
		resource: 'outcome',
		resourceName: 'Outcome',
		operation: 'record',
		name: 'Record Outcome',
		description: "What sales did with a handed-off lead (accepted, rejected, contacted, meeting, opportunity, won, lost), from a CRM webhook or mapped fields",
		action: 'Record an outcome',
		outputs: recordOutcome.outputs,
		module: recordOutcome,
	},
	{
		resource: 'report',
		resourceName: 'Report',
		operation: 'leadQuality',
		name: 'Lead Quality Report',
		description: 'Hand-offs, acceptance, speed to contact, SLA met, meetings, wins and revenue by score band, grade, tier, source, campaign, rep and team over a period, with findings and charts',
		action: 'Build the lead quality report',
		subtitle: 'Lead quality report',
		outputs: leadQualityReport.outputs,
		module: leadQualityReport,
	},
];

const key = (resource: string, operation: string) => `${resource}/${operation}`;

function findOperation(resource: string, operation: string): OperationEntry | undefined {
	return OPERATIONS.find((o) => o.resource === resource && o.operation === operation);
}

/** The node's outputs, by resource and operation: an expression n8n evaluates in the editor and at run time. */
export function outputsExpression(): `={{${string}}}` {
	const byOperation: Record<string, Array<{ type: 'main'; displayName?: string }>> = {};
	for (const o of OPERATIONS) byOperation[key(o.resource, o.operation)] = (o.outputs ?? ['']).map((name) => (name ? { type: 'main', displayName: name } : { type: 'main' }));
	const first = OPERATIONS[0];
	return `={{ (${JSON.stringify(byOperation)})[($parameter.resource || "${first.resource}") + "/" + ($parameter.operation || "${first.operation}")] || [{ "type": "main" }] }}`;
}

/** The subtitle: the chosen operation's name. */
export function subtitleExpression(): string {
	const names: Record<string, string> = {};
	for (const o of OPERATIONS) names[key(o.resource, o.operation)] = o.subtitle ?? sentenceCase(o.name);
	return `={{ (${JSON.stringify(names)})[$parameter["resource"] + "/" + $parameter["operation"]] || "${OPERATIONS[0].subtitle ?? sentenceCase(OPERATIONS[0].name)}" }}`;
}

/** "Record Outcome" as a canvas subtitle: "Record outcome". */
function sentenceCase(name: string): string {
	return name.charAt(0) + name.slice(1).toLowerCase();
}

function withShow(property: INodeProperties, resource: string, operation: string): INodeProperties {
	const show = { ...(property.displayOptions?.show ?? {}), resource: [resource], operation: [operation] };
	return { ...property, displayOptions: { ...property.displayOptions, show } };
}

export function leadFeedbackProperties(): INodeProperties[] {
	const resources: INodePropertyOptions[] = [];
	for (const o of OPERATIONS) if (!resources.some((r) => r.value === o.resource)) resources.push({ name: o.resourceName, value: o.resource });
	const properties: INodeProperties[] = [
		{ displayName: 'Resource', name: 'resource', type: 'options', noDataExpression: true, options: resources, default: OPERATIONS[0].resource },
	];
	for (const resource of resources) {
		const ops = OPERATIONS.filter((o) => o.resource === resource.value);
		properties.push({
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: [resource.value as string] } },
			options: ops.map((o) => ({ name: o.name, value: o.operation, description: o.description, action: o.action })),
			default: ops[0].operation,
		});
	}
	for (const o of OPERATIONS) properties.push(...o.module.description.map((p) => withShow(p, o.resource, o.operation)));
	return properties;
}

export async function route(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0, OPERATIONS[0].resource) as string;
	const operation = this.getNodeParameter('operation', 0, OPERATIONS[0].operation) as string;
	const entry = findOperation(resource, operation);
	if (!entry) throw new Error(`Lead Feedback has no operation "${operation}" for resource "${resource}"`);
	return entry.module.execute.call(this);
}
