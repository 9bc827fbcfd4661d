/**
 * The "as of" option of a node (Score As Of, Enrich As Of): the time decay and windows are
 * measured from. A fixed value, or empty for now, is read once per execution; an expression is
 * read per item.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { parseTimestamp } from '../engine/common/time';

export function asOfReader(ctx: IExecuteFunctions, zone: string, label: string): (itemIndex: number) => number {
	const read = (value: unknown) => (value === undefined || value === null || value === '' ? Date.now() : parseTimestamp(value, label, zone));
	const raw = (ctx.getNode().parameters.options as IDataObject | undefined)?.asOf;
	if (String(raw ?? '').startsWith('=')) return (itemIndex) => read(ctx.getNodeParameter('options.asOf', itemIndex, ''));
	const fixed = read(ctx.getNodeParameter('options.asOf', 0, ''));
	return () => fixed;
}
