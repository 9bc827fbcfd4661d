/**
 * n8n in queue mode, as teams run it: a main process that takes the webhooks and a worker that
 * runs the executions, sharing Redis and a PostgreSQL database, with the package installed and
 * the store on PostgreSQL. The hand-off template runs on the worker; two deliveries of the same
 * leads at once hand each lead off once. The embedded store refuses queue mode with a clear
 * message. Needs the PostgreSQL at 127.0.0.1:5432 and the Redis at 127.0.0.1:6379.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';

import { RealN8n, type Execution } from '../helpers/real-n8n';
import { PG_DATABASE, PG_HOST, PG_PORT, postgresUser, withPg } from '../store/backends';
import { pgUser, REDIS_HOST, REDIS_PORT, redisSkipReason } from '../setup/env';

const TEMPLATE = join(__dirname, '../../workflows/lead-handoff-webhook-to-slack.json');
const REDIS = { host: REDIS_HOST, port: REDIS_PORT };
const HOUR = 3_600_000;

type Json = Record<string, unknown>;

/** Sends one command to Redis; resolves with its raw answer. */
function redis(...args: string[]): Promise<string> {
	return new Promise((resolve, reject) => {
		const socket = createConnection(REDIS);
		socket.setTimeout(3000, () => {
			socket.destroy();
			reject(new Error('Redis did not answer'));
		});
		socket.once('error', reject);
		socket.once('connect', () => socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`));
		socket.once('data', (data) => {
			socket.destroy();
			resolve(data.toString());
		});
	});
}

const DELETE_KEYS = "for _, k in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', k) end return 1";

// Whether Redis and PostgreSQL are there is found out once by the global setup: in CI their
// absence fails the run, elsewhere this suite is skipped with the reason printed.
const describeQueueMode = (pgUser() && !redisSkipReason() ? describe : describe.skip) as jest.Describe;

describeQueueMode('queue mode: main and worker on Redis and PostgreSQL', () => {
	let n8n: RealN8n | undefined;
	let user: string | undefined;
	const n8nSchema = `lh_n8n_${process.pid}`;
	const storeSchema = `lh_queue_${process.pid}`;
	let workflowId: string;
	const now = Date.now();
	const ago = (hours: number) => new Date(now - hours * HOUR).toISOString();
	const leads = [
		{ email: 'sam@smallco.io', jobTitle: 'Analyst', activities: [{ id: 'sam-1', type: 'demo_request', timestamp: ago(1) }] },
		{ email: 'ada@initech.com', jobTitle: 'Head of Sales', activities: [{ id: 'ada-1', type: 'contact_sales', timestamp: ago(2) }] },
		{ email: 'lee@initech.com', jobTitle: 'Engineer', activities: [{ id: 'lee-1', type: 'email_open', timestamp: ago(5) }] },
	];

	beforeAll(async () => {
		user = postgresUser()!;
		await withPg(user!, (c) => c.query(`CREATE SCHEMA IF NOT EXISTS "${n8nSchema}"`));
		n8n = await RealN8n.create({
			mocks: true,
			env: {
				EXECUTIONS_MODE: 'queue',
				QUEUE_BULL_REDIS_HOST: REDIS.host,
				QUEUE_BULL_REDIS_PORT: String(REDIS.port),
				// Keys of their own, so runs never see each other's queue or webhook cache.
				QUEUE_BULL_PREFIX: `lhq${process.pid}`,
				N8N_REDIS_KEY_PREFIX: `lhn${process.pid}`,
				DB_TYPE: 'postgresdb',
				DB_POSTGRESDB_HOST: PG_HOST,
				DB_POSTGRESDB_PORT: String(PG_PORT),
				DB_POSTGRESDB_DATABASE: PG_DATABASE,
				DB_POSTGRESDB_USER: user!,
				DB_POSTGRESDB_PASSWORD: '',
				DB_POSTGRESDB_SCHEMA: n8nSchema,
			},
		});
		await n8n.importCredentials([
			{ id: 'leadHandoffStore1', name: 'Lead Handoff Store', type: 'leadHandoffStoreApi', data: { backend: 'postgres', host: PG_HOST, port: PG_PORT, database: PG_DATABASE, user: user!, password: '', ssl: 'disable', schema: storeSchema } },
			{ id: 'lhEmbedded1', name: 'Embedded store', type: 'leadHandoffStoreApi', data: { backend: 'embedded' } },
			{ id: 'LhSlackQueue1', name: 'Slack', type: 'slackApi', data: { accessToken: 'xoxb-mock-slack' } },
			{ id: 'LhWebhookKeyQ001', name: 'Lead webhook key', type: 'httpHeaderAuth', data: { name: 'X-Lead-Handoff-Key', value: 'queue-test-secret' } },
		]);
		const template = JSON.parse(readFileSync(TEMPLATE, 'utf8')) as { nodes: Array<Record<string, unknown>> };
		for (const node of template.nodes) {
			if (node.type === 'n8n-nodes-base.slack') node.credentials = { slackApi: { id: 'LhSlackQueue1', name: 'Slack' } };
			// The template's webhook asks for a header key, as published templates do.
			if (node.type === 'n8n-nodes-base.webhook') node.credentials = { httpHeaderAuth: { id: 'LhWebhookKeyQ001', name: 'Lead webhook key' } };
		}
		workflowId = await n8n.importWorkflow(template);
		await n8n.start();
		await n8n.startWorker();
		await n8n.activate(workflowId);
	});

	afterAll(async () => {
		await n8n?.dispose();
		for (const prefix of [`lhq${process.pid}`, `lhn${process.pid}`]) await redis('EVAL', DELETE_KEYS, '0', `${prefix}*`);
		if (user) {
			await withPg(user, async (c) => {
				await c.query(`DROP SCHEMA IF EXISTS "${n8nSchema}" CASCADE`);
				await c.query(`DROP SCHEMA IF EXISTS "${storeSchema}" CASCADE`);
			});
		}
	});

	it('the worker runs the template; two deliveries at once hand each lead off once, with owners in turn', async () => {
		if (!n8n) throw new Error('n8n did not start');
		const headers = { 'x-lead-handoff-key': 'queue-test-secret' };
		const responses = await Promise.all([n8n.callWebhook('lead-handoff/leads', { leads }, { headers }), n8n.callWebhook('lead-handoff/leads', { leads }, { headers })]);
		assert.deepEqual(responses.map((r) => r.status), [200, 200]);
		await n8n.waitForExecution(workflowId, { count: 2, timeoutMs: 90_000 });
		const runs: Execution[] = await n8n.executions(workflowId);
		assert.equal(runs.length, 2);
		for (const run of runs) assert.equal(run.status, 'success', run.error?.message);
		// A node whose input was empty did not run in that execution.
		const firstOutput = (run: Execution, node: string) => (run.nodes.includes(node) ? run.outputs(node)[0] : []);
		const handedOff = runs.flatMap((run) => firstOutput(run, 'Handoff Gate').map((lead) => lead.email as string));
		assert.deepEqual(handedOff.sort(), ['ada@initech.com', 'sam@smallco.io'], 'each lead handed off once over both executions');
		const owners = runs.flatMap((run) => firstOutput(run, 'Tier Router').map((lead) => (lead.routing as Json).ownerId));
		assert.deepEqual(owners.sort(), ['101', '102'], 'the two hot leads went to the two reps in turn');
		assert.equal(n8n.mocks!.requests('slack.com', { path: '/api/chat.postMessage' }).length, 2, 'one Slack message per hot lead');
	});

	it('the embedded store refuses queue mode, saying to use PostgreSQL', async () => {
		if (!n8n) throw new Error('n8n did not start');
		const id = await n8n.importWorkflow({
			name: 'Test: embedded store in queue mode',
			settings: { executionOrder: 'v1' },
			nodes: [
				{ id: 'q1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
				{
					id: 'q2',
					name: 'History',
					type: 'n8n-nodes-lead-handoff.leadHandoffData',
					typeVersion: 1,
					position: [220, 0],
					parameters: { leadKey: 'a@b.co' },
					credentials: { leadHandoffStoreApi: { id: 'lhEmbedded1', name: 'Embedded store' } },
				},
			],
			connections: { Start: { main: [[{ node: 'History', type: 'main', index: 0 }]] } },
		});
		const run = await n8n.execute(id);
		assert.equal(run.status, 'error');
		assert.match(run.error?.message ?? '', /cannot be used while n8n runs in queue mode .*Choose PostgreSQL/);
	});
});
