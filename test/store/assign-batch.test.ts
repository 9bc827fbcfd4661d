/**
 * Assigning an execution's leads as one batch gives every lead the owner one-by-one assignment
 * gives it, and leaves the store in the same state: for random rosters (weights, daily and weekly
 * capacities, time zones, inactive reps), teams (round-robin, weighted, least open) with territory
 * rules, and leads arriving over several days, with repeated leads (a new hand-off closes the
 * last), redelivered events, SLA timers and contacts kept before their timers start; the
 * hand-offs' report rows included (fast-check, both backends).
 */
import assert from 'node:assert/strict';

import fc from 'fast-check';

import { compileRouter, type RoutingProtocol, type Strategy } from '../../nodes/engine/routing';
import { changeFor, type SlaTimer } from '../../nodes/engine/sla';
import { createStore, type HandoffStore, type StoreConfig } from '../../nodes/store';
import { assignOwner, assignOwners, planAssignments, type AssignedOwner, type OwnerToAssign } from '../../nodes/TierRouter/assignOwner';
import { BACKENDS, describeOn } from './backends';
import { COMPILED, SCOPE } from './sla-support';
import { storeRows } from './storeRows';

const T0 = Date.parse('2026-03-09T07:00:00Z'); // a Monday
const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Tokyo'];
const REGIONS = ['EMEA', 'AMER'];

const rep = fc.record({
	weight: fc.integer({ min: 1, max: 3 }),
	perDay: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
	perWeek: fc.option(fc.integer({ min: 2, max: 12 }), { nil: undefined }),
	zone: fc.constantFrom(...ZONES),
	active: fc.integer({ min: 0, max: 6 }).map((n) => n > 0),
});

const team = (size: number) =>
	fc.record({
		members: fc.uniqueArray(fc.nat(size - 1), { minLength: 1, maxLength: size }),
		strategy: fc.constantFrom<Strategy>('roundRobin', 'weightedRoundRobin', 'leastOpen'),
	});

const scenario = fc.integer({ min: 1, max: 6 }).chain((size) =>
	fc.record({
		reps: fc.array(rep, { minLength: size, maxLength: size }),
		teams: fc.array(team(size), { minLength: 1, maxLength: 2 }),
		fallback: fc.constantFrom<'queue' | 'owner'>('queue', 'owner'),
		leads: fc.array(
			fc.record({
				lead: fc.nat(7),
				event: fc.nat(3),
				region: fc.constantFrom(...REGIONS),
				// Minutes after the previous lead: several days in all, so days and weeks turn.
				gap: fc.oneof(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 600, max: 3000 })),
			}),
			{ minLength: 1, maxLength: 30 },
		),
		withSla: fc.boolean(),
		// Leads whose contact is recorded before their hand-off's timer starts.
		contacted: fc.uniqueArray(fc.nat(7), { maxLength: 3 }),
		perTransaction: fc.integer({ min: 1, max: 12 }),
	}),
);

type Scenario = typeof scenario extends fc.Arbitrary<infer S> ? S : never;

function protocolOf(s: Scenario): RoutingProtocol {
	const roster = s.reps.map((r, i) => ({
		id: `rep-${i + 1}`,
		weight: r.weight,
		timeZone: r.zone,
		active: r.active,
		capacity: { ...(r.perDay === undefined ? {} : { perDay: r.perDay }), ...(r.perWeek === undefined ? {} : { perWeek: r.perWeek }) },
	}));
	const teams = s.teams.map((t, i) => ({ id: `team-${i + 1}`, members: t.members.map((m) => roster[m].id), strategy: t.strategy, outsideHours: 'allow' as const }));
	return {
		assignment: {
			roster,
			teams,
			rules: teams.length > 1 ? [{ name: 'Americas', team: teams[1].id, territory: { region: ['AMER'] } }] : [],
			fallback: s.fallback === 'queue' ? { queue: 'Inbox' } : { owner: roster[roster.length - 1].id },
		},
	};
}

function leadsOf(s: Scenario): OwnerToAssign[] {
	let at = T0;
	return s.leads.map((l) => {
		at += l.gap * 60_000;
		const leadKey = `lead-${l.lead}@example.com`;
		return {
			lead: { email: leadKey, region: l.region },
			keys: { scope: SCOPE, leadKey, eventKey: `e${l.event}` },
			now: at,
			...(s.withSla ? { sla: { policy: COMPILED, tier: 'Hot', details: () => ({}) } } : {}),
		};
	});
}

async function contactFirst(store: HandoffStore, s: Scenario): Promise<void> {
	for (const lead of s.contacted) {
		await store.changeSlaTimers<SlaTimer>({ scope: SCOPE, leadKey: `lead-${lead}@example.com` }, T0, changeFor({ kind: 'contact', at: T0 }), { keepContact: true });
	}
}

/** What a user sees of an assignment. */
function seen(a: AssignedOwner | Error): unknown {
	if (a instanceof Error) return { error: a.message };
	return { owner: a.owner.ownerId ?? null, queue: a.owner.queue ?? null, team: a.owner.team ?? null, via: a.owner.via, duplicate: a.duplicate, sla: a.slaTimer?.status ?? null, timer: a.slaTimer?.timer.status ?? null };
}

for (const makeBackend of BACKENDS) {
	const backend = makeBackend();
	const opened: HandoffStore[] = [];
	const fresh = async (): Promise<[HandoffStore, StoreConfig]> => {
		const config = await backend.fresh();
		const store = await createStore(config);
		opened.push(store);
		return [store, config];
	};

	describeOn(backend)(`batched assignment on ${backend.name}`, () => {
		afterAll(async () => {
			await Promise.all(opened.map((s) => s.close().catch(() => undefined)));
			await backend.cleanup();
		});

		it('gives every lead the owner one-by-one assignment gives it, and leaves the same counters, loads, assignments, timers and report rows', async () => {
			await fc.assert(
				fc.asyncProperty(scenario, async (s) => {
					const routing = protocolOf(s);
					const plan = planAssignments(compileRouter(routing, { zone: 'UTC' }), routing);
					const leads = leadsOf(s);
					const [[single, singleConfig], [batched, batchedConfig]] = [await fresh(), await fresh()];
					// The leads' hand-offs (each event once), so their report rows show the assignments.
					for (const store of [single, batched]) {
						await contactFirst(store, s);
						for (const l of leads) await store.decideHandoff({ ...l.keys, at: l.now }, () => ({ handoff: true, details: {} }));
					}
					const one: Array<AssignedOwner | Error> = [];
					for (const l of leads) one.push(await assignOwner(single, plan, l.lead, l.keys, l.now, l.sla).catch((e: Error) => e));
					const all = await assignOwners(batched, plan, leads, { perTransaction: s.perTransaction });
					assert.deepEqual(all.map(seen), one.map(seen));
					assert.deepEqual(await storeRows(batchedConfig), await storeRows(singleConfig));
					await Promise.all([single.close(), batched.close()]);
				}),
				{ numRuns: backend.name === 'postgres' ? 25 : 60 },
			);
		});

		it('a redelivered batch assigns nothing again: every lead gets its first owner back', async () => {
			const [store] = await fresh();
			const routing: RoutingProtocol = { assignment: { roster: [{ id: 'a' }, { id: 'b' }, { id: 'c' }], teams: [{ id: 'sales', members: ['a', 'b', 'c'], outsideHours: 'allow' }] } };
			const plan = planAssignments(compileRouter(routing, { zone: 'UTC' }), routing);
			const leads = Array.from({ length: 10 }, (_, i) => ({ lead: { email: `l${i}@x.io` }, keys: { scope: SCOPE, leadKey: `l${i}@x.io`, eventKey: 'e1' }, now: T0 + i }));
			const first = (await assignOwners(store, plan, leads)) as AssignedOwner[];
			const again = (await assignOwners(store, plan, leads)) as AssignedOwner[];
			assert.deepEqual(first.map((a) => a.owner.ownerId), ['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c', 'a']);
			assert.deepEqual(again.map((a) => [a.owner.ownerId, a.duplicate]), first.map((a) => [a.owner.ownerId, true]));
		});

		it('a lead the decider refuses fails alone; the leads before it are assigned and the ones after it are not attempted', async () => {
			const [store] = await fresh();
			const reps = [{ id: 'a', dayStart: T0 - 3_600_000, weekStart: T0 - 86_400_000 }];
			const ok = () => ({ repId: 'a', details: {} });
			const results = await store.assignLeads(
				[0, 1, 2, 3].map((i) => ({
					input: { scope: SCOPE, leadKey: `l${i}`, eventKey: 'e1', at: T0 + i, reps },
					decide:
						i === 2
							? () => {
									throw new Error('no rep for lead l2');
								}
							: ok,
				})),
				{ perTransaction: 4 },
			);
			assert.deepEqual(
				results.map((r) => (r.status === 'failed' ? /no rep for lead l2/.test(r.error.message) : r.status)),
				['assigned', 'assigned', true],
			);
			const again = await store.assignLeads([{ input: { scope: SCOPE, leadKey: 'l3', eventKey: 'e1', at: T0 + 3, reps }, decide: ok }]);
			assert.equal(again[0].status, 'assigned', 'the lead after the failure was left for the caller');
		});
	});
}
