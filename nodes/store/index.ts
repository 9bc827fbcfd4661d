/**
 * Opening the handoff store. `openStore` hands out one open store per configuration per process:
 * n8n runs a node once per execution, and opening a pool (or a file, and checking migrations)
 * every time would be slow. Nodes call `openStore` and never close it.
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

const registry = new Map<string, Promise<HandoffStore>>();

function registryKey(config: StoreConfig, env: StoreEnvironment): string {
	// Hashed so passwords are not kept as map keys.
	return createHash('sha256').update(stableStringify(normalise(config, env))).digest('hex');
}

/**
 * The process's shared store for this configuration, opened (and migrated) on first use. A failed
 * open is not remembered, so the next execution tries again after the user fixes the problem.
 */
export function openStore(config: StoreConfig, options: OpenOptions = {}): Promise<HandoffStore> {
	const env = options.env ?? process.env;
	let key: string;
	try {
		key = registryKey(config, env);
	} catch (error) {
		return Promise.reject(error);
	}
	let store = registry.get(key);
	if (!store) {
		store = open(config, options, () => {
			if (registry.get(key) === store) registry.delete(key);
		});
		registry.set(key, store);
		store.catch(() => {
			if (registry.get(key) === store) registry.delete(key);
		});
	}
	return store;
}

/** Closes every shared store (tests, shutdown). */
export async function closeAllStores(): Promise<void> {
	const stores = [...registry.values()];
	registry.clear();
	await Promise.all(stores.map(async (store) => (await store.catch(() => undefined))?.close()));
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
