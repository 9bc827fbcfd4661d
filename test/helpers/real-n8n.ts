/**
 * A real n8n for tests: this package built, packed and installed into a fresh user folder the way
 * a user installs a community package, workflows and credentials imported with n8n's CLI, run
 * with `n8n execute`, or served by `n8n start` with production webhooks.
 *
 *   const n8n = await RealN8n.create({ mocks: true });
 *   await n8n.importCredentials([{ id, name, type: 'slackApi', data: { accessToken: 'x' } }]);
 *   const id = await n8n.importWorkflow(workflowJson);
 *   const run = await n8n.execute(id);            // run.json('Lead Score') -> output items' json
 *   await n8n.start();                             // n8n start on free ports, owner, API key
 *   await n8n.activate(id);
 *   const res = await n8n.callWebhook('lead-in', { email: 'a@b.co' });
 *   const exec = await n8n.waitForExecution(id);
 *   await n8n.dispose();                           // stops n8n (process group) and the mocks
 *
 * The n8n binary is $LEAD_HANDOFF_N8N_BIN (scripts/test.sh sets it) or scripts/ensure-n8n.sh's.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
// In Node >= 22.5, which these tests run on (n8n 2.x needs Node 24 anyway).
import { DatabaseSync } from 'node:sqlite';
import { dirname, join, relative } from 'node:path';

import { freePort, SaasMocks } from './saas-mocks';

export const PACKAGE_NAME = 'n8n-nodes-lead-handoff';
const ROOT = join(__dirname, '../..');
/** Fixed, so credentials imported by one process decrypt in the next. */
export const ENCRYPTION_KEY = 'lead-handoff-test-encryption-key';
export const OWNER = { email: 'owner@lead-handoff.test', firstName: 'Test', lastName: 'Owner', password: 'LeadHandoff-Test-1' } as const;

type JsonObject = Record<string, unknown>;

export interface RealN8nOptions {
	/** Point n8n's outbound HTTP(S) at SaaS mocks: `true` starts (and later stops) a set of its own. */
	mocks?: boolean | SaasMocks;
	/** GENERIC_TIMEZONE for the instance; UTC unless given. */
	timezone?: string;
	/** Extra environment for every n8n process. */
	env?: Record<string, string>;
}

export interface CredentialSpec {
	id?: string;
	name: string;
	/** n8n credential type, e.g. `slackApi`. */
	type: string;
	/** Plain values; n8n encrypts them on import. */
	data: JsonObject;
}

export interface WebhookResponse {
	status: number;
	headers: Record<string, string>;
	/** Parsed JSON when the response is JSON, else the text. */
	body: unknown;
}

interface WorkflowNode {
	name: string;
	type: string;
	disabled?: boolean;
	webhookId?: string;
	parameters?: Record<string, unknown>;
}

interface RunItem {
	json: JsonObject;
	pairedItem?: unknown;
	error?: unknown;
}
interface NodeRun {
	executionStatus?: string;
	error?: { message?: string; description?: string };
	data?: { main?: Array<RunItem[] | null> };
}

/** One execution, read from `n8n execute` or from the public API. */
export class Execution {
	readonly id: string | undefined;
	readonly status: string;
	/** The workflow's error, when it failed. */
	readonly error: { message: string; node?: string; description?: string } | undefined;
	readonly runData: Record<string, NodeRun[]>;

	constructor(readonly raw: JsonObject) {
		const data = (raw.data ?? {}) as { resultData?: { runData?: Record<string, NodeRun[]>; error?: JsonObject } };
		const error = data.resultData?.error;
		this.id = raw.id === undefined ? undefined : String(raw.id);
		this.runData = data.resultData?.runData ?? {};
		this.error = error
			? {
					message: String(error.message ?? 'unknown error'),
					node: (error.node as { name?: string } | undefined)?.name,
					description: error.description === undefined || error.description === null ? undefined : String(error.description),
				}
			: undefined;
		this.status = String(raw.status ?? (error ? 'error' : 'success'));
	}

	/** Names of the nodes that ran. */
	get nodes(): string[] {
		return Object.keys(this.runData);
	}

	/** Items on one output of a node's run (n8n's `runData[node][run].data.main[output]`). */
	items(node: string, output = 0, run = 0): RunItem[] {
		const runs = this.runData[node];
		if (!runs) throw new Error(`node "${node}" did not run; nodes that ran: ${this.nodes.join(', ') || 'none'}${this.error ? `; error: ${this.error.message}` : ''}`);
		if (!runs[run]) throw new Error(`node "${node}" has no run ${run} (it ran ${runs.length} times)`);
		return runs[run].data?.main?.[output] ?? [];
	}

	/** The json of every item on one output of a node. */
	json(node: string, output = 0, run = 0): JsonObject[] {
		return this.items(node, output, run).map((item) => item.json);
	}

	/** Every output of a node's run, each as the json of its items. */
	outputs(node: string, run = 0): JsonObject[][] {
		this.items(node, 0, run);
		return (this.runData[node][run].data?.main ?? []).map((items) => (items ?? []).map((item) => item.json));
	}

	/** The error a node's run reported, if any. */
	nodeError(node: string, run = 0): NodeRun['error'] {
		return this.runData[node]?.[run]?.error;
	}
}

export class RealN8n {
	/** The process from `start()`. */
	private server: ChildProcess | undefined;
	/** Processes from `startWorker()`. */
	private workers: ChildProcess[] = [];
	private serverLog: string[] = [];
	private cookie = '';
	private apiKey = '';
	port = 0;

	private constructor(
		/** N8N_USER_FOLDER: n8n keeps its database, config and community nodes in `<folder>/.n8n`. */
		readonly folder: string,
		readonly tarball: string,
		readonly mocks: SaasMocks | undefined,
		private readonly ownsMocks: boolean,
		private readonly options: RealN8nOptions,
		private readonly n8nBin: string,
		private readonly nodeBin: string,
	) {}

	/** A fresh user folder with the packed package installed (about 5 s; the first build adds more). */
	static async create(options: RealN8nOptions = {}): Promise<RealN8n> {
		const [n8nBin, nodeBin] = [n8nBinary(), node24()];
		const tarball = await packedTarball(nodeBin);
		const folder = mkdtempSync(join(tmpdir(), 'lead-handoff-n8n-'));
		let mocks: SaasMocks | undefined;
		try {
			installTarball(folder, tarball, nodeBin);
			mocks = options.mocks === true ? await SaasMocks.start() : options.mocks || undefined;
			const n8n = new RealN8n(folder, tarball, mocks, options.mocks === true, options, n8nBin, nodeBin);
			liveInstances.add(n8n);
			return n8n;
		} catch (error) {
			if (options.mocks === true) await mocks?.stop();
			rmSync(folder, { recursive: true, force: true });
			throw error;
		}
	}

	/** Where n8n finds this package: `<folder>/.n8n/nodes/node_modules/n8n-nodes-lead-handoff`. */
	get packageDir(): string {
		return join(this.folder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME);
	}

	get baseUrl(): string {
		if (!this.port) throw new Error('n8n is not started: call start() first');
		return `http://127.0.0.1:${this.port}`;
	}

	/** The environment every n8n process of this instance gets: quiet, local, SQLite in the folder. */
	env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
		const inherited = Object.fromEntries(
			Object.entries(process.env).filter(([k]) => !/^(N8N_|DB_|EXECUTIONS_|QUEUE_|GENERIC_TIMEZONE$|WEBHOOK_URL$|NODE_OPTIONS$|NODE_ENV$|JEST_WORKER_ID$|NODE_EXTRA_CA_CERTS$|(https?|all|no)_proxy$)/i.test(k)),
		);
		return {
			...inherited,
			PATH: `${dirname(this.nodeBin)}:${process.env.PATH ?? ''}`,
			N8N_USER_FOLDER: this.folder,
			N8N_ENCRYPTION_KEY: ENCRYPTION_KEY,
			DB_TYPE: 'sqlite',
			GENERIC_TIMEZONE: this.options.timezone ?? 'UTC',
			TZ: this.options.timezone ?? 'UTC',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			N8N_LOG_LEVEL: 'warn',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
			...this.mocks?.env(),
			...this.options.env,
			...extra,
		};
	}

	/** Runs an n8n CLI command in this user folder. */
	async cli(args: string[], extraEnv: Record<string, string> = {}, timeoutMs = 180_000): Promise<{ code: number; stdout: string; stderr: string }> {
		// A CLI process starts its own task broker: give it a port of its own.
		const env = this.env({ N8N_RUNNERS_BROKER_PORT: String(await freePort()), ...extraEnv });
		return await run(this.nodeBin, [this.n8nBin, ...args], { cwd: this.folder, env, timeoutMs });
	}

	/** Imports a workflow (object or path of a JSON file); returns its id (assigned when it has none). */
	async importWorkflow(workflow: JsonObject | string): Promise<string> {
		const json = (typeof workflow === 'string' ? JSON.parse(readFileSync(workflow, 'utf8')) : structuredClone(workflow)) as JsonObject;
		json.id ??= randomBytes(8).toString('hex');
		const file = join(this.folder, `import-${json.id as string}.json`);
		writeFileSync(file, JSON.stringify(json));
		const result = await this.cli(['import:workflow', `--input=${file}`]);
		if (result.code !== 0) throw new Error(`n8n import:workflow failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
		return json.id as string;
	}

	/**
	 * Imports several workflows with one CLI call (each call starts n8n, seconds apiece on a busy
	 * machine); returns their ids in order.
	 */
	async importWorkflows(workflows: Array<JsonObject | string>): Promise<string[]> {
		const dir = join(this.folder, `import-${randomBytes(4).toString('hex')}`);
		mkdirSync(dir);
		const ids = workflows.map((workflow, i) => {
			const json = (typeof workflow === 'string' ? JSON.parse(readFileSync(workflow, 'utf8')) : structuredClone(workflow)) as JsonObject;
			json.id ??= randomBytes(8).toString('hex');
			writeFileSync(join(dir, `${i}.json`), JSON.stringify(json));
			return json.id as string;
		});
		const result = await this.cli(['import:workflow', '--separate', `--input=${dir}`]);
		rmSync(dir, { recursive: true, force: true });
		if (result.code !== 0) throw new Error(`n8n import:workflow --separate failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
		return ids;
	}

	/** Imports credentials; n8n encrypts `data` with the fixed key. */
	async importCredentials(credentials: CredentialSpec[]): Promise<void> {
		const list = credentials.map((c) => ({ ...c, id: c.id ?? randomBytes(8).toString('hex') }));
		const file = join(this.folder, `credentials-${randomBytes(4).toString('hex')}.json`);
		writeFileSync(file, JSON.stringify(list));
		const result = await this.cli(['import:credentials', `--input=${file}`]);
		rmSync(file, { force: true });
		if (result.code !== 0) throw new Error(`n8n import:credentials failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
	}

	/** `n8n execute --id=<id> --rawOutput`: the whole execution, failed ones included. */
	async execute(id: string): Promise<Execution> {
		const before = this.latestExecutionId();
		// execute prints its result through the logger at level info.
		const result = await this.cli(['execute', `--id=${id}`, '--rawOutput'], { N8N_LOG_LEVEL: 'info' });
		const parsed = parseExecuteOutput(result.stdout);
		if (parsed) return new Execution(parsed);
		// A run that fails at once can end before the CLI waits for it ("No active execution
		// found"); n8n saved it all the same.
		const saved = this.savedExecution(id, before);
		if (saved && !['new', 'running'].includes(saved.status)) return saved;
		// A workflow n8n cannot even build (an unknown node type) stays "running" in the database;
		// the CLI printed why.
		const message = (result.stdout + result.stderr).match(/Execution error:\n=+\n(.+)/)?.[1];
		if (message) return new Execution({ id: saved?.id, status: 'error', data: { resultData: { runData: saved?.runData ?? {}, error: { message } } } });
		throw new Error(`n8n execute printed no execution and saved none (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
	}

	/** The newest execution id in the instance's SQLite database (0 when none). */
	private latestExecutionId(): number {
		const db = this.openDatabase();
		if (!db) return 0;
		try {
			return Number((db.prepare('SELECT MAX(id) AS id FROM execution_entity').get() as { id: number | null }).id ?? 0);
		} finally {
			db.close();
		}
	}

	/** The newest saved execution of a workflow after `afterId`, read from the database. */
	private savedExecution(workflowId: string, afterId: number): Execution | undefined {
		const db = this.openDatabase();
		if (!db) return undefined;
		try {
			const row = db
				.prepare('SELECT e.id, e.status, e.finished, e.mode, d.data FROM execution_entity e JOIN execution_data d ON d.executionId = e.id WHERE e.workflowId = ? AND e.id > ? ORDER BY e.id DESC LIMIT 1')
				.get(workflowId, afterId) as { id: number; status: string; finished: number; mode: string; data: string } | undefined;
			if (!row) return undefined;
			// n8n stores execution data in the `flatted` format; its own copy reads it.
			const flatted = createRequire(this.n8nBin)('flatted') as { parse(text: string): unknown };
			return new Execution({ id: String(row.id), status: row.status, finished: row.finished === 1, mode: row.mode, data: flatted.parse(row.data) });
		} finally {
			db.close();
		}
	}

	private openDatabase(): { prepare(sql: string): { get(...params: unknown[]): unknown }; close(): void } | undefined {
		const file = join(this.folder, '.n8n', 'database.sqlite');
		if (!existsSync(file)) return undefined;
		return new DatabaseSync(file, { readOnly: true });
	}

	/** `n8n start` on free ports; resolves when the REST API answers, with an owner and an API key. */
	async start(timeoutMs = 150_000): Promise<void> {
		if (this.server) return;
		this.port = await freePort();
		const env = this.env({
			N8N_PORT: String(this.port),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_PROTOCOL: 'http',
			WEBHOOK_URL: `http://127.0.0.1:${this.port}/`,
			N8N_EDITOR_BASE_URL: `http://127.0.0.1:${this.port}/`,
			N8N_SECURE_COOKIE: 'false',
			N8N_RUNNERS_BROKER_PORT: String(await freePort()),
			N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5',
		});
		this.serverLog = [];
		// Its own process group, so stop() ends n8n and the task runners it spawned together.
		const child = spawn(this.nodeBin, [this.n8nBin, 'start'], { cwd: this.folder, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
		this.server = child;
		const keep = (chunk: Buffer) => {
			this.serverLog.push(chunk.toString());
			if (this.serverLog.length > 400) this.serverLog.splice(0, 100);
		};
		child.stdout?.on('data', keep);
		child.stderr?.on('data', keep);
		let exited: string | undefined;
		child.once('exit', (code, signal) => {
			exited = `n8n exited (${signal ?? code})`;
		});

		const deadline = Date.now() + timeoutMs;
		// /healthz answers before the REST routes exist; /rest/settings returning JSON means ready.
		for (;;) {
			if (exited) throw new Error(`${exited} before it was ready:\n${this.logs()}`);
			if (Date.now() > deadline) {
				await this.stop();
				throw new Error(`n8n was not ready after ${timeoutMs / 1000} s:\n${this.logs()}`);
			}
			try {
				const res = await fetch(`${this.baseUrl}/rest/settings`, { signal: AbortSignal.timeout(2000) });
				if (res.ok && (res.headers.get('content-type') ?? '').includes('json')) break;
			} catch {
				// not listening yet
			}
			await sleep(500);
		}
		await this.signIn();
	}

	/**
	 * Starts an `n8n worker` on this user folder (queue mode: pass EXECUTIONS_MODE=queue, Redis
	 * and a PostgreSQL database in `options.env`, and `extraEnv` for this worker alone); waits until
	 * its health check answers; returns its index for `killWorker`. Stopped with the instance.
	 */
	async startWorker(timeoutMs = 120_000, extraEnv: Record<string, string> = {}): Promise<number> {
		const healthPort = await freePort();
		const env = this.env({
			QUEUE_HEALTH_CHECK_ACTIVE: 'true',
			QUEUE_HEALTH_CHECK_PORT: String(healthPort),
			N8N_RUNNERS_BROKER_PORT: String(await freePort()),
			N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5',
			...extraEnv,
		});
		const child = spawn(this.nodeBin, [this.n8nBin, 'worker', '--concurrency=5'], { cwd: this.folder, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
		this.workers.push(child);
		const log: string[] = [];
		const keep = (chunk: Buffer) => {
			log.push(chunk.toString());
			if (log.length > 400) log.splice(0, 100);
		};
		child.stdout?.on('data', keep);
		child.stderr?.on('data', keep);
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			if (child.exitCode !== null || child.signalCode !== null) throw new Error(`n8n worker exited (${child.signalCode ?? child.exitCode}):\n${log.join('').slice(-4000)}`);
			if (Date.now() > deadline) throw new Error(`n8n worker was not ready after ${timeoutMs / 1000} s:\n${log.join('').slice(-4000)}`);
			try {
				const res = await fetch(`http://127.0.0.1:${healthPort}/healthz`, { signal: AbortSignal.timeout(2000) });
				if (res.ok) return this.workers.indexOf(child);
			} catch {
				// not listening yet
			}
			await sleep(500);
		}
	}

	/** Kills a worker from `startWorker` (by the index it returned) and its task runners at once, as a crash would. */
	async killWorker(index: number): Promise<void> {
		const worker = this.workers[index];
		if (!worker || worker.exitCode !== null || worker.signalCode !== null) return;
		const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
		killGroup(worker, 'SIGKILL');
		await exited;
	}

	/** The last lines n8n printed (for failure messages). */
	logs(): string {
		return this.serverLog.join('').split('\n').slice(-60).join('\n');
	}

	/** A call to the editor's REST API (`/rest/...`) as the owner; returns `data` of the answer. */
	async rest<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
		const res = await fetch(`${this.baseUrl}/rest${path}`, {
			method,
			headers: { cookie: this.cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		if (!res.ok) throw new Error(`${method} /rest${path}: ${res.status} ${text}`);
		return (text ? (JSON.parse(text) as { data: T }).data : undefined) as T;
	}

	/** A call to the public API (`/api/v1/...`) with this instance's API key. */
	async api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
		const res = await fetch(`${this.baseUrl}/api/v1${path}`, {
			method,
			headers: { 'x-n8n-api-key': this.apiKey, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		if (!res.ok) throw new Error(`${method} /api/v1${path}: ${res.status} ${text}`);
		return (text ? JSON.parse(text) : undefined) as T;
	}

	/**
	 * Publishes (activates) a workflow and waits until its production webhooks answer: n8n 2.x
	 * publishes through an outbox, so the API call returns before the webhooks are registered.
	 */
	async activate(id: string, timeoutMs = 30_000): Promise<void> {
		const workflow = await this.api<{ nodes: WorkflowNode[] }>('POST', `/workflows/${id}/activate`, {});
		await this.waitForWebhooks(id, workflow.nodes, true, timeoutMs);
	}

	/** Unpublishes a workflow and waits until its production webhooks are gone. */
	async deactivate(id: string, timeoutMs = 30_000): Promise<void> {
		const workflow = await this.api<{ nodes: WorkflowNode[] }>('POST', `/workflows/${id}/deactivate`, {});
		await this.waitForWebhooks(id, workflow.nodes, false, timeoutMs);
	}

	/**
	 * Whether a production webhook is registered, asked with a CORS preflight: it answers 204 and
	 * lists the webhook's methods, read from n8n's webhook table. The 204 alone is not enough: n8n
	 * clears its webhook cache before it deletes the rows, so a lookup in between caches a webhook
	 * that is going away, and preflights answer 204 for it long after it is gone.
	 */
	async webhookRegistered(path: string, method = 'POST'): Promise<boolean> {
		const res = await fetch(`${this.baseUrl}/webhook/${path.replace(/^\//, '')}`, {
			method: 'OPTIONS',
			headers: { origin: this.baseUrl, 'access-control-request-method': method },
		});
		await res.arrayBuffer();
		const methods = (res.headers.get('access-control-allow-methods') ?? '').split(',').map((m) => m.trim());
		return res.status === 204 && methods.includes(method);
	}

	private async waitForWebhooks(id: string, nodes: WorkflowNode[], registered: boolean, timeoutMs: number): Promise<void> {
		const hooks = nodes
			.filter((n) => !n.disabled && n.webhookId && typeof n.parameters?.path === 'string' && !String(n.parameters.path).startsWith('='))
			.map((n) => ({ path: String(n.parameters!.path), method: String(n.parameters!.httpMethod ?? 'GET') }));
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			if (registered) {
				const error = await this.rest<unknown>('GET', `/active-workflows/error/${id}`).catch(() => undefined);
				// n8n keeps the reason a trigger could not be activated (a string) until it succeeds.
				if (error && !(typeof error === 'object' && Object.keys(error).length === 0)) throw new Error(`activating ${id} failed: ${JSON.stringify(error)}`);
			}
			const states = await Promise.all(hooks.map((h) => this.webhookRegistered(h.path, h.method)));
			if (states.every((s) => s === registered)) return;
			if (Date.now() > deadline) throw new Error(`webhooks of ${id} still ${registered ? 'unregistered' : 'registered'} after ${timeoutMs / 1000} s:\n${this.logs()}`);
			await sleep(200);
		}
	}

	/** Calls a production webhook: `/webhook/<path>`, a JSON body for POST unless it is a string. */
	async callWebhook(path: string, body?: unknown, options: { method?: string; headers?: Record<string, string>; test?: boolean } = {}): Promise<WebhookResponse> {
		const method = options.method ?? (body === undefined ? 'GET' : 'POST');
		const isText = typeof body === 'string';
		const res = await fetch(`${this.baseUrl}/${options.test ? 'webhook-test' : 'webhook'}/${path.replace(/^\//, '')}`, {
			method,
			headers: { ...(body === undefined ? {} : { 'content-type': isText ? 'text/plain' : 'application/json' }), ...options.headers },
			body: body === undefined ? undefined : isText ? body : JSON.stringify(body),
		});
		const text = await res.text();
		let parsed: unknown = text;
		if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
		return { status: res.status, headers: Object.fromEntries(res.headers), body: parsed };
	}

	/** Executions of a workflow, newest first, with their data. */
	async executions(workflowId?: string, limit = 20): Promise<Execution[]> {
		const query = new URLSearchParams({ includeData: 'true', limit: String(limit) });
		if (workflowId) query.set('workflowId', workflowId);
		const res = await this.api<{ data: JsonObject[] }>('GET', `/executions?${query}`);
		return res.data.map((e) => new Execution(e));
	}

	async execution(id: string): Promise<Execution> {
		return new Execution(await this.api<JsonObject>('GET', `/executions/${id}?includeData=true`));
	}

	/** Waits until the workflow has `count` finished executions; returns the newest. */
	async waitForExecution(workflowId: string, { count = 1, timeoutMs = 30_000 } = {}): Promise<Execution> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const done = (await this.executions(workflowId, Math.max(count, 20))).filter((e) => !['new', 'running', 'waiting'].includes(e.status));
			if (done.length >= count) return done[0];
			if (Date.now() > deadline) throw new Error(`workflow ${workflowId} has ${done.length} finished executions after ${timeoutMs / 1000} s, expected ${count}`);
			await sleep(300);
		}
	}

	/** Node types the running server loaded, e.g. `n8n-nodes-lead-handoff.leadScore`. */
	async loadedNodeTypes(): Promise<Array<{ name: string; version: number | number[]; iconUrl?: unknown }>> {
		const res = await fetch(`${this.baseUrl}/types/nodes.json`, { headers: { cookie: this.cookie } });
		if (!res.ok) throw new Error(`GET /types/nodes.json: ${res.status}`);
		return (await res.json()) as Array<{ name: string; version: number | number[] }>;
	}

	/** Stops `n8n start` (SIGTERM to its process group, SIGKILL after 15 s). */
	async stop(): Promise<void> {
		for (const worker of this.workers.splice(0)) {
			const exited = worker.exitCode === null && worker.signalCode === null ? new Promise<void>((resolve) => worker.once('exit', () => resolve())) : Promise.resolve();
			killGroup(worker, 'SIGTERM');
			const timer = setTimeout(() => killGroup(worker, 'SIGKILL'), 15_000);
			await exited;
			clearTimeout(timer);
			killGroup(worker, 'SIGKILL');
		}
		const child = this.server;
		if (!child) return;
		this.server = undefined;
		if (child.exitCode === null && child.signalCode === null) {
			const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
			killGroup(child, 'SIGTERM');
			const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 15_000);
			await exited;
			clearTimeout(timer);
		}
		// Runners that outlived n8n in the group.
		killGroup(child, 'SIGKILL');
		this.port = 0;
		this.cookie = '';
		this.apiKey = '';
	}

	/** Stops n8n and mocks this instance started, and removes the user folder. */
	async dispose(): Promise<void> {
		await this.stop();
		if (this.ownsMocks) await this.mocks?.stop();
		liveInstances.delete(this);
		rmSync(this.folder, { recursive: true, force: true });
	}

	private async signIn(): Promise<void> {
		const post = (path: string, body: unknown) =>
			fetch(`${this.baseUrl}/rest${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
		let res = await post('/owner/setup', OWNER);
		if (!res.ok) res = await post('/login', { emailOrLdapLoginId: OWNER.email, password: OWNER.password });
		if (!res.ok) throw new Error(`could not set up or sign in the owner: ${res.status} ${await res.text()}`);
		const auth = res.headers.getSetCookie().find((c) => c.startsWith('n8n-auth='));
		if (!auth) throw new Error('n8n set no n8n-auth cookie');
		this.cookie = auth.split(';')[0];
		const scopes = await this.rest<string[]>('GET', '/api-keys/scopes');
		const key = await this.rest<{ rawApiKey: string }>('POST', '/api-keys', { label: `tests ${Date.now()}`, scopes, expiresAt: null });
		this.apiKey = key.rawApiKey;
	}
}

// ---------------------------------------------------------------------------------------------

const liveInstances = new Set<RealN8n>();
// A test that crashes or is interrupted must not leave n8n running: kill the process groups on
// the way out (n8n runs in its own group, so a signal to the test does not reach it).
const killAll = () => {
	for (const n8n of liveInstances) {
		const { server: child, workers } = n8n as unknown as { server?: ChildProcess; workers: ChildProcess[] };
		if (child) killGroup(child, 'SIGKILL');
		for (const worker of workers) killGroup(worker, 'SIGKILL');
		rmSync(n8n.folder, { recursive: true, force: true });
	}
};
process.once('exit', killAll);
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
	process.once(signal, () => {
		killAll();
		process.exit(code);
	});
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.pid === undefined) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		// already gone
	}
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

function run(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<{ code: number; stdout: string; stderr: string }> {
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
		const out: Buffer[] = [];
		const err: Buffer[] = [];
		child.stdout.on('data', (c: Buffer) => out.push(c));
		child.stderr.on('data', (c: Buffer) => err.push(c));
		const timer = setTimeout(() => {
			killGroup(child, 'SIGKILL');
			reject(new Error(`${args.slice(1).join(' ')} took longer than ${opts.timeoutMs / 1000} s:\n${Buffer.concat(out).toString()}\n${Buffer.concat(err).toString()}`));
		}, opts.timeoutMs);
		child.once('error', reject);
		// The CLI's task runner may outlive it in the group, holding the pipes open.
		child.once('exit', () => killGroup(child, 'SIGKILL'));
		child.once('close', (code) => {
			clearTimeout(timer);
			resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
		});
	});
}

/** `n8n execute` prints log lines, then the execution as indented JSON starting with a lone `{`. */
export function parseExecuteOutput(stdout: string): JsonObject | undefined {
	const lines = stdout.split('\n');
	for (let start = lines.indexOf('{'); start !== -1; start = lines.indexOf('{', start + 1)) {
		for (let end = lines.indexOf('}', start); end !== -1; end = lines.indexOf('}', end + 1)) {
			try {
				return JSON.parse(lines.slice(start, end + 1).join('\n')) as JsonObject;
			} catch {
				// a nested line with the same indentation; keep looking
			}
		}
	}
	return undefined;
}

let cachedN8nBin: string | undefined;
export function n8nBinary(): string {
	cachedN8nBin ??= process.env.LEAD_HANDOFF_N8N_BIN || execFileSync('bash', [join(ROOT, 'scripts/ensure-n8n.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
	return cachedN8nBin;
}

let cachedNode: string | undefined;
/** n8n 2.x needs Node 24: this process's Node when it is 24 or newer, else scripts/lib.sh's. */
export function node24(): string {
	if (!cachedNode) {
		const major = Number(process.versions.node.split('.')[0]);
		cachedNode =
			major >= 24
				? process.execPath
				: execFileSync('bash', ['-c', '. scripts/lib.sh && use_node24 && command -v node'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
	}
	return cachedNode;
}

/** Files that decide the tarball's content; the cache key is their hash. */
function sourceHash(): string {
	const hash = createHash('sha256');
	const visit = (path: string) => {
		if (!existsSync(path)) return;
		if (statSync(path).isDirectory()) {
			for (const entry of readdirSync(path).sort()) if (entry !== 'node_modules') visit(join(path, entry));
			return;
		}
		hash.update(relative(ROOT, path)).update('\0').update(readFileSync(path)).update('\0');
	};
	for (const entry of ['nodes', 'credentials', 'workflows', 'package.json', 'package-lock.json', 'gulpfile.js', 'tsconfig.json', 'README.md', 'LICENSE']) visit(join(ROOT, entry));
	return hash.digest('hex').slice(0, 20);
}

/**
 * `npm run build` + `npm pack`, once per source state: test files (separate processes) and later
 * runs with unchanged sources reuse the tarball. A lock keeps two builds from sharing dist/.
 */
export async function packedTarball(nodeBin = node24()): Promise<string> {
	const cache = join(tmpdir(), `${PACKAGE_NAME}-packs`);
	mkdirSync(cache, { recursive: true });
	const key = sourceHash();
	const tarball = join(cache, `${PACKAGE_NAME}-${key}.tgz`);
	if (existsSync(tarball)) return tarball;
	return await withLock(join(cache, '.lock'), async () => {
		if (existsSync(tarball)) return tarball;
		const env = { ...process.env, PATH: `${dirname(nodeBin)}:${process.env.PATH ?? ''}` };
		const build = await run('npm', ['run', 'build'], { cwd: ROOT, env, timeoutMs: 300_000 });
		if (build.code !== 0) throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`);
		const out = mkdtempSync(join(cache, 'pack-'));
		// prepack would build again: --ignore-scripts.
		const pack = await run('npm', ['pack', '--ignore-scripts', '--json', `--pack-destination=${out}`], { cwd: ROOT, env, timeoutMs: 120_000 });
		if (pack.code !== 0) throw new Error(`npm pack failed:\n${pack.stdout}\n${pack.stderr}`);
		const [{ filename }] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as [{ filename: string }];
		renameSync(join(out, filename), tarball);
		rmSync(out, { recursive: true, force: true });
		return tarball;
	});
}

async function withLock<T>(lockDir: string, fn: () => Promise<T>): Promise<T> {
	const deadline = Date.now() + 600_000;
	for (;;) {
		try {
			mkdirSync(lockDir);
			break;
		} catch {
			// A lock left by a killed process is stale after 10 minutes.
			try {
				if (Date.now() - statSync(lockDir).mtimeMs > 600_000) rmSync(lockDir, { recursive: true, force: true });
			} catch {
				// removed meanwhile
			}
			if (Date.now() > deadline) throw new Error(`timed out waiting for ${lockDir}`);
			await sleep(250);
		}
	}
	try {
		return await fn();
	} finally {
		rmSync(lockDir, { recursive: true, force: true });
	}
}

/** Installs the tarball into `<folder>/.n8n/nodes` as n8n's community-package install does. */
function installTarball(folder: string, tarball: string, nodeBin: string): void {
	const nodesDir = join(folder, '.n8n', 'nodes');
	mkdirSync(nodesDir, { recursive: true });
	writeFileSync(join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2));
	// Without --omit=peer npm pulls n8n-workflow and compiles native modules.
	execFileSync('npm', ['install', '--omit=peer', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball], {
		cwd: nodesDir,
		env: { ...process.env, PATH: `${dirname(nodeBin)}:${process.env.PATH ?? ''}` },
		stdio: ['ignore', 'ignore', 'pipe'],
	});
}
