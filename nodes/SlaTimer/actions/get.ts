/**
 * Get: one hand-off's timer (by hand-off key, or a lead's latest), or the open timers of a rep or
 * a team, soonest due first, with a ready text for a "what is waiting on me" message.
 */
import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { leadKeyOf } from '../../engine/scoring';
import { compilePolicy, lateness, type SlaTimer } from '../../engine/sla';
import { timerView } from '../../shared/slaTimerView';
import { clock } from '../../shared/clock';
import { findByProperties, keyOf, show, type OperationModule, type SlaTimerRun } from './common';

export const description: INodeProperties[] = [
	{
		displayName: 'Get',
		name: 'getWhat',
		type: 'options',
		noDataExpression: true,
		displayOptions: show('get'),
		options: [
			{ name: 'One Timer', value: 'timer', description: "A hand-off's timer, or a lead's latest" },
			{ name: 'Open Timers of a Rep', value: 'rep', description: 'Every hand-off still waiting on the rep, soonest due first' },
			{ name: 'Open Timers of a Team', value: 'team', description: 'Every hand-off of the team still waiting, soonest due first' },
		],
		default: 'timer',
	},
	...findByProperties(['get'], { getWhat: ['timer'] }),
	{ displayName: 'Rep ID', name: 'repId', type: 'string', default: '', required: true, displayOptions: { show: { operation: ['get'], getWhat: ['rep'] } }, description: "The rep's ID (CRM owner ID)" },
	{ displayName: 'Team', name: 'team', type: 'string', default: '', required: true, displayOptions: { show: { operation: ['get'], getWhat: ['team'] } }, description: 'The team ID, as in Tier Router' },
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		default: 50,
		typeOptions: { minValue: 1, maxValue: 1000 },
		displayOptions: { show: { operation: ['get'], getWhat: ['rep', 'team'] } },
		description: 'Max number of results to return',
	},
];

export const writes = false;

/** "Dana Scully · Globex (Hot): due 12:00, 25 min left" */
function line(timer: SlaTimer, policy: Record<string, unknown>, now: number): string {
	const lead = (timer.details.lead ?? {}) as { name?: string; company?: string; email?: string };
	const who = [lead.name, lead.company].filter(Boolean).join(' · ') || lead.email || timer.leadKey;
	return `${who} (${timer.tier}): ${lateness(timer.dueAt, now, compilePolicy(policy)).text}`;
}

async function openTimers(run: SlaTimerRun, by: { ownerId: string } | { team: string }, limit: number, whose: string): Promise<IDataObject> {
	const timers = (await run.store.listSlaTimers<SlaTimer>(run.scope, { ...by, limit: 1000 })).sort((a, b) => a.dueAt - b.dueAt).slice(0, limit);
	const now = clock.now();
	const views: IDataObject[] = [];
	const lines: string[] = [];
	for (const timer of timers) {
		const found = await run.store.getSlaTimer<SlaTimer>(run.scope, timer.handoffKey);
		const policy = found?.policy;
		const zone = policy ? compilePolicy(policy).calendar.zone : run.zone;
		views.push(timerView(found?.timer ?? timer, zone));
		if (policy) lines.push(`• ${line(found.timer, policy, now)}`);
	}
	const overdue = timers.filter((t) => t.dueAt < now).length;
	const heading = timers.length === 0 ? `Nothing is waiting on ${whose}.` : `${timers.length} hand-off${timers.length === 1 ? '' : 's'} waiting on ${whose}${overdue ? `, ${overdue} overdue` : ''}:`;
	return { count: timers.length, overdue, text: [heading, ...lines].join('\n'), timers: views };
}

export const execute: OperationModule['execute'] = async (_item, i, run) => {
	const what = run.ctx.getNodeParameter('getWhat', i, 'timer') as string;
	const limit = run.ctx.getNodeParameter('limit', i, 50) as number;
	if (what === 'rep') {
		const ownerId = keyOf(run.ctx.getNodeParameter('repId', i, ''), 'Rep ID', "the rep's ID");
		return openTimers(run, { ownerId }, limit, ownerId);
	}
	if (what === 'team') {
		const team = keyOf(run.ctx.getNodeParameter('team', i, ''), 'Team', 'the team ID');
		return openTimers(run, { team }, limit, `team ${team}`);
	}
	const by = run.ctx.getNodeParameter('findBy', i, 'leadKey') as string;
	let found: { timer: SlaTimer; policy: Record<string, unknown> } | undefined;
	let label: string;
	if (by === 'handoffKey') {
		const handoffKey = keyOf(run.ctx.getNodeParameter('handoffKey', i, ''), 'Hand-Off Key', "the hand-off's event key");
		label = `the hand-off "${handoffKey}"`;
		found = await run.store.getSlaTimer<SlaTimer>(run.scope, handoffKey);
	} else {
		const leadKey = leadKeyOf(run.ctx.getNodeParameter('leadKey', i, ''), 'Lead Key');
		label = `the lead "${leadKey}"`;
		const all = await run.store.listSlaTimers<SlaTimer>(run.scope, { leadKey, includeClosed: true, limit: 1000 });
		const latest = all.at(-1);
		if (latest) found = await run.store.getSlaTimer<SlaTimer>(run.scope, latest.handoffKey);
	}
	if (!found) return { found: false, note: `No SLA timer for ${label}` };
	return { found: true, ...timerView(found.timer, compilePolicy(found.policy).calendar.zone) };
};
