import { setTimeout as sleep } from 'node:timers/promises';

import { StoreError } from './errors';

/** The pauses between tries: short at first (a failover takes a second), then every 2 s. */
const FIRST_PAUSE_MS = 250;
const LONGEST_PAUSE_MS = 2000;

/**
 * Runs `attempt` again while the store cannot be reached (a PostgreSQL restart or failover, a
 * pool with no free connection), for up to `forMs`; then the last error is thrown. Any other
 * failure is thrown at once. Only for writes that are idempotent, and worth waiting for: Confirm
 * Delivery runs after a hand-off's messages went, so giving up would make the sender's retry send
 * them again.
 */
export async function whileUnreachable<T>(attempt: () => Promise<T>, forMs: number): Promise<T> {
	const giveUpAt = Date.now() + forMs;
	for (let pause = FIRST_PAUSE_MS; ; pause = Math.min(pause * 2, LONGEST_PAUSE_MS)) {
		try {
			return await attempt();
		} catch (error) {
			const left = giveUpAt - Date.now();
			if (!(error instanceof StoreError && error.code === 'connection') || left <= 0) throw error;
			await sleep(Math.min(pause, left));
		}
	}
}
