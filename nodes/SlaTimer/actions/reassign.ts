/**
 * Reassign: gives a running timer's lead to a named rep, or to the next rep through the routing
 * the timer keeps (Tier Router's teams and roster when it started the timer), passing over the
 * current owner. The round-robin turn and the open counts move with it, in one transaction. A
 * repeated reassignment (Only If Owned By) changes nothing.
 */
import type { INodeProperties } from 'n8n-workflow';

import { type SlaTimer } from '../../engine/sla';
import { reassignByRouting } from '../../shared/slaReassign';
import { timerView } from '../../shared/slaTimerView';
import { findByProperties, keyOf, show, targetOf, textOf, timeOf, timeProperty, type OperationModule } from './common';

export const description: INodeProperties[] = [
	...findByProperties(['reassign']),
	{
		displayName: 'Reassign To',
		name: 'reassignTo',
		type: 'options',
		noDataExpression: true,
		displayOptions: show('reassign'),
		options: [
			{ name: 'Next Rep Through the Routing', value: 'routing', description: "The team's next available rep, by its strategy, passing over the current owner" },
			{ name: 'A Named Rep', value: 'rep', description: 'The rep whose ID you give' },
		],
		default: 'routing',
	},
	{
		displayName: 'Rep ID',
		name: 'repId',
		type: 'string',
		default: '',
		required: true,
		displayOptions: { show: { operation: ['reassign'], reassignTo: ['rep'] } },
		description: "The new owner's ID (the CRM owner ID, as in Tier Router's roster)",
	},
	{
		displayName: 'Only If Owned By',
		name: 'fromOwner',
		type: 'string',
		default: '',
		displayOptions: show('reassign'),
		description: 'Reassign only while this rep owns the lead, so a repeated request changes nothing. Empty: whoever owns it.',
	},
	timeProperty('reassignedAt', 'Reassigned At', ['reassign'], "When the new owner's SLA starts."),
];

export const writes = true;

export const execute: OperationModule['execute'] = async (_item, i, run) => {
	const target = targetOf(run, i);
	const at = timeOf(run, 'reassignedAt', 'Reassigned At', i);
	const toRep = run.ctx.getNodeParameter('reassignTo', i, 'routing') === 'rep' ? keyOf(run.ctx.getNodeParameter('repId', i, ''), 'Rep ID', "the new owner's rep ID") : undefined;
	const fromOwner = textOf(run, 'fromOwner', 'Only If Owned By', i);
	let handoffKey: string;
	if ('handoffKey' in target) handoffKey = target.handoffKey;
	else {
		const [running] = await run.store.listSlaTimers<SlaTimer>(run.scope, { leadKey: target.leadKey, limit: 1 });
		if (!running) return { changed: false, outcome: 'notFound', note: `No running SLA timer for ${target.label}; nothing changed` };
		handoffKey = running.handoffKey;
	}
	const result = await reassignByRouting(run.store, { scope: run.scope, handoffKey, at, ...(toRep === undefined ? {} : { toRep }), ...(fromOwner === undefined ? {} : { fromOwner }) });
	if (result.status === 'notFound') return { changed: false, outcome: 'notFound', note: `${result.message}; nothing changed` };
	return {
		changed: result.status === 'reassigned',
		outcome: result.status,
		note: result.message,
		...(result.status === 'reassigned' ? { previousOwnerId: result.before.ownerId ?? null, newOwner: result.owner ?? null } : {}),
		...(result.via ? { via: result.via, reasons: result.reasons ?? [], skipped: result.skipped ?? [] } : {}),
		...timerView(result.after, result.zone),
	};
};
