/**
 * History from the Lead Handoff Store: the closed hand-offs (Lead Feedback's recorded outcomes)
 * with the score at hand-off, and for learning the lead's recorded activities before it.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { compilePath } from '../../engine/common/paths';
import { convertedAt, handoffHistoryRow, type ConvertedStage, type HandoffOutcomeRow, type OutcomeRow } from '../../engine/lab';
import { leadKeyOf } from '../../engine/scoring';
import { toNodeError } from '../../shared/items';
import { leaseStoreFor } from '../../shared/store';
import { FROM_STORE } from './common';

export const convertedStageProperty: INodeProperties = {
	displayName: 'Converted Means',
	name: 'convertedStage',
	type: 'options',
	displayOptions: FROM_STORE,
	options: [
		{ name: 'Won', value: 'won', description: 'A hand-off converted when it was won; lost and rejected ones did not; open ones are left out' },
		{ name: 'Opportunity', value: 'opportunity', description: 'Converted when it became an opportunity' },
		{ name: 'Meeting', value: 'meeting', description: 'Converted when a meeting took place' },
		{ name: 'Accepted', value: 'accepted', description: 'Converted when sales accepted it' },
	],
	default: 'won',
};

export const storeHistoryProperties: INodeProperties[] = [
	convertedStageProperty,
	{
		displayName: 'Lead Fields From Items',
		name: 'leadKeyField',
		type: 'string',
		displayOptions: FROM_STORE,
		default: '',
		placeholder: 'e.g. email',
		description: "The store keeps each lead's activities, source and campaign. To learn from its other fields (role, country, company size), give the leads as input items (a CRM export) and name the field holding the lead key. Empty: source, campaign and activities only.",
	},
];

export interface ClosedHandoff {
	row: HandoffOutcomeRow;
	converted: boolean;
}

/** The scope's closed hand-offs, read in batches; open ones are left out. */
export async function readClosedHandoffs(ctx: IExecuteFunctions, scope: string): Promise<ClosedHandoff[]> {
	const stage = ctx.getNodeParameter('convertedStage', 0, 'won') as ConvertedStage;
	const closed: ClosedHandoff[] = [];
	const lease = await leaseStoreFor(ctx);
	try {
		await lease.store.readReportRows({ scope }, (batch) => {
			for (const row of batch) {
				const converted = convertedAt(row, stage);
				if (converted !== undefined) closed.push({ row, converted });
			}
		});
	} catch (error) {
		throw toNodeError(ctx, error);
	} finally {
		lease.release();
	}
	return closed;
}

/** Learning rows: each closed hand-off's lead with its activities up to the hand-off. */
export async function readStoreHistory(ctx: IExecuteFunctions, scope: string, items: INodeExecutionData[], activitiesField: string): Promise<OutcomeRow[]> {
	const closed = await readClosedHandoffs(ctx, scope);
	const keyField = (ctx.getNodeParameter('leadKeyField', 0, '') as string).trim();
	const fieldsByKey = new Map<string, IDataObject>();
	if (keyField) {
		const readKey = compilePath(keyField);
		items.forEach((item, index) => {
			const value = readKey(item.json);
			if (value === undefined || value === null || value === '') return;
			try {
				fieldsByKey.set(leadKeyOf(value, keyField), item.json);
			} catch (error) {
				throw toNodeError(ctx, error, index);
			}
		});
	}
	const rows: OutcomeRow[] = [];
	const lease = await leaseStoreFor(ctx);
	try {
		for (const { row, converted } of closed) {
			const activities = await lease.store.listActivities(scope, row.leadKey);
			rows.push(handoffHistoryRow(row, converted, activities, activitiesField, fieldsByKey.get(row.leadKey)));
		}
	} catch (error) {
		throw toNodeError(ctx, error);
	} finally {
		lease.release();
	}
	return rows;
}
