/**
 * The SLA Breach Trigger's poll in n8n-core against an embedded store of odd timers: fuzzed
 * policies (any ladder, business or calendar hours, working days and holidays in any zone, with or
 * without a routing to reassign through), start times decades back and years ahead, unicode
 * names, timers contacted or leads erased before the polls, claim limits of a few stages. Polls
 * at random times, then far ahead until nothing is left. What holds: no poll throws; every stage
 * is emitted at most once across polls, and exactly the stages the store recorded as fired are
 * emitted; by the last poll every untouched timer has fired all its stages due. A timer row
 * corrupted in the store blocks none of the others.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import fc from 'fast-check';
import type { INodeExecutionData } from 'n8n-workflow';

import { compilePolicy, decideStart, changeFor, makePolicy, routingSnapshot, type Ladder, type SlaTimer, type StageAt, type StartTimerInput } from '../../nodes/engine/sla';
import { clock } from '../../nodes/shared/clock';
import { SlaBreachTrigger } from '../../nodes/SlaBreachTrigger/SlaBreachTrigger.node.ts';
import { closeAllStores, openStore, StoreError, storeConfigFromCredential, type HandoffStore } from '../../nodes/store';
import { STORE_FILE } from '../../nodes/store/sqlite';
import { pollNode } from '../helpers/n8n-runner';
import { embeddedBackend } from '../store/backends';
import { UNICODE } from './hostile';

const trigger = new SlaBreachTrigger();
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const T0 = Date.parse('2026-03-10T09:00:00Z');
const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Pacific/Chatham', 'Australia/Lord_Howe', 'UTC', 'America/St_Johns'];
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

const ROUTING = routingSnapshot({
	assignment: {
		teams: [{ id: 'emea', name: 'EMEA', members: ['101', '102'], outsideHours: 'allow' }],
		roster: [
			{ id: '101', name: 'Ana Ruiz', email: 'ana@example.com' },
			{ id: '102', name: 'Ben Okafor', email: 'ben@example.com' },
		],
	},
});

const realNow = clock.now;
afterEach(() => {
	clock.now = realNow;
});
const backend = embeddedBackend();
afterAll(async () => {
	await closeAllStores();
	backend.cleanup();
});

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
const stageAt: fc.Arbitrary<StageAt> = fc.oneof(
	fc.constant<StageAt>('off'),
	fc.integer({ min: 1, max: 400 }).map((percent) => ({ percent })),
	fc.integer({ min: 1, max: 5_000 }).map((minutes) => ({ minutes })),
);
const policyArb = fc
	.record({
		minutes: fc.oneof(fc.integer({ min: 1, max: 120 }), fc.integer({ min: 121, max: 60 * 24 * 3 })),
		basis: fc.constantFrom<'business' | 'calendar'>('business', 'calendar'),
		zone: fc.constantFrom(...ZONES),
		open: fc.integer({ min: 0, max: 23 * 60 }),
		length: fc.integer({ min: 60, max: 24 * 60 }),
		workingDays: fc.subarray([...DAYS], { minLength: 1 }),
		holidays: fc.array(fc.oneof(fc.date({ min: new Date('2026-01-01'), max: new Date('2027-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)), fc.constantFrom('12-25', '01-01', '02-29')), { maxLength: 6 }),
		keep: fc.boolean(),
		ladder: fc.record({ reminder: stageAt, manager: stageAt, reassign: stageAt, lastAlert: stageAt }),
		routed: fc.boolean(),
	})
	.map((p) =>
		makePolicy(
			{ minutes: p.minutes, basis: p.basis, action: 'contact' } as never,
			{ zone: p.zone, workingDays: p.workingDays, hours: { start: hhmm(p.open), end: hhmm(Math.min(p.open + p.length, 24 * 60 - 1)) }, holidays: p.holidays, keepSlaInOnePeriod: p.keep } as never,
			p.ladder as Ladder,
			p.routed ? ROUTING : undefined,
		),
	);

/** When a timer started: around now, years back, or years ahead. */
const startArb = fc.oneof(
	fc.integer({ min: T0 - 3 * DAY, max: T0 + DAY }),
	fc.integer({ min: Date.parse('1971-01-01'), max: Date.parse('2020-01-01') }),
	fc.integer({ min: Date.parse('2030-01-01'), max: Date.parse('2040-01-01') }),
);

/** What happens to a timer before the polls: nothing, a first contact, or the lead erased. */
type Fate = 'none' | 'contacted' | 'erased';

const timerArb = fc.record({
	policy: policyArb,
	startedAt: startArb,
	fate: fc.constantFrom<Fate>('none', 'none', 'none', 'contacted', 'erased'),
	name: fc.constantFrom(...UNICODE, 'Dana Scully', ''),
});

interface Started {
	handoffKey: string;
	fate: Fate;
}

async function startTimer(store: HandoffStore, handoffKey: string, startedAt: number, policy: ReturnType<typeof makePolicy>, name: string): Promise<boolean> {
	const input: StartTimerInput = {
		scope: 'default',
		handoffKey,
		leadKey: `${handoffKey}@lead.example`,
		ownerId: '101',
		team: 'emea',
		tier: 'Hot',
		startedAt,
		details: { lead: { name, email: `${handoffKey}@lead.example` }, owner: { name: 'Ana Ruiz', email: 'ana@example.com' } },
	};
	const compiled = compilePolicy(policy);
	const result = await store.startSlaTimer<SlaTimer>({ scope: 'default', handoffKey, leadKey: input.leadKey, policyKey: compiled.key, policy: policy as unknown as Record<string, unknown> }, (state) => decideStart(compiled, input, state));
	return result.status === 'started';
}

const fired = (emitted: INodeExecutionData[][] | null) => (emitted ?? []).flatMap((output) => output.map((item) => `${String(item.json.handoffKey)}/${String(item.json.stage)}`));

let stores = 0;

/** A fresh embedded store, opened as the trigger opens its credential's. */
async function freshStore(): Promise<{ folder: string; credentials: { leadHandoffStoreApi: { backend: string; folder: string } }; store: HandoffStore }> {
	const folder = (await backend.fresh()) as { folder?: string };
	const credentials = { leadHandoffStoreApi: { backend: 'embedded', folder: folder.folder! } };
	const lease = await openStore(storeConfigFromCredential(credentials.leadHandoffStoreApi), { owner: 'credential:leadHandoffStoreApi' });
	lease.release();
	return { folder: folder.folder!, credentials, store: lease.store };
}
it('odd timers, polled at random times and then far ahead: no poll throws, each stage emitted once, as recorded (fast-check)', async () => {
	await fc.assert(
		fc.asyncProperty(
			fc.array(timerArb, { minLength: 1, maxLength: 8 }),
			fc.array(fc.oneof(fc.integer({ min: 0, max: 90 * MINUTE }), fc.integer({ min: 0, max: 30 * DAY })), { minLength: 1, maxLength: 6 }),
			fc.boolean(),
			fc.integer({ min: 2, max: 20 }),
			async (timers, steps, reassign, claimLimit) => {
				const { credentials, store } = await freshStore();
				const run = ++stores;
				const started: Started[] = [];
				for (const [i, t] of timers.entries()) {
					const handoffKey = `h${run}-${i}`;
					clock.now = () => t.startedAt;
					// The store refuses some leads outright (a NUL character in a name): such a timer never starts.
					const ok = await startTimer(store, handoffKey, t.startedAt, t.policy, t.name).catch((error: unknown) => {
						assert.ok(error instanceof StoreError && error.code === 'invalid-input', String(error));
						return false;
					});
					if (!ok) continue;
					started.push({ handoffKey, fate: t.fate });
					if (t.fate === 'contacted') await store.changeSlaTimers({ scope: 'default', handoffKey }, t.startedAt + MINUTE, changeFor({ kind: 'contact', at: t.startedAt + MINUTE, byLead: false }));
					if (t.fate === 'erased') await store.eraseLead('default', `${handoffKey}@lead.example`);
				}
				const emitted: string[] = [];
				let now = T0;
				const pollAt = async (at: number) => {
					clock.now = () => at;
					let result: Awaited<ReturnType<typeof pollNode>>;
					try {
						result = await pollNode({ node: trigger, credentials, timezone: 'Europe/Berlin', parameters: { reassign, options: { claimLimit } } });
					} catch (error) {
						assert.fail(`the poll threw: ${(error as Error).stack ?? String(error)}`);
					}
					assert.equal(result.error, undefined, result.error?.message);
					emitted.push(...fired(result.emitted));
					return result.emitted;
				};
				for (const step of steps) await pollAt((now += step));
				// Far ahead: everything due fires, a claim limit's worth at a time.
				const far = Date.parse('2045-01-01');
				for (let polls = 0; (await pollAt(far)) !== null; polls++) assert.ok(polls < 200, 'the polls end');

				assert.equal(new Set(emitted).size, emitted.length, `a stage emitted twice: ${emitted.join(', ')}`);
				for (const { handoffKey, fate } of started) {
					const recorded = (await store.slaEscalations('default', handoffKey)).map((e) => `${handoffKey}/${e.stage}`).sort();
					const mine = emitted.filter((e) => e.startsWith(`${handoffKey}/`)).sort();
					assert.deepEqual(mine, recorded, `${handoffKey} (${fate}): emitted what the store recorded as fired`);
					const timer = await store.getSlaTimer<SlaTimer>('default', handoffKey);
					if (timer && fate === 'none') assert.ok(timer.timer.schedule.every((s) => s.dueAt > far), `${handoffKey}: a stage due by the last poll never fired`);
				}
			},
		),
		{ numRuns: 20, seed: 21 },
	);
}, 120_000);

/** Stored timer states a poll cannot read or advance: cut JSON, another shape, wrong types. */
const CORRUPT_STATES = ['{"status":"running","schedule":', '{"status":"running"}', '{"status":"running","schedule":"soon"}', '[]', 'null', '{"status":"running","schedule":[{"stage":7}]}'];

it('a corrupt timer row never blocks the others: their stages fire once, it is reported on its stage\'s output and set aside, then reported again an hour later (fast-check)', async () => {
	await fc.assert(
		fc.asyncProperty(fc.integer({ min: 2, max: 5 }), fc.nat(), fc.constantFrom(...CORRUPT_STATES), fc.integer({ min: 1, max: 3 }), async (count, pick, corrupt, claimLimit) => {
			const { folder, credentials, store } = await freshStore();
			const run = ++stores;
			const policy = makePolicy({ minutes: 60, basis: 'calendar', action: 'contact' } as never, { zone: 'UTC' } as never, { reminder: { percent: 50 }, manager: 'off', reassign: 'off', lastAlert: { percent: 100 } } as Ladder);
			const keys = Array.from({ length: count }, (_, i) => `c${run}-${i}`);
			clock.now = () => T0;
			for (const key of keys) assert.ok(await startTimer(store, key, T0, policy, 'Dana Scully'));
			const bad = keys[pick % count];
			const db = new DatabaseSync(path.join(folder, STORE_FILE));
			db.prepare('UPDATE sla_timers SET state = ? WHERE handoff_key = ?').run(corrupt, bad);
			db.close();

			const emitted: string[] = [];
			const reported: string[] = [];
			const pollAt = async (at: number) => {
				clock.now = () => at;
				const result = await pollNode({ node: trigger, credentials, timezone: 'UTC', parameters: { reassign: false, options: { claimLimit } } });
				assert.equal(result.error, undefined, result.error?.message);
				for (const item of (result.emitted ?? []).flat()) {
					if (item.json.unreadable === true) {
						assert.equal(item.json.handoffKey, bad);
						assert.match(String(item.json.error), /could not be read/);
						reported.push(String(item.json.handoffKey));
					} else emitted.push(`${String(item.json.handoffKey)}/${String(item.json.stage)}`);
				}
				return result.emitted;
			};
			// Two hours on: every good timer's reminder and last alert are due.
			const at = T0 + 2 * 60 * MINUTE;
			for (let polls = 0; (await pollAt(at)) !== null; polls++) assert.ok(polls < 20, 'the polls end: the corrupt row is set aside');
			const good = keys.filter((k) => k !== bad);
			const recorded = (await Promise.all(good.map(async (k) => (await store.slaEscalations('default', k)).map((e) => `${k}/${e.stage}`)))).flat();
			assert.deepEqual(emitted.sort(), recorded.sort(), 'the good timers emitted what the store recorded as fired, once each');
			for (const k of good) assert.ok(emitted.includes(`${k}/reminder`), `${k}: its reminder, due an hour ago, fired`);
			assert.deepEqual(reported, [bad], 'the corrupt timer is reported once per hour');
			await pollAt(at + 61 * MINUTE);
			assert.deepEqual(reported, [bad, bad], 'and again an hour later, until repaired');
		}),
		{ numRuns: 15, seed: 7 },
	);
}, 120_000);
