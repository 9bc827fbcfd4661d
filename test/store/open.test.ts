/**
 * Opening the store: configuration from the credential, where the embedded file goes, the shared
 * registry, the queue-mode refusal, and the messages a user sees when something is wrong (at run
 * time and from the credential's "Test" button).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ICredentialDataDecryptedObject, ICredentialTestFunctions } from 'n8n-workflow';

import {
	closeAllStores,
	createStore,
	defaultEmbeddedFolder,
	openStore,
	storeConfigFromCredential,
	StoreError,
	type PostgresStoreConfig,
} from '../../nodes/store';
import { leadHandoffStoreConnectionTest, testStoreCredential } from '../../nodes/store/credentialTest';
import { LATEST_VERSION } from '../../nodes/store/migrations';
import { PG_DATABASE, PG_HOST, PG_PORT, postgresConfig, postgresUser, withPg } from './backends';
import { itWithPostgres } from '../setup/env';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'lead-handoff-open-'));
const schemas: string[] = [];
let pgUser: string | undefined;
const schemaName = () => {
	const name = `lh_open_${process.pid}_${schemas.length + 1}`;
	schemas.push(name);
	return name;
};

afterAll(async () => {
	await closeAllStores();
	rmSync(tmp, { recursive: true, force: true });
	if (pgUser) await withPg(pgUser, async (c) => {
		for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
	});
});

/** A local TCP port nothing listens on. */
async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

function rejectsWith(promise: Promise<unknown>, code: string, pattern: RegExp) {
	return assert.rejects(promise, (e: unknown) => {
		assert.ok(e instanceof StoreError, `expected a StoreError, got ${String(e)}`);
		assert.equal(e.code, code, e.message);
		assert.match(e.message, pattern);
		return true;
	});
}

describe('credential data to store configuration', () => {
	it('is the embedded store by default, with the folder left to the default', () => {
		assert.deepEqual(storeConfigFromCredential({}), { kind: 'embedded', folder: undefined });
		assert.deepEqual(storeConfigFromCredential({ backend: 'embedded', folder: '  /data/lh ' }), { kind: 'embedded', folder: '/data/lh' });
	});

	it('maps the PostgreSQL fields, with the schema defaulting to lead_handoff', () => {
		assert.deepEqual(storeConfigFromCredential({ backend: 'postgres', host: 'db.internal', port: 6543, database: 'crm', user: 'n8n', password: 'pw', ssl: 'require', ignoreSslIssues: true, schema: '' }), {
			kind: 'postgres',
			host: 'db.internal',
			port: 6543,
			database: 'crm',
			user: 'n8n',
			password: 'pw',
			ssl: 'require',
			ignoreSslIssues: true,
			schema: 'lead_handoff',
		});
	});

	it('names the field that is missing or wrong', () => {
		assert.throws(() => storeConfigFromCredential({ backend: 'postgres', host: '', database: 'd', user: 'u' }), /no host/);
		assert.throws(() => storeConfigFromCredential({ backend: 'postgres', host: 'h', database: 'd', user: 'u', port: 70000 }), /Port 70000 .* not a TCP port/);
		assert.throws(() => storeConfigFromCredential({ backend: 'postgres', host: 'h', database: 'd', user: 'u', schema: 'x"; DROP TABLE y; --' }), /is not a plain PostgreSQL name/);
		assert.throws(() => storeConfigFromCredential({ backend: 'mysql' }), /Unknown store backend "mysql"/);
	});
});

describe('embedded store location and sharing', () => {
	it('lives in <n8n user folder>/.n8n/lead-handoff by default; relative folders are taken from .n8n', async () => {
		const userFolder = path.join(tmp, 'n8n-user');
		assert.equal(defaultEmbeddedFolder({ N8N_USER_FOLDER: userFolder }), path.join(userFolder, '.n8n', 'lead-handoff'));
		const store = await createStore({ kind: 'embedded' }, { env: { N8N_USER_FOLDER: userFolder } });
		assert.equal(store.location, path.join(userFolder, '.n8n', 'lead-handoff', 'store.sqlite'));
		await store.close();
		const relative = await createStore({ kind: 'embedded', folder: 'stores/a' }, { env: { N8N_USER_FOLDER: userFolder } });
		assert.equal(relative.location, path.join(userFolder, '.n8n', 'stores', 'a', 'store.sqlite'));
		await relative.close();
	});

	it('hands out one open store per configuration, and forgets a failed open', async () => {
		const folder = path.join(tmp, 'shared');
		const env = { N8N_USER_FOLDER: tmp };
		await rejectsWith(openStore({ kind: 'embedded', folder }, { env: { ...env, EXECUTIONS_MODE: 'queue' } }), 'queue-mode', /queue mode/);
		const [a, b] = await Promise.all([openStore({ kind: 'embedded', folder }, { env }), openStore({ kind: 'embedded', folder: `${folder}/` }, { env })]);
		assert.equal(a.store, b.store);
		const other = await openStore({ kind: 'embedded', folder: path.join(tmp, 'shared-2') }, { env });
		assert.notEqual(a.store, other.store);
		await closeAllStores();
		await rejectsWith(a.store.ping(), 'closed', /is closed/);
		const reopened = await openStore({ kind: 'embedded', folder }, { env });
		assert.notEqual(reopened.store, a.store);
		await reopened.store.ping();
	});
});

/** Whether this process has the file open (Linux: its open file descriptors). */
function holdsOpen(file: string): boolean {
	return readdirSync('/proc/self/fd').some((fd) => {
		try {
			return readlinkSync(path.join('/proc/self/fd', fd)) === file;
		} catch {
			return false;
		}
	});
}

describe('a credential whose data changes', () => {
	const linuxIt = process.platform === 'linux' ? it : it.skip;
	afterEach(closeAllStores);

	linuxIt('the old store closes once the executions using it are done; they finish on it', async () => {
		const owner = 'credential:cred-1';
		const before = await openStore({ kind: 'embedded', folder: path.join(tmp, 'rotate-a') }, { owner });
		const oldFile = before.store.location;
		await before.store.recordActivities('default', 'lead-1', [{ key: 'e1', type: 'page_view', at: 1, data: {} }]);
		// The credential now names another folder; an execution still runs on the old store.
		const after = await openStore({ kind: 'embedded', folder: path.join(tmp, 'rotate-b') }, { owner });
		assert.notEqual(after.store, before.store);
		assert.deepEqual(await before.store.recordActivities('default', 'lead-1', [{ key: 'e2', type: 'page_view', at: 2, data: {} }]), { inserted: 1, duplicates: 0 }, 'the running execution carries on');
		assert.equal(holdsOpen(oldFile), true);
		before.release();
		await eventually(() => !holdsOpen(oldFile), 'the old file is closed');
		await rejectsWith(before.store.ping(), 'closed', /is closed/);
		// The new store is the credential's from now on.
		const again = await openStore({ kind: 'embedded', folder: path.join(tmp, 'rotate-b') }, { owner });
		assert.equal(again.store, after.store);
		await again.store.ping();
	});

	it('a failed open of the new data keeps the old store, and nothing is closed under its holders', async () => {
		const owner = 'credential:cred-2';
		const good = await openStore({ kind: 'embedded', folder: path.join(tmp, 'keep') }, { owner });
		const blocker = path.join(tmp, 'keep-blocker');
		writeFileSync(blocker, 'a file where a folder should be');
		await rejectsWith(openStore({ kind: 'embedded', folder: path.join(blocker, 'store') }, { owner }), 'folder', /cannot write/);
		const same = await openStore({ kind: 'embedded', folder: path.join(tmp, 'keep') }, { owner });
		assert.equal(same.store, good.store, 'the working store is still the current one');
		good.release();
		same.release();
		await same.store.ping();
	});

	itWithPostgres('PostgreSQL: a rotated password opens a new pool; the old pool ends after its in-flight work', async () => {
		pgUser ??= postgresUser()!;
		const config = postgresConfig(pgUser, schemaName());
		const owner = 'credential:cred-pg';
		const before = await openStore(config, { owner });
		await before.store.decideHandoff({ scope: 'default', leadKey: 'lead-1', eventKey: 'seed', at: 1 }, () => ({ handoff: false, details: {} }));
		// Another session holds the lead's row, so a hand-off on the old store waits in flight.
		await withPg(pgUser, async (blocker) => {
			await blocker.query('BEGIN');
			await blocker.query(`SELECT * FROM "${config.schema}".handoff_leads WHERE lead_key = 'lead-1' FOR UPDATE`);
			const blockerPid = (await blocker.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
			const inFlight = before.store.decideHandoff({ scope: 'default', leadKey: 'lead-1', eventKey: 'e1', at: 2 }, () => ({ handoff: true, details: {} }));
			const waiting = await eventuallyValue(() => withPg(pgUser!, async (c) => (await c.query('SELECT pid FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [blockerPid])).rows[0]?.pid as number | undefined), 'the old pool waits for the row');

			const rotated = await openStore({ ...config, password: 'rotated' }, { owner });
			assert.notEqual(rotated.store, before.store);
			await rotated.store.ping();
			assert.equal(await connectionAlive(waiting), true, 'the old pool is not ended under its in-flight work');

			await blocker.query('COMMIT');
			assert.equal((await inFlight).status, 'handedOff', 'the in-flight hand-off finishes on the old store');
			assert.equal((await before.store.handoffState('default', 'lead-1'))?.handoffCount, 1, 'and the execution can carry on');
			before.release();
			await eventually(async () => !(await connectionAlive(waiting)), "the old pool's connection is closed");
			await rejectsWith(before.store.ping(), 'closed', /is closed/);
			assert.equal((await rotated.store.handoffState('default', 'lead-1'))?.lastEventKey, 'e1', 'the new store sees the same data');
		});
	});
});

async function connectionAlive(pid: number): Promise<boolean> {
	return withPg(pgUser!, async (c) => (await c.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rowCount === 1);
}

/** Waits for something another part of the system does in its own time, a bounded number of checks. */
async function eventually(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
	await eventuallyValue(async () => ((await check()) ? true : undefined), what);
}

async function eventuallyValue<T>(read: () => T | undefined | Promise<T | undefined>, what: string): Promise<T> {
	for (let attempt = 0; attempt < 200; attempt++) {
		const value = await read();
		if (value !== undefined) return value;
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
	throw new Error(`Not seen: ${what}`);
}

describe('refusals and error messages', () => {
	it('refuses the embedded store in queue mode, pointing to PostgreSQL', async () => {
		await rejectsWith(
			createStore({ kind: 'embedded', folder: path.join(tmp, 'queue') }, { env: { EXECUTIONS_MODE: 'queue' } }),
			'queue-mode',
			/EXECUTIONS_MODE=queue.*each worker would keep its own file.*Choose PostgreSQL/,
		);
	});

	it('says the embedded folder cannot be written, and which', async () => {
		const file = path.join(tmp, 'a-file');
		writeFileSync(file, 'not a folder');
		await rejectsWith(createStore({ kind: 'embedded', folder: path.join(file, 'store') }), 'folder', /cannot write .*a-file\/store\/store\.sqlite.*Check that the folder/);
	});

	it('says a file that is not a store is not one', async () => {
		const folder = path.join(tmp, 'garbage');
		mkdirSync(folder);
		writeFileSync(path.join(folder, 'store.sqlite'), 'hello, this is a text file and certainly not SQLite '.repeat(40));
		await rejectsWith(createStore({ kind: 'embedded', folder }), 'corrupt', /is not a usable Lead Handoff store/);
	});

	itWithPostgres('says nothing listens on a wrong PostgreSQL port', async () => {
		pgUser ??= postgresUser()!;
		const port = await closedPort();
		await rejectsWith(createStore({ ...postgresConfig(pgUser, schemaName()), port }), 'connection', new RegExp(`PostgreSQL at 127\\.0\\.0\\.1:${port}: connection refused\\. Check the host and port`));
	});

	itWithPostgres('says a PostgreSQL database or user does not exist', async () => {
		pgUser ??= postgresUser()!;
		const config = postgresConfig(pgUser, schemaName());
		await rejectsWith(createStore({ ...config, database: 'no_such_database_lh' }), 'database-missing', /Database "no_such_database_lh" does not exist .*CREATE DATABASE/);
		await rejectsWith(createStore({ ...config, user: 'no_such_user_lh' }), 'authentication', /rejected user "no_such_user_lh".*Check the user and password/);
	});

	itWithPostgres('says when the server has no SSL, and "Allow" falls back to plain connections', async () => {
		pgUser ??= postgresUser()!;
		const ssl = await withPg(pgUser, async (c) => (await c.query('SHOW ssl')).rows[0].ssl as string);
		const config: PostgresStoreConfig = postgresConfig(pgUser, schemaName());
		if (ssl !== 'off') {
			// A server with SSL on: "Require" must then connect.
			const secure = await createStore({ ...config, ssl: 'require' });
			await secure.ping();
			await secure.close();
			return;
		}
		await rejectsWith(createStore({ ...config, ssl: 'require' }), 'ssl', /does not support SSL\. Set SSL to "Disable"/);
		const store = await createStore({ ...config, ssl: 'allow' });
		await store.ping();
		await store.close();
	});

	it('uses a schema with a name that needs no quoting and refuses others', async () => {
		await rejectsWith(createStore({ ...postgresConfig('postgres', 'bad name'), host: PG_HOST }), 'invalid-input', /Schema "bad name" is not a plain PostgreSQL name/);
	});
});

describe('credential test', () => {
	const call = (data: Record<string, unknown>) =>
		leadHandoffStoreConnectionTest.call({} as ICredentialTestFunctions, { id: '1', name: 'Lead Handoff Store', type: 'leadHandoffStoreApi', data: data as ICredentialDataDecryptedObject });

	it('reports the embedded store ready, with its file and schema version', async () => {
		const folder = path.join(tmp, 'credential');
		assert.deepEqual(await call({ backend: 'embedded', folder }), { status: 'OK', message: `Embedded store ready at ${path.join(folder, 'store.sqlite')} (schema version ${LATEST_VERSION}).` });
	});

	itWithPostgres('reports a working PostgreSQL connection and creates the schema', async () => {
		pgUser ??= postgresUser()!;
		const schema = schemaName();
		const result = await call({ backend: 'postgres', host: PG_HOST, port: PG_PORT, database: PG_DATABASE, user: pgUser, password: '', ssl: 'disable', schema });
		assert.deepEqual(result, { status: 'OK', message: `Connected to PostgreSQL at ${PG_HOST}:${PG_PORT}/${PG_DATABASE} schema ${schema} (schema version ${LATEST_VERSION}).` });
		assert.equal(await withPg(pgUser, async (c) => (await c.query('SELECT to_regclass($1) AS t', [`"${schema}".activities`])).rows[0].t !== null), true);
	});

	itWithPostgres('reports what to fix when the connection fails, instead of a stack trace', async () => {
		pgUser ??= postgresUser()!;
		const port = await closedPort();
		const result = await call({ backend: 'postgres', host: PG_HOST, port, database: PG_DATABASE, user: pgUser, ssl: 'disable', schema: schemaName() });
		assert.equal(result.status, 'Error');
		assert.match(result.message, /connection refused\. Check the host and port in the "Lead Handoff Store" credential/);
		assert.doesNotMatch(result.message, /\n\s+at /);
	});

	it('reports a missing field and the queue-mode refusal', async () => {
		assert.deepEqual(await call({ backend: 'postgres', host: PG_HOST, database: '', user: 'u' }), {
			status: 'Error',
			message: 'The "Lead Handoff Store" credential has no database: enter the PostgreSQL database.',
		});
		const queued = await testStoreCredential({ backend: 'embedded', folder: path.join(tmp, 'q') }, { env: { EXECUTIONS_MODE: 'queue' } });
		assert.equal(queued.status, 'Error');
		assert.match(queued.message, /queue mode/);
	});
});
