/**
 * Opening the handoff store. `openStore` hands out the process's shared store for a credential:
 * n8n runs a node once per execution, and opening a pool (or a file, and checking migrations)
 * every time would be slow. A node leases it for one execution and gives it back at the end;
 * when the credential changes (a rotated password, another host), the next execution opens the
 * new store and the old one closes as soon as the executions still using it are done.
 */
import { createHash } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import stableStringify from 'fast-json-stable-stringify';

import { checkSchemaName } from './dialect';
import { StoreError } from './errors';
import { migrate } from './migrations';
import { PostgresDriver } from './postgres';
import { SqliteDriver } from './sqlite';
import { SqlHandoffStore } from './store';
import type { HandoffStore, PostgresSsl, StoreConfig, StoreEnvironment } from './types';

export { StoreError } from './errors';
export { UnreachableWait } from './reachable';
export { ALL_SCOPES, DEFAULT_SCOPE, type AllScopes } from './scope';
export type * from './types';

export const DEFAULT_SCHEMA = 'lead_handoff';

export interface OpenOptions {
	/** Environment to read EXECUTIONS_MODE and N8N_USER_FOLDER from; `process.env` by default. */
	env?: StoreEnvironment;
	/** Clock for the store's own bookkeeping (recorded-at times); `Date.now` by default. */
	now?: () => number;
}

/** Where the embedded store lives by default: beside n8n's own data. */
export function defaultEmbeddedFolder(env: StoreEnvironment = process.env): string {
	return path.join(env.N8N_USER_FOLDER || os.homedir(), '.n8n', 'lead-handoff');
}

/** `~/x` is the home folder; other relative folders are taken relative to n8n's `.n8n` folder. */
export function resolveEmbeddedFolder(folder: string | undefined, env: StoreEnvironment = process.env): string {
	const trimmed = folder?.trim();
	if (!trimmed) return defaultEmbeddedFolder(env);
	if (trimmed === '~' || trimmed.startsWith('~/')) return path.join(os.homedir(), trimmed.slice(1));
	return path.resolve(path.join(env.N8N_USER_FOLDER || os.homedir(), '.n8n'), trimmed);
}

/** Resolves defaults, so equal stores get equal registry keys. */
function normalise(config: StoreConfig, env: StoreEnvironment): StoreConfig {
	if (config.kind === 'embedded') return { kind: 'embedded', folder: resolveEmbeddedFolder(config.folder, env) };
	return { ...config, schema: checkSchemaName(config.schema || DEFAULT_SCHEMA) };
}

async function open(config: StoreConfig, options: OpenOptions, onClose?: () => void): Promise<HandoffStore> {
	const env = options.env ?? process.env;
	const resolved = normalise(config, env);
	if (resolved.kind === 'embedded') {
		if (env.EXECUTIONS_MODE === 'queue') {
			throw new StoreError(
				'queue-mode',
				'The embedded Lead Handoff store cannot be used while n8n runs in queue mode (EXECUTIONS_MODE=queue): each worker would keep its own file, so hand-offs, round-robin turns and SLA timers would split between them. Choose PostgreSQL in the "Lead Handoff Store" credential.',
			);
		}
	}
	const driver = resolved.kind === 'embedded' ? new SqliteDriver(resolved.folder!) : await PostgresDriver.connect(resolved);
	try {
		await migrate(driver, undefined, options.now);
	} catch (error) {
		await driver.close();
		throw error instanceof StoreError ? error : driver.explain(error);
	}
	return new SqlHandoffStore(driver, options.now, onClose);
}

/** A store of its own (not shared): for the credential test, tests and benchmarks. Close it. */
export function createStore(config: StoreConfig, options: OpenOptions = {}): Promise<HandoffStore> {
	return open(config, options);
}

/** The shared store for one configuration, and who is using it. */
interface Shared {
	/** Whose store it is: the credential's owner key, or the store's target. */
	readonly owner: string;
	/** Hash of the whole configuration (passwords included, so not kept in clear). */
	readonly configuration: string;
	readonly store: Promise<HandoffStore>;
	opened: boolean;
	/** Executions holding a lease. */
	holders: number;
	/** Replaced by a newer configuration of the same owner: closes when no one holds it. */
	retired: boolean;
	closing?: Promise<void>;
}

/** The current store of each owner. */
const current = new Map<string, Shared>();
/** Every shared store not yet closed: current ones, and retired ones still held. */
const live = new Set<Shared>();

export interface StoreLease {
	readonly store: HandoffStore;
	/** Gives the store back (once the execution's work is done); repeating it does nothing. */
	release(): void;
}

export interface SharedStoreOptions extends OpenOptions {
	/**
	 * Whose configuration this is, e.g. `credential:<id>`: a new configuration of the same owner
	 * replaces its store. Without it, configurations of the same target (file; host, port,
	 * database and schema) replace each other.
	 */
	owner?: string;
}

function hashOf(config: StoreConfig): string {
	// Hashed so passwords are not kept as map keys.
	return createHash('sha256').update(stableStringify(config)).digest('hex');
}

function targetOf(config: StoreConfig): string {
	return config.kind === 'embedded' ? `embedded:${config.folder}` : `postgres:${config.host}:${config.port}/${config.database}/${config.schema}`;
}

function closeWhenIdle(shared: Shared): void {
	if (shared.holders > 0 || shared.closing) return;
	shared.closing = shared.store.then(
		(store) => store.close(),
		() => undefined,
	);
	void shared.closing.finally(() => live.delete(shared));
}

/** The owner's new store is open: every older one closes once its holders are done. */
function retireOthers(fresh: Shared): void {
	for (const shared of live) {
		if (shared.owner !== fresh.owner || shared === fresh || shared.retired) continue;
		shared.retired = true;
		closeWhenIdle(shared);
	}
}

function forget(shared: Shared): void {
	live.delete(shared);
	if (current.get(shared.owner) === shared) current.delete(shared.owner);
}

function share(owner: string, configuration: string, config: StoreConfig, options: OpenOptions): Shared {
	// Closed by its user: forgotten, so the next execution opens a new one.
	const shared: Shared = { owner, configuration, opened: false, holders: 0, retired: false, store: open(config, options, () => forget(shared)) };
	live.add(shared);
	current.set(owner, shared);
	shared.store.then(
		() => {
			shared.opened = true;
			if (current.get(owner) === shared) retireOthers(shared);
		},
		() => {
			// A failed open is not remembered; the owner's previous store, if still open, stays current.
			live.delete(shared);
			if (current.get(owner) !== shared) return;
			const previous = [...live].reverse().find((s) => s.owner === owner && s.opened && !s.retired);
			if (previous) current.set(owner, previous);
			else current.delete(owner);
		},
	);
	return shared;
}

/**
 * A lease on the process's shared store for this configuration, opened (and migrated) on first
 * use. Give it back with `release()` when the execution is done: a store its owner has since
 * replaced with a new configuration closes when its last lease is given back. A failed open is
 * not remembered, so the next execution tries again after the user fixes the problem.
 */
export async function openStore(config: StoreConfig, options: SharedStoreOptions = {}): Promise<StoreLease> {
	const resolved = normalise(config, options.env ?? process.env);
	const configuration = hashOf(resolved);
	const owner = options.owner ?? targetOf(resolved);
	let shared = current.get(owner);
	if (!shared || shared.configuration !== configuration) shared = share(owner, configuration, resolved, options);
	const held = shared;
	held.holders++;
	let store: HandoffStore;
	try {
		store = await held.store;
	} catch (error) {
		held.holders--;
		throw error;
	}
	let released = false;
	return {
		store,
		release: () => {
			if (released) return;
			released = true;
			held.holders--;
			if (held.retired) closeWhenIdle(held);
		},
	};
}

/** Closes every shared store, held or not (tests, shutdown). */
export async function closeAllStores(): Promise<void> {
	const stores = [...live];
	live.clear();
	current.clear();
	await Promise.all(stores.map(async (shared) => (await shared.store.catch(() => undefined))?.close()));
}

/** The data of a "Lead Handoff Store" credential, as n8n hands it to a node. */
export interface LeadHandoffStoreCredential {
	backend?: 'embedded' | 'postgres';
	folder?: string;
	host?: string;
	port?: number;
	database?: string;
	user?: string;
	password?: string;
	ssl?: PostgresSsl;
	ignoreSslIssues?: boolean;
	schema?: string;
}

/** Turns credential data into a store configuration; names the field when one is missing. */
export function storeConfigFromCredential(data: LeadHandoffStoreCredential | Record<string, unknown>): StoreConfig {
	const c = data as LeadHandoffStoreCredential;
	if ((c.backend ?? 'embedded') === 'embedded') return { kind: 'embedded', folder: c.folder?.trim() || undefined };
	if (c.backend !== 'postgres') throw new StoreError('invalid-input', `Unknown store backend "${String(c.backend)}" in the "Lead Handoff Store" credential: choose Embedded or PostgreSQL.`);
	const required = (field: 'host' | 'database' | 'user', label: string): string => {
		const value = c[field]?.trim();
		if (!value) throw new StoreError('invalid-input', `The "Lead Handoff Store" credential has no ${label}: enter the PostgreSQL ${label}.`);
		return value;
	};
	const port = Number(c.port ?? 5432);
	if (!Number.isInteger(port) || port < 1 || port > 65535) throw new StoreError('invalid-input', `Port ${String(c.port)} in the "Lead Handoff Store" credential is not a TCP port (1-65535).`);
	const ssl = c.ssl ?? 'disable';
	if (!['disable', 'allow', 'require'].includes(ssl)) throw new StoreError('invalid-input', `SSL mode "${ssl}" in the "Lead Handoff Store" credential is not one of disable, allow, require.`);
	return {
		kind: 'postgres',
		host: required('host', 'host'),
		port,
		database: required('database', 'database'),
		user: required('user', 'user'),
		password: c.password ?? '',
		ssl,
		ignoreSslIssues: c.ignoreSslIssues === true,
		schema: checkSchemaName(c.schema?.trim() || DEFAULT_SCHEMA),
	};
}
