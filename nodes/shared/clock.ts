import { sleep } from 'n8n-workflow';

/**
 * For tests of several n8n processes whose clocks disagree: milliseconds added to this process's
 * wall clock. Unset (0) in production.
 */
const TEST_OFFSET_MS = Number(process.env.LEAD_HANDOFF_TEST_CLOCK_OFFSET_MS ?? 0) || 0;

/**
 * The wall clock and the waits of the node layer, in one place. The engine never reads a clock;
 * nodes read this one, so a test can move time or skip a wait instead of sleeping for real.
 */
export const clock = {
	now: (): number => Date.now() + TEST_OFFSET_MS,
	sleep: (ms: number): Promise<void> => sleep(ms),
};
