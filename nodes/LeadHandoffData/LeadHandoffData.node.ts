import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { leadKeyOf } from '../engine/scoring';
import { ALL_SCOPES } from '../store';
import { processItems } from '../shared/items';
import { storeScopeOf, storeScopeOption } from '../shared/leadInput';
import { openStoreFor, storeCredentialTest } from '../shared/store';

/**
 * What the store holds about one lead: read it, or erase it for a privacy request. The store's
 * own writes happen in the nodes that cause them (Lead Score, Handoff Gate, Tier Router, ...).
 *
 * Not offered to AI agents as a tool: n8n makes a tool of every operation of a node marked
 * usableAsTool, and Erase Lead cannot be undone.
 */
// eslint-disable-next-line @n8n/community-nodes/node-usable-as-tool -- Erase Lead is irreversible: no AI agent may run it
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
				displayName: 'Erase In',
				name: 'eraseIn',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { operation: ['erase'] } },
				options: [
					{
						name: 'All Scopes',
						value: 'allScopes',
						description: "The lead in every client's and workflow's scope of this store, as a person's deletion request asks",
					},
					{
						name: 'This Store Scope Only',
						value: 'scope',
						description: 'Only the lead in the Store Scope set under Options, e.g. when one client asks to forget a lead of theirs',
					},
				],
				default: 'allScopes',
			},
			{
				displayName: 'This deletes everything the lead hand-off nodes stored about the lead. It cannot be undone. Records in your CRM are not touched.',
				name: 'eraseNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { operation: ['erase'] } },
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [storeScopeOption],
			},
		],
	};

	methods = { credentialTest: storeCredentialTest };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return processItems(
			this,
			1,
			async () => ({
				store: await openStoreFor(this),
				operation: this.getNodeParameter('operation', 0) as 'getHistory' | 'erase',
				everyScope: this.getNodeParameter('eraseIn', 0, 'allScopes') === 'allScopes',
				scope: storeScopeOf((this.getNodeParameter('options', 0, {}) as { scope?: unknown }).scope),
			}),
			async (_item, i, { store, operation, everyScope, scope }) => {
				const leadKey = leadKeyOf(this.getNodeParameter('leadKey', i));
				if (operation === 'erase') {
					const { deleted } = await store.eraseLead(everyScope ? ALL_SCOPES : scope, leadKey);
					const rows = Object.values(deleted).reduce((sum, n) => sum + n, 0);
					return { output: 0, json: { leadKey, erased: true, ...(everyScope ? { allScopes: true } : { scope }), rowsDeleted: rows, deleted } };
				}
				const [activities, latest] = await Promise.all([store.listActivities(scope, leadKey), store.latestScore(scope, leadKey)]);
				return {
					output: 0,
					json: {
						leadKey,
						scope,
						activityCount: activities.length,
						activities: activities.map((a) => ({ ...a.data, recordedAt: new Date(a.recordedAt).toISOString() })),
						latestScore: latest ? { ...latest.score, recordedAt: new Date(latest.recordedAt).toISOString() } : null,
					},
				};
			},
		);
	}
}
