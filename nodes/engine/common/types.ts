/**
 * A lead's activity as the engine sees it, after field mapping and timestamp parsing.
 * `at` is epoch milliseconds, UTC.
 */
export interface Activity {
	/** The event's own id when the source has one; the idempotency key in the ledger. */
	id?: string;
	type: string;
	at: number;
	url?: string;
	asset?: string;
	campaign?: string;
	source?: string;
	medium?: string;
	referrer?: string;
	title?: string;
}

export type Lead = Record<string, unknown>;
