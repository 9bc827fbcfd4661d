/**
 * A second n8n process polling the same store (what a second main or worker does): claims the SLA
 * stages due at the given time and prints the (hand-off, stage) pairs it fired, as JSON.
 * Used by sla.test.ts.
 *   node --import tsx test/store/sla-poller.ts '<store config JSON>' <now>
 */
import { createStore } from '../../nodes/store';
import { poll } from './sla-support';

async function main(): Promise<void> {
	const [config, now] = process.argv.slice(2);
	const store = await createStore(JSON.parse(config));
	try {
		process.stdout.write(JSON.stringify((await poll(store, Number(now))).fired));
	} finally {
		await store.close();
	}
}

main().catch((error) => {
	process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
	process.exit(1);
});
