/**
 * The "as of" option of a node (Score As Of, Enrich As Of): the time decay and windows are
 * measured from. A fixed value, or empty for now, is read once per execution; an expression is
 * read per item. Empty, the as-of time is live: now, by the node layer's clock.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { parseTimestamp } from '../engine/common/time';
import { clock } from './clock';

/** Epoch ms, and whether it is now (the option empty) rather than a time set to replay history. */
export interface NodeAsOf {
	at: number;
	live: boolean;
}

export function asOfReader(ctx: IExecuteFunctions, zone: string, label: string): (itemIndex: number) => NodeAsOf {
	const read = (value: unknown): NodeAsOf =>
		value === undefined || value === null || value === '' ? { at: clock.now(), live: true } : { at: parseTimestamp(value, label, zone), live: false };
	const raw = (ctx.getNode().parameters.options as IDataObject | undefined)?.asOf;
	if (String(raw ?? '').startsWith('=')) return (itemIndex) => read(ctx.getNodeParameter('options.asOf', itemIndex, ''));
	const fixed = read(ctx.getNodeParameter('options.asOf', 0, ''));
	return () => fixed;
}
