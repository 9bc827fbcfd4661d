/**
 * The idempotency key of the event an item carries, so that a webhook delivered twice is judged
 * once (a hand-off fires once, an owner is assigned once). The event's own id when the workflow
 * gives one; else a hash of what the event is. What nodes add to the item on its way through the
 * pipeline (the score, the enrichment, the gate's decision, the routing) is not part of the event:
 * it is left out of the hash, so a redelivered event gets the same key even when its score or its
 * enrichment came out differently the second time.
 */
import { createHash } from 'node:crypto';
import stableStringify from 'fast-json-stable-stringify';

import { LeadDataError } from './errors';
import { parsePath } from './paths';

/** The fields this package's nodes add by default: Lead Score, Lead Enrich, Handoff Gate, Tier Router. */
export const PIPELINE_FIELDS: readonly string[] = ['score', 'enrichment', 'handoff', 'routing'];

const EVENT_KEY_FIELD = 'Event Key';

/**
 * The event's key: `given` (an id, trimmed) when it is a non-blank text or a number; else `h:` and
 * a hash of the item without the pipeline's fields and without `addedFields` (paths of the fields
 * the node configuration names, e.g. a renamed score or output field). The item is not changed.
 */
export function eventKeyOf(item: Record<string, unknown>, given: unknown, addedFields: readonly string[] = []): string {
	if (typeof given === 'string' && given.trim() !== '') return given.trim();
	if (typeof given === 'number' && Number.isFinite(given)) return String(given);
	if (given !== undefined && given !== null && !(typeof given === 'string')) {
		throw new LeadDataError(EVENT_KEY_FIELD, "the event's id (a text or a number), or empty to key the event by its content", given);
	}
	let content: unknown = item;
	for (const path of new Set([...PIPELINE_FIELDS, ...addedFields])) content = without(content, parsePath(path));
	return `h:${createHash('sha256').update(stableStringify(content)).digest('hex').slice(0, 32)}`;
}

/** A copy of `source` without the field at `parts`; the objects along the path are copied, nothing else. */
function without(source: unknown, parts: string[]): unknown {
	if (parts.length === 0 || typeof source !== 'object' || source === null || Array.isArray(source)) return source;
	const [head, ...rest] = parts;
	const record = source as Record<string, unknown>;
	if (!Object.prototype.hasOwnProperty.call(record, head)) return source;
	const { [head]: value, ...others } = record;
	return rest.length === 0 ? others : { ...others, [head]: without(value, rest) };
}
