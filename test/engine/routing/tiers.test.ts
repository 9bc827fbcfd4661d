import assert from 'node:assert/strict';

import { DateTime } from 'luxon';

import { ProtocolError } from '../../../nodes/engine/common/errors';
import { compileRouter, DEFAULT_TIERS } from '../../../nodes/engine/routing';
import { score as scoreAsOfNow } from '../gate/helpers';

const BERLIN = 'Europe/Berlin';
const FRIDAY_1730 = DateTime.fromISO('2026-03-13T17:30', { zone: BERLIN }).toMillis();
/** A score as Lead Score gives it, as of the time the router judges the lead at. */
const score = (parts: Parameters<typeof scoreAsOfNow>[0] = {}) => scoreAsOfNow({ asOf: new Date(FRIDAY_1730).toISOString(), ...parts });
const wall = (ms: number | undefined) => DateTime.fromMillis(ms!, { zone: BERLIN }).toFormat('ccc HH:mm');

describe('default tiers', () => {
	const router = compileRouter({ calendar: { hours: { start: '09:00', end: '18:00' } } }, { zone: BERLIN });

	it('are Hot, Warm, MQL and Nurture, in that order', () => {
		assert.deepEqual(router.tierNames, ['Hot', 'Warm', 'MQL', 'Nurture']);
	});

	it('Hot: asked for sales, whatever the score, due in 1 business hour (Friday 17:30 -> Monday 09:30)', () => {
		const tier = router.tierOf({}, score({ total: 12 }), [{ type: 'demo_request', at: FRIDAY_1730 }], FRIDAY_1730)!;
		assert.equal(tier.name, 'Hot');
		assert.equal(tier.slaText, '1 business hour');
		assert.equal(wall(tier.dueAt), 'Mon 09:30');
		assert.equal(tier.reason, 'asked to talk to sales (just now)');
	});

	it('Hot also for 80+ points, or 60+ with 30 points gained in a week', () => {
		assert.equal(router.tierOf({}, score({ total: 85 }), [], FRIDAY_1730)!.name, 'Hot');
		assert.equal(router.tierOf({}, score({ total: 62, velocity: 31 }), [], FRIDAY_1730)!.name, 'Hot');
		assert.equal(router.tierOf({}, score({ total: 62, velocity: 10 }), [], FRIDAY_1730)!.name, 'Warm');
	});

	it('Warm: 24 clock hours; MQL: acknowledged within 48 hours', () => {
		const warm = router.tierOf({}, score({ total: 65 }), [], FRIDAY_1730)!;
		assert.equal(warm.dueAt! - FRIDAY_1730, 24 * 3_600_000);
		const mql = router.tierOf({}, score({ total: 52 }), [], FRIDAY_1730)!;
		assert.equal(mql.name, 'MQL');
		assert.equal(mql.sla?.action, 'acknowledge');
		assert.equal(mql.dueAt! - FRIDAY_1730, 48 * 3_600_000);
	});

	it('Nurture: no SLA and no owner', () => {
		const result = router.route({ country: 'DE' }, score({ total: 20 }), [], FRIDAY_1730);
		assert.equal(result.tier?.name, 'Nurture');
		assert.equal(result.tier?.sla, null);
		assert.equal(result.tier?.dueAt, undefined);
		assert.equal(result.owner, undefined);
	});

	it('without teams, assigned tiers go to the fallback queue', () => {
		const result = router.route({}, score({ total: 90 }), [], FRIDAY_1730);
		assert.equal(result.owner?.queue, 'Unassigned');
	});
});

describe('custom tiers', () => {
	it('the first matching tier wins, even when a later one matches too', () => {
		const router = compileRouter(
			{
				tiers: [
					{ name: 'Strategic', when: { field: 'segment', operator: 'equals', value: 'Enterprise' }, sla: { minutes: 30, basis: 'business' } },
					{ name: 'Hot', when: { score: 'total', atLeast: 80 }, sla: { hours: 1, basis: 'business' } },
					{ name: 'Rest' },
				],
			},
			{ zone: BERLIN },
		);
		assert.equal(router.tierOf({ segment: 'Enterprise' }, score({ total: 95 }), [], FRIDAY_1730)!.name, 'Strategic');
		assert.equal(router.tierOf({ segment: 'SMB' }, score({ total: 95 }), [], FRIDAY_1730)!.name, 'Hot');
		const rest = router.tierOf({}, score({ total: 1 }), [], FRIDAY_1730)!;
		assert.deepEqual([rest.name, rest.index, rest.reason], ['Rest', 2, 'No higher tier matched']);
	});

	it('no tier when none matches and there is no catch-all', () => {
		const router = compileRouter({ tiers: [{ name: 'Hot', when: { score: 'total', atLeast: 80 } }] });
		assert.equal(router.tierOf({}, score({ total: 10 }), [], FRIDAY_1730), undefined);
		assert.deepEqual(router.route({}, score({ total: 10 }), [], FRIDAY_1730), { tier: undefined });
	});

	it('the SLA runs in the calendar zone, which defaults to the workflow zone', () => {
		const router = compileRouter({ tiers: [{ name: 'Hot', sla: { hours: 1, basis: 'business' } }] }, { zone: 'America/New_York' });
		const friday1630 = DateTime.fromISO('2026-03-13T16:30', { zone: 'America/New_York' }).toMillis();
		assert.equal(DateTime.fromMillis(router.tierOf({}, undefined, [], friday1630)!.dueAt!, { zone: 'America/New_York' }).toFormat('ccc HH:mm'), 'Mon 09:30');
	});

	it('with keepSlaInOnePeriod, an SLA longer than the rest of the working day starts at the next opening', () => {
		const router = compileRouter({ calendar: { hours: { start: '09:00', end: '18:00' }, keepSlaInOnePeriod: true }, tiers: [{ name: 'Hot', sla: { hours: 1, basis: 'business' } }] }, { zone: BERLIN });
		assert.equal(wall(router.tierOf({}, undefined, [], FRIDAY_1730)!.dueAt), 'Mon 10:00');
		assert.equal(wall(router.tierOf({}, undefined, [], FRIDAY_1730 - 3_600_000)!.dueAt), 'Fri 17:30');
	});

	it('the default tiers are valid against the schema', () => {
		assert.doesNotThrow(() => compileRouter({ tiers: JSON.parse(JSON.stringify(DEFAULT_TIERS)) }));
	});
});

describe('validation names the JSON path', () => {
	const fails = (protocol: unknown, message: RegExp) =>
		assert.throws(() => compileRouter(protocol, { zone: BERLIN }), (e: unknown) => e instanceof ProtocolError && message.test(e.message), `expected ${message}`);
	const roster = [{ id: 'ana' }];

	it('in tiers, conditions and SLAs', () => {
		fails({ tiers: [{ name: 'Hot', when: { score: 'totl', atLeast: 1 } }] }, /\/tiers\/0\/when\/score: must be one of/);
		fails({ tiers: [{ name: 'Hot', when: { any: [{ score: 'total', atLeast: 9, below: 1 }] } }] }, /^\/tiers\/0\/when\/any\/0\/below/);
		fails({ tiers: [{ name: 'Hot', sla: { hours: 1 } }] }, /\/tiers\/0\/sla: must have required property 'basis'/);
		fails({ tiers: [{ name: 'Hot' }, { name: 'hot' }] }, /^\/tiers\/1\/name: the tier "hot" is named twice/);
		fails({ calendar: { zone: 'Nowhere/City' } }, /^\/calendar\/zone: "Nowhere\/City" is not an IANA time zone/);
		fails({ calendar: { workingDays: ['sun', 'funday'] } }, /\/calendar\/workingDays\/1: must be one of/);
	});

	it('in teams, rules and the roster', () => {
		fails({ assignment: { roster, teams: [{ id: 't', members: ['bob'] }] } }, /^\/assignment\/teams\/0\/members\/0: "bob" is not in the roster/);
		fails({ assignment: { roster, teams: [{ id: 't', members: ['ana'] }], rules: [{ name: 'r', team: 'x', industry: ['SaaS'] }] } }, /^\/assignment\/rules\/0\/team: no team has the id "x"/);
		fails({ assignment: { roster, teams: [{ id: 't', members: ['ana'] }], rules: [{ name: 'r', team: 't' }] } }, /^\/assignment\/rules\/0: the rule tests nothing/);
		fails({ assignment: { roster: [{ id: 'ana', weight: 0 }] } }, /\/assignment\/roster\/0\/weight: must be >= 1/);
		fails({ assignment: { roster: [{ id: 'ana', timeZone: 'Berlin' }] } }, /^\/assignment\/roster\/0\/timeZone: "Berlin" is not an IANA time zone/);
		fails({ assignment: { roster: [{ id: 'ana', outOfOffice: [{ from: '2026-03-20', to: '2026-03-10' }] }] } }, /^\/assignment\/roster\/0\/outOfOffice\/0: ends before it starts/);
		fails({ assignment: { roster: [{ id: 'ana', workingHours: { hours: { start: '17:00', end: '09:00' } } }] } }, /^\/assignment\/roster\/0\/workingHours\/hours: the hours must end after they start/);
		fails({ assignment: { roster: [{ id: 'ana' }, { id: 'ana' }] } }, /^\/assignment\/roster\/1\/id: the rep id "ana" is used twice/);
		fails({ assignment: { fallback: { owner: 'x', queue: 'y' } } }, /\/assignment\/fallback/);
	});
});
