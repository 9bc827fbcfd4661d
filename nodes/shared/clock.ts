import { sleep } from 'n8n-workflow';

/**
 * The wall clock and the waits of the node layer, in one place. The engine never reads a clock;
 * nodes read this one, so a test can move time or skip a wait instead of sleeping for real.
 */
export const clock = {
	now: (): number => Date.now(),
	sleep: (ms: number): Promise<void> => sleep(ms),
};
