/**
 * What every Lead Feedback operation is: its parameters (shown for its resource and operation),
 * the outputs it needs, and one `execute` over all the items, as nodes-base Airtable v2 lays a
 * node with operations out (`router.ts` plus `actions/<resource>/<operation>.ts`).
 */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

export interface OperationModule {
	/** The operation's own parameters; the router shows them for its resource and operation only. */
	description: INodeProperties[];
	/** Runs the operation over the node's input items: one list of items per output. */
	execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]>;
}

/** An operation as the router lists it. */
export interface OperationEntry {
	resource: string;
	/** The Resource choice's label, the first time the resource appears in the list. */
	resourceName: string;
	operation: string;
	name: string;
	description: string;
	/** The Operation list's action label, e.g. "Record an outcome". */
	action: string;
	/** The canvas subtitle, a verb phrase in sentence case ("Record outcome"); default: the name in sentence case. */
	subtitle?: string;
	/** The node's outputs for this operation, by name (one unnamed output when left out). */
	outputs?: string[];
	module: OperationModule;
}
