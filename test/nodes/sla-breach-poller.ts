/**
 * A second n8n process polling the same store with the SLA Breach Trigger: polls at the given time
 * until nothing is left to claim and prints the "<hand-off>/<stage>" pairs it emitted, as JSON.
 * Used by sla-breach-trigger.test.ts. It prints "ready" on stderr once loaded and starts when a
 * line arrives on stdin, so both pollers start together.
 *   node --import tsx test/nodes/sla-breach-poller.ts '<store credential JSON>' <now> [tell|reassign|die-before-reassign]
 * `tell` (the default) polls with reassigning off; `reassign` with it on; `die-before-reassign`
 * with it on, and the process kills itself (SIGKILL, as a killed worker) the moment its poll,
 * having claimed, starts the first reassignment.
 */
import { once } from 'node:events';
import { createInterface } from 'node:readline';

import { SlaBreachTrigger } from '../../nodes/SlaBreachTrigger/SlaBreachTrigger.node.ts';
import { clock } from '../../nodes/shared/clock';
import { closeAllStores } from '../../nodes/store';
import { SqlHandoffStore } from '../../nodes/store/store';
import { pollNode } from '../helpers/n8n-runner';

async function main(): Promise<void> {
	const [credential, now, mode = 'tell'] = process.argv.slice(2);
	clock.now = () => Number(now);
	if (mode === 'die-before-reassign') {
		SqlHandoffStore.prototype.reassignSlaTimer = () => {
			process.kill(process.pid, 'SIGKILL');
			return new Promise(() => undefined);
		};
	}
	const emitted: string[] = [];
	const lines = createInterface({ input: process.stdin });
	process.stderr.write('ready\n');
	await once(lines, 'line');
	lines.close();
	try {
		for (;;) {
			const result = await pollNode({
				node: new SlaBreachTrigger(),
				credentials: { leadHandoffStoreApi: JSON.parse(credential) },
				timezone: 'Europe/Berlin',
				parameters: { reassign: mode !== 'tell', options: { claimLimit: 25 } },
			});
			if (result.error) throw new Error(result.error.message);
			if (!result.emitted) break;
			emitted.push(...result.emitted.flatMap((output) => output.map((item) => `${String(item.json.handoffKey)}/${String(item.json.stage)}`)));
		}
	} finally {
		await closeAllStores();
	}
	process.stdout.write(JSON.stringify(emitted));
}

main().catch((error) => {
	process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
	process.exit(1);
});
