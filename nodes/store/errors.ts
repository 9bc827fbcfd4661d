/**
 * Store failures as messages a workflow builder can act on: what went wrong, where, and what to
 * check. Driver errors (pg, node:sqlite) are translated here and kept as `cause` for debugging.
 */

export type StoreErrorCode =
	| 'unsupported-runtime'
	| 'queue-mode'
	| 'folder'
	| 'locked'
	| 'corrupt'
	| 'connection'
	| 'authentication'
	| 'database-missing'
	| 'permission'
	| 'ssl'
	| 'schema-too-new'
	| 'migration'
	| 'invalid-input'
	| 'closed'
	| 'unknown';

/**
 * A store failure. `message` names the operation, the field and what was expected, never a
 * lead's key or field values: n8n logs a failed node's message, and lead keys are usually email
 * addresses. The values that identify the lead (its key, the hand-off's key) go in
 * `description`, which the node shows in its error's description and n8n does not log.
 */
export class StoreError extends Error {
	readonly description?: string;

	constructor(
		readonly code: StoreErrorCode,
		message: string,
		options?: { cause?: unknown; description?: string },
	) {
		super(message, options?.cause === undefined ? undefined : { cause: options.cause });
		this.name = 'StoreError';
		if (options?.description !== undefined) this.description = options.description;
	}
}

/** Where a failure concerns a lead: its values, for an error's description (never its message). */
export function leadValues(values: { scope?: string; lead?: string; handoff?: string; event?: string }): string {
	const parts: string[] = [];
	if (values.lead !== undefined) parts.push(`lead "${values.lead}"`);
	if (values.handoff !== undefined) parts.push(`hand-off "${values.handoff}"`);
	if (values.event !== undefined) parts.push(`event "${values.event}"`);
	if (values.scope !== undefined) parts.push(`scope "${values.scope}"`);
	return parts.length ? `It concerns ${parts.join(', ')}.` : '';
}

const CREDENTIAL = 'the "Lead Handoff Store" credential';

interface DriverError {
	code?: string;
	errno?: number;
	errcode?: number;
	errstr?: string;
	message?: string;
}

function detail(error: unknown): DriverError {
	return typeof error === 'object' && error !== null ? (error as DriverError) : { message: String(error) };
}

/** Translates a pg (or Node network) error raised while connecting or querying. */
export function postgresError(error: unknown, where: { host: string; port: number; database: string; user: string; schema: string }): StoreError {
	if (error instanceof StoreError) return error;
	const { code, message = '' } = detail(error);
	const at = `PostgreSQL at ${where.host}:${where.port}`;
	const make = (kind: StoreErrorCode, text: string) => new StoreError(kind, text, { cause: error });
	switch (code) {
		case 'ECONNREFUSED':
			return make('connection', `Cannot connect to ${at}: connection refused. Check the host and port in ${CREDENTIAL}, and that PostgreSQL is running and accepts TCP connections there.`);
		case 'ENOTFOUND':
		case 'EAI_AGAIN':
			return make('connection', `Cannot connect to ${at}: host "${where.host}" not found. Check the host name in ${CREDENTIAL}.`);
		case 'ETIMEDOUT':
		case 'EHOSTUNREACH':
		case 'ENETUNREACH':
			return make('connection', `Cannot connect to ${at}: no answer (${code}). Check the host, the port and any firewall between n8n and the database.`);
		case 'ECONNRESET':
			return make('connection', `The connection to ${at} was closed by the server. Check the SSL setting in ${CREDENTIAL} and the server's log.`);
		case '28P01':
		case '28000':
			if (/no encryption|SSL off/i.test(message)) {
				return make('ssl', `${at} refuses connections without SSL for user "${where.user}". Set SSL to "Require" in ${CREDENTIAL}.`);
			}
			return make('authentication', `${at} rejected user "${where.user}": ${message}. Check the user and password in ${CREDENTIAL}.`);
		case '3D000':
			return make('database-missing', `Database "${where.database}" does not exist on ${at}. Create it (CREATE DATABASE "${where.database}") or enter an existing database in ${CREDENTIAL}.`);
		case '42501':
			return make('permission', `User "${where.user}" may not create or use schema "${where.schema}" in database "${where.database}" (${message}). Grant it CREATE on the database, or create the schema for it and grant USAGE and CREATE.`);
		case '3F000':
			return make('permission', `Schema "${where.schema}" does not exist in database "${where.database}" and could not be created. Check the schema name in ${CREDENTIAL}.`);
		case '57P03':
			return make('connection', `${at} is starting up or shutting down. Try again in a moment.`);
		case '57P01':
		case '57P02':
			return make('connection', `${at} closed the connection: the server was shut down or restarted. Try again in a moment.`);
		case '53300':
			return make('connection', `${at} has no free connections (too many clients). Raise max_connections or lower the number of n8n workers.`);
		case 'DEPTH_ZERO_SELF_SIGNED_CERT':
		case 'SELF_SIGNED_CERT_IN_CHAIN':
		case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
		case 'ERR_TLS_CERT_ALTNAME_INVALID':
		case 'CERT_HAS_EXPIRED':
			return make('ssl', `The SSL certificate of ${at} could not be verified (${code}). Turn on "Ignore SSL Issues" in ${CREDENTIAL} if you trust this server.`);
	}
	if (/does not support SSL/i.test(message)) {
		return make('ssl', `${at} does not support SSL. Set SSL to "Disable" (or "Allow") in ${CREDENTIAL}.`);
	}
	// pg's own words when the server goes away mid-query (a restart, a failover) without a code.
	if (/Connection terminated|not queryable/i.test(message)) {
		return make('connection', `The connection to ${at} ended unexpectedly: the server was restarted or the network dropped. Try again in a moment.`);
	}
	if (/timeout/i.test(message)) {
		return make('connection', `Cannot connect to ${at}: timed out. Check the host, the port and any firewall between n8n and the database.`);
	}
	return make('unknown', `Error from ${at}${code ? ` (${code})` : ''}, database "${where.database}", schema "${where.schema}": ${message}`);
}

/** Translates a node:sqlite error (or a file system error while preparing its folder). */
export function sqliteError(error: unknown, file: string): StoreError {
	if (error instanceof StoreError) return error;
	const { code, errcode, errstr, message = '' } = detail(error);
	const make = (kind: StoreErrorCode, text: string) => new StoreError(kind, text, { cause: error });
	const primary = typeof errcode === 'number' ? errcode & 0xff : undefined;
	if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOTDIR' || code === 'EEXIST' || primary === 14 || primary === 8) {
		return make('folder', `The embedded store cannot write ${file}${errstr || code ? ` (${errstr ?? code})` : ''}. Check that the folder in ${CREDENTIAL} exists or can be created, and that the user running n8n may write to it.`);
	}
	if (primary === 5 || primary === 6) {
		return make('locked', `The embedded store ${file} stayed locked by another process for too long. If several n8n processes share it, use PostgreSQL instead.`);
	}
	if (primary === 26 || primary === 11) {
		return make('corrupt', `${file} is not a usable Lead Handoff store (${errstr ?? message}). Point the folder in ${CREDENTIAL} elsewhere, or restore the file from a backup.`);
	}
	return make('unknown', `Embedded store error in ${file}: ${message}`);
}
