/**
 * SLA Timer's operations, one file each under actions/ (as nodes-base Airtable v2 lays them out):
 * the node's properties are the operation choice, each operation's own, and the shared Options;
 * `route` runs the chosen operation over the items. Operations that write keep nothing in a test
 * run from the editor unless Record Test Runs is on; Get only reads.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { processItems } from '../shared/items';
import { storeScopeOf, storeScopeOption } from '../shared/leadInput';
import { openStoreFor } from '../shared/store';
import { recordTestRunsOption, withStoreRun } from '../shared/testRun';
import * as accept from './actions/accept';
import * as cancel from './actions/cancel';
import type { Operation, OperationModule, SlaTimerRun } from './actions/common';
import * as get from './actions/get';
import * as markContacted from './actions/markContacted';
import * as reassign from './actions/reassign';
import * as start from './actions/start';

const operations: Record<Operation, OperationModule> = { start, markContacted, accept, reassign, cancel, get };

export const slaTimerProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Accept', value: 'accept', description: 'The owner accepts the lead: meets an acknowledge SLA (MQLs)', action: 'Accept a hand-off' },
			{ name: 'Cancel', value: 'cancel', description: 'Stop a timer without a response (disqualified, merged, handled elsewhere)', action: 'Cancel a timer' },
			{ name: 'Get', value: 'get', description: "One hand-off's timer, or the open timers of a rep or team", action: 'Get timers' },
			{ name: 'Mark Contacted', value: 'markContacted', description: 'The first touch: a call logged, an email sent, a meeting booked; stops the timer', action: 'Mark a lead contacted' },
			{ name: 'Reassign', value: 'reassign', description: 'Give the lead to a named rep, or the next rep through the routing', action: 'Reassign a hand-off' },
			{ name: 'Start', value: 'start', description: 'Start a hand-off\'s timer, for leads assigned outside Tier Router', action: 'Start a timer' },
		],
		default: 'markContacted',
	},
	...start.description,
	...markContacted.description,
	...accept.description,
	...reassign.description,
	...cancel.description,
	...get.description,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{ displayName: 'Output Field', name: 'outputField', type: 'string', default: 'slaTimer', description: 'Field of the output item that receives the timer and what happened' },
			{ ...recordTestRunsOption('the SLA timer change'), displayOptions: { hide: { '/operation': ['get'] } } },
			storeScopeOption,
		],
	},
];

export async function route(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as Operation;
	const action = operations[operation];
	const zone = this.getTimezone();
	return withStoreRun(this, (run) =>
		processItems(
			this,
			1,
			async (): Promise<SlaTimerRun> => {
				if (!action) throw new Error(`Unknown operation "${String(operation)}"`);
				const options = this.getNodeParameter('options', 0, {}) as { outputField?: string; scope?: unknown };
				const store = await openStoreFor(this);
				return { ctx: this, store: action.writes ? await run.use(store) : store, run, zone, scope: storeScopeOf(options.scope), outputField: options.outputField || 'slaTimer' };
			},
			async (item, i, prepared) => {
				const result = await action.execute(item, i, prepared);
				return { output: 0, json: { ...item.json, [prepared.outputField]: action.writes ? prepared.run.mark(result as IDataObject) : result } };
			},
		),
	);
}
