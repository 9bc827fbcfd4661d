import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { leadKeyOf } from '../engine/scoring';
import { processItems } from '../shared/items';
import { openStoreFor, storeCredentialTest } from '../shared/store';

/**
 * What the store holds about one lead: read it, or erase it for a privacy request. The store's
 * own writes happen in the nodes that cause them (Lead Score, Handoff Gate, Tier Router, ...).
 */
export class LeadHandoffData implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Lead Handoff Data',
		name: 'leadHandoffData',
		icon: { light: 'file:leadHandoffData.svg', dark: 'file:leadHandoffData.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] === "erase" ? "Erase lead" : "Get lead history" }}',
		description: 'Reads what the lead hand-off store keeps about a lead, or erases it for a privacy request',
		defaults: { name: 'Lead Handoff Data' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [{ name: 'leadHandoffStoreApi', required: true, testedBy: 'leadHandoffStoreConnectionTest' }],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Get Lead History',
						value: 'getHistory',
						description: "The lead's recorded activities and latest score",
						action: 'Get lead history',
					},
					{
						name: 'Erase Lead',
						value: 'erase',
						description: 'Delete everything stored about the lead (a privacy or deletion request)',
						action: 'Erase lead',
					},
				],
				default: 'getHistory',
			},
			{
				displayName: 'Lead Key',
				name: 'leadKey',
				type: 'string',
				default: '={{ $json.email }}',
				required: true,
				description: 'The lead as Lead Score filed it: its email address (compared without case) or CRM record ID',
			},
			{
				displayName: 'This deletes everything the lead hand-off nodes stored about the lead. It cannot be undone. Records in your CRM are not touched.',
				name: 'eraseNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { operation: ['erase'] } },
			},
		],
	};

	methods = { credentialTest: storeCredentialTest };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return processItems(
			this,
			1,
			async () => ({ store: await openStoreFor(this), operation: this.getNodeParameter('operation', 0) as 'getHistory' | 'erase' }),
			async (_item, i, { store, operation }) => {
				const leadKey = leadKeyOf(this.getNodeParameter('leadKey', i));
				if (operation === 'erase') {
					const { deleted } = await store.eraseLead(leadKey);
					const rows = Object.values(deleted).reduce((sum, n) => sum + n, 0);
					return { output: 0, json: { leadKey, erased: true, rowsDeleted: rows, deleted } };
				}
				const [activities, latest] = await Promise.all([store.listActivities(leadKey), store.latestScore(leadKey)]);
				return {
					output: 0,
					json: {
						leadKey,
						activityCount: activities.length,
						activities: activities.map((a) => ({ ...a.data, recordedAt: new Date(a.recordedAt).toISOString() })),
						latestScore: latest ? { ...latest.score, recordedAt: new Date(latest.recordedAt).toISOString() } : null,
					},
				};
			},
		);
	}
}
