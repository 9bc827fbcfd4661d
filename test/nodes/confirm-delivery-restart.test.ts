/**
 * Confirm Delivery waits out a PostgreSQL restart: the messages went already, and a delivery it
 * fails to record is sent again by the sender's retry. The store is the real PostgreSQL behind a
 * TCP relay that the test cuts (every open connection dropped, new ones refused) and restores, as
 * a restart looks from n8n. Tier Router assigns the lead through the relay; the relay goes down;
 * Confirm Delivery runs and records the delivery once the relay is back. A store that stays away
 * longer than the wait, and a failure that is not a lost connection, fail the item as before.
 * n8n-core's engine.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { DEFAULT_TIERS } from '../../nodes/engine/routing';
import { LeadHandoffData } from '../../nodes/LeadHandoffData/LeadHandoffData.node.ts';
import { closeAllStores, StoreError, UnreachableWait } from '../../nodes/store';
import { tiersToEditorRows } from '../../nodes/TierRouter/editorRules';
import { TierRouter } from '../../nodes/TierRouter/TierRouter.node.ts';
import { score } from '../engine/gate/helpers';
import { runNode } from '../helpers/n8n-runner';
import { PgRelay } from '../helpers/pg-relay';
import { PG_DATABASE, postgresUser, withPg } from '../store/backends';
import { itWithPostgres } from '../setup/env';

const SCHEMA = `lh_restart_${process.pid}`;

const relay = new PgRelay();
afterAll(async () => {
	await relay.down();
	await closeAllStores();
	const user = postgresUser();
	if (user) await withPg(user, (c) => c.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`));
});

const credentials = () => ({ leadHandoffStoreApi: { backend: 'postgres', host: '127.0.0.1', port: relay.port, database: PG_DATABASE, user: postgresUser(), password: '', ssl: 'disable', schema: SCHEMA } });

const NOW = '2026-03-16T10:00:00.000Z';
const tables = {
	rulesSource: 'editor',
	tiers: { tier: tiersToEditorRows(DEFAULT_TIERS) },
	roster: { rep: [{ id: '101', name: 'Ana Ruiz', timeZone: 'Europe/Berlin' }] },
	teams: { team: [{ id: 'emea', name: 'EMEA', members: '101', strategy: 'roundRobin', outsideHours: 'allow' }] },
	settings: { calendarZone: 'Europe/Berlin', workingHours: '09:00-18:00' },
	options: { resendUntilDelivered: true, resendAfterSeconds: 0 },
} as unknown as INodeParameters;
const lead = (email: string): IDataObject => ({ email, activities: [{ type: 'form_submit', timestamp: NOW, id: 'form-1' }], score: score({ total: 65, asOf: NOW }) as unknown as IDataObject });

async function routed(email: string): Promise<IDataObject> {
	const { outputs, error } = await runNode({ node: new TierRouter(), parameters: tables, items: [{ json: lead(email) }], credentials: credentials() as never, timezone: 'Europe/Berlin' });
	assert.equal(error, undefined, error?.message);
	const item = outputs.slice(0, 3).flat()[0];
	assert.ok(item, 'the lead is routed to a tier');
	return item.json;
}

function confirm(items: IDataObject[]) {
	return runNode({
		node: new LeadHandoffData(),
		parameters: { operation: 'confirmDelivery', leadKey: '={{ $json.routing.leadKey }}' },
		items: items.map((json) => ({ json })),
		credentials: credentials() as never,
		onError: 'continueRegularOutput',
		timezone: 'Europe/Berlin',
	});
}

async function deliveredAt(email: string): Promise<unknown> {
	const rows = await withPg(postgresUser()!, (c) => c.query(`SELECT delivered_at FROM ${SCHEMA}.assignments WHERE lead_key = $1`, [email]));
	return rows.rows[0]?.delivered_at ?? null;
}

describe('Confirm Delivery and a PostgreSQL restart', () => {
	itWithPostgres('the store goes away after the lead was assigned and comes back 2 s later: the delivery is recorded, and a redelivery is not sent again', async () => {
		await relay.up();
		const json = await routed('dana@initech.de');
		await relay.down();
		const back = sleep(2000).then(() => relay.up());
		const { outputs, error } = await confirm([json]);
		await back;
		assert.equal(error, undefined, error?.message);
		const delivery = outputs[0][0].json.delivery as IDataObject | undefined;
		assert.equal(outputs[0][0].json.error, undefined, String(outputs[0][0].json.error));
		assert.deepEqual([delivery?.confirmed, delivery?.status], [true, 'confirmed']);
		assert.notEqual(await deliveredAt('dana@initech.de'), null);
		// The sender's retry of the same event: nothing to send again.
		const { outputs: again } = await runNode({ node: new TierRouter(), parameters: tables, items: [{ json: lead('dana@initech.de') }], credentials: credentials() as never, timezone: 'Europe/Berlin' });
		assert.deepEqual(again.map((o) => o.length), [0, 0, 0, 0, 1], 'Not Routed: already delivered');
	}, 60_000);
});

describe('the wait for an unreachable store', () => {
	const lost = () => new StoreError('connection', 'Cannot connect to PostgreSQL at db:5432: connection refused.');
	const failing = (counter: { tries: number }, error: () => Error, succeedOn = Infinity) => async () => {
		if (++counter.tries < succeedOn) throw error();
		return 'written';
	};

	it('tries again while the store cannot be reached, and returns the first success', async () => {
		const counter = { tries: 0 };
		assert.equal(await new UnreachableWait(10_000).run(failing(counter, lost, 3)), 'written');
		assert.equal(counter.tries, 3);
	});

	it('throws any other failure at once: a wrong value is not waited on', async () => {
		const counter = { tries: 0 };
		const wrong = new StoreError('invalid-input', 'Event Key: expected text');
		await assert.rejects(new UnreachableWait(10_000).run(failing(counter, () => wrong)), (e) => e === wrong);
		assert.equal(counter.tries, 1);
	});

	it("gives up when the store stays away, with the store's own error; later items of the execution are not waited for again", async () => {
		const wait = new UnreachableWait(600);
		const first = { tries: 0 };
		await assert.rejects(wait.run(failing(first, lost)), (e: unknown) => e instanceof StoreError && e.code === 'connection');
		assert.ok(first.tries >= 2, `tried ${first.tries} times`);
		const next = { tries: 0 };
		await assert.rejects(wait.run(failing(next, lost)), (e: unknown) => e instanceof StoreError && e.code === 'connection');
		assert.equal(next.tries, 1, 'the wait was spent on the first item');
	});
});
