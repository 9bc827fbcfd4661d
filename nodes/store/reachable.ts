import { setTimeout as sleep } from 'node:timers/promises';

import { StoreError } from './errors';

/** The pauses between tries: short at first (a failover takes a second), then every 2 s. */
const FIRST_PAUSE_MS = 250;
const LONGEST_PAUSE_MS = 2000;

/**
 * Time to wait for a store that cannot be reached, shared by the calls that draw on it: the
 * items of one execution wait `forMs` in all, not each, so a store that is gone fails a batch of
 * items after `forMs` instead of `forMs` per item.
 */
export class UnreachableWait {
	private waitedMs = 0;

	constructor(private readonly forMs: number) {}

	/**
	 * Runs `attempt` again while the store cannot be reached (a PostgreSQL restart or failover, a
	 * pool with no free connection), as long as the budget lasts; then the last error is thrown.
	 * Any other failure is thrown at once. Only for writes that are idempotent and worth waiting
	 * for: Confirm Delivery runs after a hand-off's messages went, so giving up would make the
	 * sender's retry send them again.
	 */
	async run<T>(attempt: () => Promise<T>): Promise<T> {
		for (let pause = FIRST_PAUSE_MS; ; pause = Math.min(pause * 2, LONGEST_PAUSE_MS)) {
			try {
				return await attempt();
			} catch (error) {
				const left = this.forMs - this.waitedMs;
				if (!(error instanceof StoreError && error.code === 'connection') || left <= 0) throw error;
				const started = Date.now();
				await sleep(Math.min(pause, left));
				this.waitedMs += Date.now() - started;
			}
		}
	}
}
