/**
 * What every Lead Scoring Lab operation is (as nodes-base Airtable v2 lays a node out: `router.ts`
 * plus one file per operation), and the parameters the learning operations share: where the
 * history comes from, and the current rules.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { LeadDataError, ProtocolError } from '../../engine/common/errors';
import { compilePath } from '../../engine/common/paths';
import { parseTimestamp } from '../../engine/common/time';
import { DEFAULT_RULES_JSON } from '../../LeadScore/editorRules';

/** One operation as the router lists it: its choice in the Operation list, parameters and run. */
export interface OperationModule {
	operation: { name: string; value: string; description: string; action: string; subtitle: string; outputs?: string[] };
	/** The operation's own parameters; the router shows them for its operation only. */
	description: INodeProperties[];
	/** Runs the operation over the node's input items: one list of items per output. */
	execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]>;
}

export const FROM_STORE = { show: { rowsFrom: ['store'] } };
export const FROM_ITEMS = { show: { rowsFrom: ['items'] } };

export function rowsFromProperty(storeText: string, itemsText: string): INodeProperties {
	return {
		displayName: 'Leads From',
		name: 'rowsFrom',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Input Items', value: 'items', description: itemsText },
			{ name: 'Lead Handoff Store', value: 'store', description: storeText },
		],
		default: 'items',
	};
}

export const currentRulesProperties: INodeProperties[] = [
	{
		displayName: 'Current Rules From',
		name: 'rulesFrom',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'JSON', value: 'json', description: "The rules as Lead Score's JSON rules take them (Lead Score's JSON view, or a published table)" },
			{ name: 'Input Field', value: 'field', description: 'A field of the first input item holds the rules (e.g. read from a file or a repository)' },
		],
		default: 'json',
	},
	{
		displayName: 'Current Rules (JSON)',
		name: 'currentRules',
		type: 'json',
		displayOptions: { show: { rulesFrom: ['json'] } },
		default: DEFAULT_RULES_JSON,
		description: "The table in use today, as in Lead Score's JSON rules; the proposal is compared with it",
	},
	{
		displayName: 'Rules Field',
		name: 'rulesField',
		type: 'string',
		displayOptions: { show: { rulesFrom: ['field'] } },
		default: 'rules',
		description: 'The field of the first input item that holds the rules (a dot path)',
	},
];

/** The current rules from the parameter or the first item; a bad one is a protocol error (no item is processed). */
export function currentRules(ctx: IExecuteFunctions, items: INodeExecutionData[]): unknown {
	const from = ctx.getNodeParameter('rulesFrom', 0, 'json') as string;
	let value: unknown;
	if (from === 'field') {
		const field = (ctx.getNodeParameter('rulesField', 0, 'rules') as string).trim();
		value = items.length ? compilePath(field)(items[0].json) : undefined;
		if (value === undefined) throw ProtocolError.at('/rulesField', `Rules Field: the first input item has no field "${field}" holding the current rules`);
	} else value = ctx.getNodeParameter('currentRules', 0, DEFAULT_RULES_JSON);
	if (typeof value === 'string') {
		try {
			value = JSON.parse(value);
		} catch (error) {
			throw ProtocolError.at('', `Current Rules: not valid JSON (${(error as Error).message})`);
		}
	}
	return value;
}

const YES = new Set(['true', '1', 'yes', 'y', 'won', 'closed won', 'closedwon', 'converted', 'customer']);
const NO = new Set(['false', '0', 'no', 'n', 'lost', 'closed lost', 'closedlost', 'rejected', 'not converted', 'disqualified', 'unqualified']);

/** An outcome field as CRMs give it: a boolean, 1/0, yes/no, won/lost. */
export function readConverted(value: unknown, field: string): boolean {
	if (typeof value === 'boolean') return value;
	if (typeof value === 'number' && (value === 0 || value === 1)) return value === 1;
	if (typeof value === 'string') {
		const text = value.trim().toLowerCase();
		if (YES.has(text)) return true;
		if (NO.has(text)) return false;
	}
	throw new LeadDataError(field, 'whether the lead converted: true or false, 1 or 0, yes or no, won or lost', value);
}

/** An optional time field: empty means none. */
export function readTime(value: unknown, field: string, zone: string): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	return parseTimestamp(value, field, zone);
}

/** "Tags, Lead Quality" (or a list from an expression) as field names. */
export function fieldList(value: unknown): string[] {
	if (Array.isArray(value)) return value.map((v) => String(v).trim()).filter(Boolean);
	return String(value ?? '')
		.split(',')
		.map((v) => v.trim())
		.filter(Boolean);
}
