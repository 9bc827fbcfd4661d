/**
 * What the SLA Timer operations share: how a timer is found (by lead key or by hand-off key), the
 * time an event happened, and what one operation gets to work with.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { LeadDataError } from '../../engine/common/errors';
import { getPath } from '../../engine/common/paths';
import { parseTimestamp } from '../../engine/common/time';
import { leadKeyOf } from '../../engine/scoring';
import type { HandoffStore, SlaTarget } from '../../store';
import { clock } from '../../shared/clock';
import type { StoreRun } from '../../shared/testRun';

export type Operation = 'start' | 'markContacted' | 'accept' | 'reassign' | 'cancel' | 'get';

/** What an operation runs with: prepared once per execution. */
export interface SlaTimerRun {
	ctx: IExecuteFunctions;
	/** The store: a test run's view (rolled back) for the operations that write. */
	store: HandoffStore;
	run: StoreRun;
	/** The workflow's time zone: the default of calendars and of times without an offset. */
	zone: string;
	scope: string;
	outputField: string;
}

export interface OperationModule {
	description: INodeProperties[];
	/** Whether the operation changes the store (a test run then keeps nothing, unless asked). */
	writes: boolean;
	/** The operation's result for one item: it goes to the output field. */
	execute(item: INodeExecutionData, itemIndex: number, run: SlaTimerRun): Promise<IDataObject>;
}

export const show = (...operations: Operation[]) => ({ show: { operation: operations } });

/** How Mark Contacted, Accept, Cancel and Reassign find the timer. */
export function findByProperties(operations: Operation[], extraShow: Record<string, string[]> = {}): INodeProperties[] {
	return [
		{
			displayName: 'Find Timer By',
			name: 'findBy',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { operation: operations, ...extraShow } },
			options: [
				{ name: 'Lead Key', value: 'leadKey', description: "The lead's running timer (its latest, when none runs); what a CRM webhook usually has" },
				{ name: 'Hand-Off Key', value: 'handoffKey', description: 'One hand-off: the event key Handoff Gate and Tier Router used (routing.slaTimer.handoffKey)' },
			],
			default: 'leadKey',
		},
		{
			displayName: 'Lead Key',
			name: 'leadKey',
			type: 'string',
			default: '={{ $json.email }}',
			required: true,
			displayOptions: { show: { operation: operations, findBy: ['leadKey'], ...extraShow } },
			description: 'The lead as Lead Score and Tier Router filed it: its email address (compared without case) or CRM record ID',
		},
		{
			displayName: 'Hand-Off Key',
			name: 'handoffKey',
			type: 'string',
			default: '={{ $json.routing?.slaTimer?.handoffKey ?? $json.handoff?.eventKey }}',
			required: true,
			displayOptions: { show: { operation: operations, findBy: ['handoffKey'], ...extraShow } },
			description: 'The hand-off: the event key Handoff Gate (handoff.eventKey) and Tier Router (routing.slaTimer.handoffKey) used',
		},
	];
}

/** A time parameter: empty is now (by the node layer's clock). */
export function timeProperty(name: string, displayName: string, operations: Operation[], description: string): INodeProperties {
	return { displayName, name, type: 'dateTime', default: '', displayOptions: show(...operations), description: `${description} Empty: now.` };
}

/** A time parameter's value, epoch ms; empty is now. */
export function timeOf(run: SlaTimerRun, name: string, displayName: string, itemIndex: number, fallback?: unknown): number {
	const value = run.ctx.getNodeParameter(name, itemIndex, '');
	const given = value === undefined || value === null || value === '' ? fallback : value;
	if (given === undefined || given === null || given === '') return clock.now();
	return parseTimestamp(given, displayName, run.zone);
}

/** A text parameter, trimmed; empty is undefined. */
export function textOf(run: SlaTimerRun, name: string, displayName: string, itemIndex: number): string | undefined {
	const value = run.ctx.getNodeParameter(name, itemIndex, '');
	if (value === undefined || value === null) return undefined;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	if (typeof value !== 'string') throw new LeadDataError(displayName, 'a text', value);
	return value.trim() || undefined;
}

/** A key the store files things under: a non-blank text or a number. */
export function keyOf(value: unknown, displayName: string, expected: string): string {
	const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : typeof value === 'string' ? value.trim() : undefined;
	if (!text) throw new LeadDataError(displayName, expected, value);
	return text;
}

/** The timer the item names, by lead key or by hand-off key. */
export function targetOf(run: SlaTimerRun, itemIndex: number): SlaTarget & { label: string } {
	const by = run.ctx.getNodeParameter('findBy', itemIndex, 'leadKey') as string;
	if (by === 'handoffKey') {
		const handoffKey = keyOf(run.ctx.getNodeParameter('handoffKey', itemIndex, ''), 'Hand-Off Key', "the hand-off's event key (routing.slaTimer.handoffKey or handoff.eventKey)");
		return { scope: run.scope, handoffKey, label: `the hand-off "${handoffKey}"` };
	}
	const leadKey = leadKeyOf(run.ctx.getNodeParameter('leadKey', itemIndex, ''), 'Lead Key');
	return { scope: run.scope, leadKey, label: `the lead "${leadKey}"` };
}

/** A value Tier Router left on the item (`routing.<path>`), when it ran before. */
export function fromRouting(item: INodeExecutionData, path: string): unknown {
	return getPath(item.json, `routing.${path}`);
}
