import assert from 'node:assert/strict';

import fc from 'fast-check';
import { DateTime } from 'luxon';

import {
	capacityWindowStart,
	compileRouter,
	pickLeastLoaded,
	pickOwner,
	weightedSequence,
	type RepLoad,
	type RoutingProtocol,
	type RosterRep,
} from '../../../nodes/engine/routing';

const BERLIN = 'Europe/Berlin';
/** Monday 2026-03-16 11:00 in Berlin: inside everyone's default hours. */
const MONDAY_11 = DateTime.fromISO('2026-03-16T11:00', { zone: BERLIN }).toMillis();

const count = (ids: string[]) => ids.reduce<Record<string, number>>((acc, id) => ({ ...acc, [id]: (acc[id] ?? 0) + 1 }), {});

/** The largest gap, over every prefix of one cycle, between a rep's picks and its exact share. */
function maxShareDeviation(weights: number[]): number {
	const seq = weightedSequence(weights.map((weight, i) => ({ id: `r${i}`, weight })));
	const total = seq.length;
	const seen = weights.map(() => 0);
	let worst = 0;
	seq.forEach((id, n) => {
		seen[Number(id.slice(1))]++;
		weights.forEach((w, i) => (worst = Math.max(worst, Math.abs(seen[i] - ((n + 1) * w) / total))));
	});
	return worst;
}

/** Tijdeman's bound for k reps: no sequence can promise less in general. */
const shareBound = (k: number) => (k === 1 ? 0 : 1 - 1 / (2 * (k - 1)));

describe('weightedSequence', () => {
	it('3:1 weights interleave smoothly and give exactly 750/250 over 1000 picks', () => {
		const seq = weightedSequence([{ id: 'ana', weight: 3 }, { id: 'ben', weight: 1 }]);
		assert.deepEqual(seq, ['ana', 'ana', 'ben', 'ana']);
		const picks = Array.from({ length: 1000 }, (_, n) => seq[n % seq.length]);
		assert.deepEqual(count(picks), { ana: 750, ben: 250 });
	});

	it('rejects weights that are not positive integers', () => {
		assert.throws(() => weightedSequence([{ id: 'a', weight: 0 }]), RangeError);
		assert.throws(() => weightedSequence([{ id: 'a', weight: 1.5 }]), RangeError);
	});

	it('property: every rep appears exactly `weight` times, so whole cycles split exactly by weight', () => {
		fc.assert(
			fc.property(fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 5 }), (weights, cycles) => {
				const reps = weights.map((weight, i) => ({ id: `r${i}`, weight }));
				const seq = weightedSequence(reps);
				const total = weights.reduce((a, b) => a + b, 0);
				assert.equal(seq.length, total);
				// Over any whole number of cycles, the split is exactly proportional.
				const picks = count(Array.from({ length: cycles * total }, (_, n) => seq[n % total]));
				reps.forEach((r) => assert.equal(picks[r.id], r.weight * cycles));
			}),
		);
	});

	it('property: in every prefix each rep is within 1 - 1/(2(k-1)) picks of its exact share, so never a whole lead behind', () => {
		fc.assert(
			fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 2, maxLength: 12 }), (weights) => {
				assert.ok(maxShareDeviation(weights) <= shareBound(weights.length) + 1e-9, `weights ${weights}: ${maxShareDeviation(weights)}`);
			}),
			{ numRuns: 500 },
		);
		// Teams on which smooth weighted round-robin strays more than a whole pick (1.05 and 1.11).
		for (const weights of [[1, 19, 1, 1, 19], [20, 11, 1, 3, 20, 1, 20, 5]]) assert.ok(maxShareDeviation(weights) < 1, `weights ${weights}`);
	});

	it('property: equal weights keep every count within 1 of the others, for any number of leads and any start', () => {
		fc.assert(
			fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 5000 }), fc.nat(1_000_000), (reps, n, start) => {
				const seq = weightedSequence(Array.from({ length: reps }, (_, i) => ({ id: `r${i}` })));
				const all = new Set(seq);
				const counts: Record<string, number> = Object.fromEntries(seq.map((id) => [id, 0]));
				let counter = start;
				for (let i = 0; i < n; i++) {
					const pick = pickOwner(seq, counter, all)!;
					counts[pick.repId]++;
					counter = pick.nextCounter;
				}
				const values = Object.values(counts);
				assert.ok(Math.max(...values) - Math.min(...values) <= 1);
			}),
		);
	});
});

describe('pickOwner', () => {
	const seq = ['a', 'b', 'c'];
	it('picks the rep at the counter and moves the counter on by one', () => {
		assert.deepEqual(pickOwner(seq, 4, new Set(seq)), { repId: 'b', position: 4, nextCounter: 5, skippedPositions: 0 });
	});

	it('passes over reps that are not eligible, moving the counter past the chosen one', () => {
		assert.deepEqual(pickOwner(seq, 4, new Set(['a'])), { repId: 'a', position: 6, nextCounter: 7, skippedPositions: 2 });
	});

	it('gives nothing when nobody is eligible', () => {
		assert.equal(pickOwner(seq, 0, new Set()), undefined);
	});
});

describe('pickLeastLoaded', () => {
	const reps = [
		{ id: 'a', weight: 1 },
		{ id: 'b', weight: 2 },
		{ id: 'c', weight: 1 },
	];
	const all = new Set(['a', 'b', 'c']);
	it('fewest open hand-offs relative to weight', () => {
		const loads: Record<string, RepLoad> = { a: { open: 3 }, b: { open: 5 }, c: { open: 4 } };
		assert.equal(pickLeastLoaded(reps, all, loads), 'b');
		assert.equal(pickLeastLoaded(reps, new Set(['a', 'c']), loads), 'a');
	});

	it('ties go to whoever waited longest, then roster order', () => {
		assert.equal(pickLeastLoaded(reps, all, { a: { open: 1, lastAssignedAt: 50 }, b: { open: 2, lastAssignedAt: 10 }, c: { open: 1, lastAssignedAt: 20 } }), 'b');
		assert.equal(pickLeastLoaded(reps, all, {}), 'a');
	});
});

describe('capacityWindowStart', () => {
	it("is the start of the rep's own day and week", () => {
		const sundayNightUtc = Date.parse('2026-03-15T23:30:00Z');
		assert.equal(new Date(capacityWindowStart({ zone: BERLIN }, 'day', sundayNightUtc)).toISOString(), '2026-03-15T23:00:00.000Z');
		assert.equal(new Date(capacityWindowStart({ zone: 'America/New_York' }, 'week', sundayNightUtc)).toISOString(), '2026-03-09T04:00:00.000Z');
	});
});

describe('owner assignment through the router', () => {
	const roster: RosterRep[] = [
		{ id: 'ana', name: 'Ana', email: 'ana@x.io', slackId: 'U1', timeZone: BERLIN, weight: 3 },
		{ id: 'ben', name: 'Ben', timeZone: BERLIN, weight: 1 },
		{ id: 'cy', name: 'Cy', timeZone: 'America/New_York', workingHours: { hours: { start: '08:00', end: '17:00' } } },
		{ id: 'dee', name: 'Dee', timeZone: BERLIN, capacity: { perDay: 5, perWeek: 20 }, outOfOffice: [{ from: '2026-03-16', to: '2026-03-17' }] },
		{ id: 'enterprise-owner', name: 'Eve', timeZone: BERLIN },
	];
	const protocol = (extra: Partial<NonNullable<RoutingProtocol['assignment']>> = {}): RoutingProtocol => ({
		calendar: { zone: BERLIN, hours: { start: '09:00', end: '18:00' } },
		assignment: {
			namedAccounts: [{ domain: 'globex.com', owner: 'enterprise-owner' }],
			rules: [
				{ name: 'DACH', team: 'emea', territory: { country: ['DE', 'AT', 'CH'] } },
				{ name: 'Bavaria postcodes', team: 'us', territory: { postalCodePrefix: ['80', '81'] } },
				{ name: 'Texas', team: 'us', territory: { country: ['US'], state: ['TX'] } },
				{ name: 'Fintech', team: 'us', industry: ['Fintech'] },
				{ name: 'Enterprise', team: 'emea', companySize: { min: 1000 }, segment: ['Enterprise'] },
			],
			defaultTeam: 'pool',
			teams: [
				{ id: 'emea', members: ['ana', 'ben'], strategy: 'weightedRoundRobin' },
				{ id: 'us', members: ['cy'], fallback: { owner: 'ben' } },
				{ id: 'pool', members: ['ana', 'ben', 'dee'], strategy: 'leastOpen' },
			],
			roster,
			fallback: { queue: 'SDR queue' },
			...extra,
		},
	});
	const router = compileRouter(protocol());

	it('the first matching rule picks the team: country, state, postal code prefix, industry, segment and size', () => {
		const team = (lead: Record<string, unknown>) => {
			const choice = router.teamFor(lead);
			return choice.kind === 'team' ? `${choice.team}:${choice.rule ?? '-'}` : choice.owner;
		};
		assert.equal(team({ country: 'de' }), 'emea:DACH');
		assert.equal(team({ country: 'FR', postalCode: '81675' }), 'us:Bavaria postcodes');
		assert.equal(team({ country: 'US', state: 'TX' }), 'us:Texas');
		assert.equal(team({ country: 'US', state: 'CA' }), 'pool:-');
		assert.equal(team({ industry: 'fintech', country: 'AT' }), 'emea:DACH');
		assert.equal(team({ segment: 'Enterprise', companySize: '1001-5000' }), 'emea:Enterprise');
		assert.equal(team({ segment: 'Enterprise', companySize: 800 }), 'pool:-');
		assert.match((router.teamFor({ country: 'CH' }) as { reason: string }).reason, /^Rule "DACH": Country "CH" is one of DE, AT, CH$/);
	});

	it('named accounts go to their owner, found by website or email domain, subdomains included', () => {
		for (const lead of [{ website: 'https://www.Globex.com/about' }, { email: 'ceo@eu.globex.com', country: 'DE' }]) {
			const result = router.assign(lead, MONDAY_11);
			assert.equal(result.ownerId, 'enterprise-owner');
			assert.equal(result.via, 'namedAccount');
		}
		assert.notEqual(router.assign({ email: 'x@notglobex.com', country: 'DE' }, MONDAY_11).ownerId, 'enterprise-owner');
	});

	it('weighted round-robin: the counter picks, the cursor says what to store, the roster gives the contact', () => {
		const first = router.assign({ country: 'DE' }, MONDAY_11, { counters: { emea: 2 } });
		assert.equal(first.ownerId, 'ben');
		assert.deepEqual(first.cursor, { team: 'emea', next: 3 });
		assert.equal(first.via, 'weightedRoundRobin');
		const second = router.assign({ country: 'DE' }, MONDAY_11, { counters: { emea: 3 } });
		assert.deepEqual(second.owner, { id: 'ana', name: 'Ana', email: 'ana@x.io', slackId: 'U1', timeZone: BERLIN });
	});

	it('plain round-robin ignores weights: one turn each', () => {
		const plain = compileRouter(protocol({ teams: [{ id: 'emea', members: ['ana', 'ben'] }, { id: 'us', members: ['cy'] }, { id: 'pool', members: ['dee'] }] }));
		let counter = 0;
		const owners: string[] = [];
		for (let i = 0; i < 10; i++) {
			const result = plain.assign({ country: 'DE' }, MONDAY_11, { counters: { emea: counter } });
			owners.push(result.ownerId!);
			counter = result.cursor!.next;
		}
		assert.deepEqual(count(owners), { ana: 5, ben: 5 });
	});

	it('least open hand-offs, skipping who is out of office', () => {
		// Ana carries 9 open on weight 3 (3 each), Ben 2 on weight 1.
		const loads: Record<string, RepLoad> = { ana: { open: 9 }, ben: { open: 2 }, dee: { open: 0 } };
		const result = router.assign({ country: 'US' }, MONDAY_11, { loads });
		assert.equal(result.ownerId, 'ben');
		assert.equal(result.via, 'leastOpen');
		assert.deepEqual(result.skipped, [{ repId: 'dee', reason: 'out of office until 2026-03-17 23:59 (Europe/Berlin)' }]);
		// Out-of-office dates are whole days in the rep's zone: Wednesday 00:00 she is back.
		const wednesday = DateTime.fromISO('2026-03-18T09:00', { zone: BERLIN }).toMillis();
		assert.equal(router.assign({ country: 'US' }, wednesday, { loads }).ownerId, 'dee');
	});

	it('capacity per day and per week', () => {
		const wednesday = DateTime.fromISO('2026-03-18T09:00', { zone: BERLIN }).toMillis();
		const full = router.assign({}, wednesday, { loads: { ana: { open: 9 }, ben: { open: 9 }, dee: { open: 0, assignedToday: 5 } } });
		assert.equal(full.ownerId, 'ana');
		assert.match(full.skipped[0].reason, /^at daily capacity \(5 of 5 today\)$/);
		const week = router.assign({}, wednesday, { loads: { ana: { open: 9 }, ben: { open: 9 }, dee: { assignedToday: 1, assignedThisWeek: 20 } } });
		assert.match(week.skipped[0].reason, /^at weekly capacity/);
	});

	it('reps outside their own working hours are skipped; the team fallback owner takes over', () => {
		// 11:00 in Berlin is 06:00 in New York: Cy starts at 08:00.
		const result = router.assign({ country: 'US', state: 'TX' }, MONDAY_11);
		assert.equal(result.ownerId, 'ben');
		assert.equal(result.via, 'fallbackOwner');
		assert.match(result.skipped[0].reason, /^outside working hours \(Mon 06:00 in America\/New_York\)$/);
		const afternoon = DateTime.fromISO('2026-03-16T15:00', { zone: BERLIN }).toMillis();
		assert.equal(router.assign({ country: 'US', state: 'TX' }, afternoon).ownerId, 'cy');
	});

	it("a team that works around the clock ignores reps' hours", () => {
		const anyTime = compileRouter(protocol({ teams: [{ id: 'emea', members: ['ana'] }, { id: 'us', members: ['cy'], outsideHours: 'allow' }, { id: 'pool', members: ['ben'] }] }));
		assert.equal(anyTime.assign({ country: 'US', state: 'TX' }, MONDAY_11).ownerId, 'cy');
	});

	it('nobody available: the fallback queue, with every reason', () => {
		const saturday = DateTime.fromISO('2026-03-21T11:00', { zone: BERLIN }).toMillis();
		const result = router.assign({ country: 'DE' }, saturday);
		assert.equal(result.ownerId, undefined);
		assert.equal(result.queue, 'SDR queue');
		assert.equal(result.via, 'fallbackQueue');
		assert.deepEqual(result.skipped.map((s) => s.repId), ['ana', 'ben']);
		assert.equal(result.cursor, undefined);
	});

	it('keeps the existing owner when the option says so', () => {
		const lead = { country: 'DE', ownerId: 'dee' };
		assert.equal(router.assign(lead, MONDAY_11).ownerId === 'dee', false, 'never by default');
		const ifActive = compileRouter(protocol({ keepExistingOwner: 'ifActive' }));
		assert.equal(ifActive.assign(lead, MONDAY_11).via, 'existingOwner');
		const ifAvailable = compileRouter(protocol({ keepExistingOwner: 'ifAvailable' }));
		const notKept = ifAvailable.assign(lead, MONDAY_11);
		assert.notEqual(notKept.ownerId, 'dee');
		assert.match(notKept.skipped[0].reason, /^current owner not kept: out of office/);
		const inactive = compileRouter(protocol({ keepExistingOwner: 'ifActive', roster: roster.map((r) => (r.id === 'dee' ? { ...r, active: false } : r)) }));
		assert.notEqual(inactive.assign(lead, MONDAY_11).ownerId, 'dee');
		assert.notEqual(ifActive.assign({ country: 'DE', ownerId: 'someone-else' }, MONDAY_11).via, 'existingOwner');
	});

	it('inactive reps are never picked', () => {
		const r = compileRouter(protocol({ roster: roster.map((rep) => (rep.id === 'ana' ? { ...rep, active: false } : rep)) }));
		for (let n = 0; n < 8; n++) assert.equal(r.assign({ country: 'DE' }, MONDAY_11, { counters: { emea: n } }).ownerId, 'ben');
	});
});
