/**
 * A second process writing to an embedded store (what a second n8n process on the same file
 * does): opens the store (migrating it if empty), ingests its share of the workload and prints
 * the counts as JSON. Used by concurrency.test.ts.
 *   node --import tsx test/store/writer.ts <folder> <leads> <unique> <duplicates> <writers> <index>
 */
import { createStore } from '../../nodes/store';
import { ingest, makeWorkload, splitStreams } from './workload';

async function main(): Promise<void> {
	const [folder, leads, unique, duplicates, writers, index] = process.argv.slice(2);
	const workload = makeWorkload({ leads: Number(leads), unique: Number(unique), duplicates: Number(duplicates) });
	const stream = splitStreams(workload.events, Number(writers))[Number(index)];
	const store = await createStore({ kind: 'embedded', folder });
	try {
		process.stdout.write(JSON.stringify(await ingest(store, stream, 20)));
	} finally {
		await store.close();
	}
}

main().catch((error) => {
	process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
	process.exit(1);
});
