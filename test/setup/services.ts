/**
 * Jest global setup: finds out once, before any suite runs, whether the PostgreSQL and Redis
 * that the store and queue-mode suites need are reachable, and whether the real n8n is installed.
 * The answers go to the environment that every test file inherits. Outside CI a missing service
 * skips the suites that need it, with the reason printed at the start and in the summary; in CI
 * (`CI` set) a missing service fails the run.
 */
import { createConnection } from 'node:net';
import { accessSync, constants, writeFileSync } from 'node:fs';
import { Client } from 'pg';

import { PG_DATABASE, PG_HOST, PG_PORT, REDIS_HOST, REDIS_PORT, SKIPS_FILE } from './services-config';

async function probePostgres(): Promise<{ user: string } | { reason: string }> {
	const reasons: string[] = [];
	for (const user of ['postgres', 'root']) {
		const client = new Client({ host: PG_HOST, port: PG_PORT, database: PG_DATABASE, user, connectionTimeoutMillis: 3000 });
		client.on('error', () => undefined);
		try {
			await client.connect();
			await client.query('SELECT 1');
			return { user };
		} catch (error) {
			reasons.push(`${user}: ${(error as Error).message}`);
		} finally {
			await client.end().catch(() => undefined);
		}
	}
	return { reason: `PostgreSQL at ${PG_HOST}:${PG_PORT}/${PG_DATABASE} is not reachable (${reasons.join('; ')})` };
}

function probeRedis(): Promise<string | undefined> {
	return new Promise((resolve) => {
		const socket = createConnection({ host: REDIS_HOST, port: REDIS_PORT });
		const done = (reason: string | undefined) => {
			socket.destroy();
			resolve(reason);
		};
		socket.setTimeout(3000, () => done(`Redis at ${REDIS_HOST}:${REDIS_PORT} did not answer in 3 s`));
		socket.once('error', (error) => done(`Redis at ${REDIS_HOST}:${REDIS_PORT} is not reachable (${error.message})`));
		socket.once('connect', () => socket.write('PING\r\n'));
		socket.once('data', (data) => done(data.toString().startsWith('+PONG') ? undefined : `Redis at ${REDIS_HOST}:${REDIS_PORT} answered ${JSON.stringify(data.toString().trim())}`));
	});
}

/** The editor suite drives Debian's Chromium through playwright-core (scripts/ensure-browser.sh). */
function probeBrowser(): string | undefined {
	const chromium = process.env.LEAD_HANDOFF_CHROMIUM || '/usr/bin/chromium';
	try {
		accessSync(chromium, constants.X_OK);
	} catch {
		return `no Chromium at ${chromium} (scripts/ensure-browser.sh installs Debian's)`;
	}
	try {
		require.resolve('playwright-core');
	} catch {
		return 'playwright-core is not installed (npm ci)';
	}
	return undefined;
}

export default async function globalSetup(): Promise<void> {
	const skips: string[] = [];
	const pg = await probePostgres();
	if ('user' in pg) process.env.LH_TEST_PG_USER = pg.user;
	else {
		process.env.LH_TEST_PG_SKIP = pg.reason;
		skips.push(`PostgreSQL suites (store on PostgreSQL, assignment concurrency, queue mode): ${pg.reason}`);
	}
	const redis = await probeRedis();
	if (redis) {
		process.env.LH_TEST_REDIS_SKIP = redis;
		skips.push(`queue-mode suite: ${redis}`);
	}
	if (!process.env.LEAD_HANDOFF_N8N_BIN) skips.push('real-n8n suites: not requested (npm run test:unit)');
	else {
		const browser = probeBrowser();
		if (browser) {
			process.env.LH_TEST_BROWSER_SKIP = browser;
			skips.push(`editor suite: ${browser}`);
		}
	}
	if (skips.length && process.env.CI) {
		throw new Error(`CI must run every suite, but:\n- ${skips.join('\n- ')}`);
	}
	writeFileSync(SKIPS_FILE, JSON.stringify(skips));
	if (skips.length) process.stdout.write(`\nSkipped, with the reason:\n- ${skips.join('\n- ')}\n\n`);
}
