/**
 * Reassigning an SLA timer through the routing it keeps (nodes/shared/slaReassign.ts), on both
 * backends: the late rep is passed over, the team's turn and the loads move with the lead, a
 * repeated or concurrent reassignment moves nothing twice, and a named rep takes the lead as is.
 */
import assert from 'node:assert/strict';

import { type HandoffStore } from '../../nodes/store';
import type { RoutingProtocol } from '../../nodes/engine/routing';
import { compilePolicy, decideAssignedStart, DEFAULT_LADDER, makePolicy, routingSnapshot, type SlaTimer } from '../../nodes/engine/sla';
import { reassignByRouting } from '../../nodes/shared/slaReassign';
import { BACKENDS, describeOn, storesOn } from './backends';
import { contact, HOUR, MINUTE, SCOPE, start, T0 } from './sla-support';

const CALENDAR = { zone: 'Europe/Berlin', hours: { start: '09:00', end: '18:00' }, keepSlaInOnePeriod: false };

const ROUTING: RoutingProtocol = {
	calendar: CALENDAR,
	assignment: {
		roster: [
			{ id: '101', name: 'Ana Ruiz', email: 'ana@example.com', slackId: 'U0ANA' },
			{ id: '102', name: 'Ben Okafor', email: 'ben@example.com', phone: '+49 30 1234' },
			{ id: '103', name: 'Chen Li', email: 'chen@example.com' },
			{ id: '104', name: 'Mia Chen', email: 'mia@example.com', slackId: 'U0MIA' },
			{ id: '201', name: 'Olu Ade' },
		],
		teams: [
			{ id: 'emea', members: ['101', '102', '103'], strategy: 'roundRobin', manager: '104' },
			{ id: 'na', members: ['201'], manager: { name: 'Sam Hill', email: 'sam@example.com' } },
			{ id: 'solo', members: ['101'], fallback: { queue: 'Unassigned' } },
		],
	},
};

const POLICY = makePolicy({ hours: 1, basis: 'business', action: 'contact' }, CALENDAR, DEFAULT_LADDER, routingSnapshot(ROUTING));
const COMPILED = compilePolicy(POLICY);

const reps = (ids: string[]) => ids.map((id) => ({ id, dayStart: T0 - HOUR, weekStart: T0 - 24 * HOUR }));

/** Tier Router's way: the assignment (to `owner`, at the team's turn) and its timer in one transaction. */
async function assignWithTimer(store: HandoffStore, handoffKey: string, owner: string, team: string, nextCounter: number) {
	const leadKey = `${handoffKey}@lead.example`;
	const outcome = await store.assignLeadWithSlaTimer<SlaTimer>(
		{ scope: SCOPE, leadKey, eventKey: handoffKey, at: T0, team, reps: reps(['101', '102', '103', '201']) },
		() => ({ repId: owner, team, nextCounter, details: {} }),
		{
			input: { scope: SCOPE, handoffKey, leadKey, policyKey: COMPILED.key, policy: POLICY as unknown as Record<string, unknown> },
			decide: (record, state) =>
				decideAssignedStart(COMPILED, { scope: SCOPE, handoffKey, leadKey, tier: 'Hot', startedAt: T0, details: { lead: { name: 'Dana Scully' }, owner: { id: owner }, manager: { name: 'Mia Chen', email: 'mia@example.com', slackId: 'U0MIA', id: '104' } } }, record, state),
		},
	);
	assert.equal(outcome.slaTimer?.status, 'started');
}

/** Open hand-offs per rep and the team's round-robin counter, as the next assignment sees them. */
async function loadsAndTurn(store: HandoffStore, team = 'emea'): Promise<{ open: Record<string, number>; counter: number }> {
	let open: Record<string, number> = {};
	let counter = -1;
	await store.preview((view) =>
		view.assignLead({ scope: SCOPE, leadKey: 'probe', eventKey: 'probe', at: T0, team, reps: reps(['101', '102', '103', '201']) }, (state) => {
			open = Object.fromEntries(Object.entries(state.loads).map(([id, l]) => [id, l.open]));
			counter = state.counter;
			return { queue: 'probe', details: {} };
		}),
	);
	return { open, counter };
}

for (const makeBackend of BACKENDS) {
	const backend = makeBackend();
	const stores = storesOn(backend);
	const fresh = stores.fresh;

	describeOn(backend)(`Reassigning SLA timers through the routing on ${backend.name}`, () => {
		afterAll(() => stores.closeAll());

		it('passes over the rep who let it lapse, takes the next turn, moves the load and names the new owner and manager', async () => {
			const store = await fresh();
			await assignWithTimer(store, 'evt-1', '101', 'emea', 1);
			assert.deepEqual(await loadsAndTurn(store), { open: { '101': 1, '102': 0, '103': 0, '201': 0 }, counter: 1 });
			const at = T0 + 2 * HOUR;
			const result = await reassignByRouting(store, { scope: SCOPE, handoffKey: 'evt-1', at, fromOwner: '101' });
			assert.equal(result.status, 'reassigned');
			if (result.status !== 'reassigned') return;
			assert.equal(result.before.ownerId, '101');
			assert.equal(result.after.ownerId, '102');
			assert.equal(result.after.status, 'reassigned');
			assert.deepEqual(result.after.previousOwners, ['101']);
			assert.equal(result.after.lapsed, true, 'the first window lapsed at 11:00');
			assert.deepEqual(result.owner, { id: '102', name: 'Ben Okafor', email: 'ben@example.com', phone: '+49 30 1234' });
			assert.deepEqual(result.after.details.owner, result.owner, 'the timer carries the new owner for the messages');
			assert.equal(result.manager?.name, 'Mia Chen');
			assert.equal(result.via, 'roundRobin');
			assert.deepEqual(result.skipped?.map((s) => s.repId), ['101']);
			assert.match(result.skipped![0].reason, /^let the SLA lapse \(due 11:00, 1 h overdue/);
			assert.match(result.message, /^Reassigned from 101 to 102/);
			assert.deepEqual(await loadsAndTurn(store), { open: { '101': 0, '102': 1, '103': 0, '201': 0 }, counter: 2 }, 'the load and the turn moved');
			assert.equal((await store.getSlaTimer<SlaTimer>(SCOPE, 'evt-1'))?.timer.ownerId, '102');

			const again = await reassignByRouting(store, { scope: SCOPE, handoffKey: 'evt-1', at: at + MINUTE, fromOwner: '101' });
			assert.equal(again.status, 'unchanged', 'a repeated reassignment of the late rep changes nothing');
			assert.match(again.message, /Owned by 102 now, not 101; nothing changed/);
			assert.deepEqual(await loadsAndTurn(store), { open: { '101': 0, '102': 1, '103': 0, '201': 0 }, counter: 2 });
		});

		it('two reassignments of the same lapse at once: one moves the lead, the other changes nothing', async () => {
			const store = await fresh();
			await assignWithTimer(store, 'evt-1', '101', 'emea', 1);
			const at = T0 + 2 * HOUR;
			const both = await Promise.all([1, 2].map(() => reassignByRouting(store, { scope: SCOPE, handoffKey: 'evt-1', at, fromOwner: '101' })));
			assert.deepEqual(both.map((r) => r.status).sort(), ['reassigned', 'unchanged']);
			assert.deepEqual(await loadsAndTurn(store), { open: { '101': 0, '102': 1, '103': 0, '201': 0 }, counter: 2 });
		});

		it('to a named rep: in the timer\'s team the team stays; a rep of another team brings the lead and its manager there', async () => {
			const store = await fresh();
			await assignWithTimer(store, 'evt-1', '101', 'emea', 1);
			const named = await reassignByRouting(store, { scope: SCOPE, handoffKey: 'evt-1', at: T0 + 30 * MINUTE, toRep: '103' });
			assert.equal(named.status, 'reassigned');
			if (named.status !== 'reassigned') return;
			assert.deepEqual([named.after.ownerId, named.after.team, named.after.lapsed, named.via], ['103', 'emea', false, undefined]);
			assert.equal(named.manager?.name, 'Mia Chen');
			const across = await reassignByRouting(store, { scope: SCOPE, handoffKey: 'evt-1', at: T0 + 40 * MINUTE, toRep: '201' });
			assert.equal(across.status, 'reassigned');
			if (across.status !== 'reassigned') return;
			assert.deepEqual([across.after.ownerId, across.after.team], ['201', 'na']);
			assert.deepEqual(across.manager, { name: 'Sam Hill', email: 'sam@example.com' });
			assert.deepEqual(across.after.details.manager, across.manager);
			assert.deepEqual(across.after.previousOwners, ['101', '103']);
			assert.deepEqual((await loadsAndTurn(store)).open, { '101': 0, '102': 0, '103': 0, '201': 1 });
		});

		it('changes nothing when nobody can take the lead, when the lead was contacted, or when there is no such timer', async () => {
			const store = await fresh();
			await assignWithTimer(store, 'evt-solo', '101', 'solo', 1);
			const nobody = await reassignByRouting(store, { scope: SCOPE, handoffKey: 'evt-solo', at: T0 + 2 * HOUR });
			assert.equal(nobody.status, 'unchanged');
			assert.match(nobody.message, /Nobody could take the lead .*Fallback queue "Unassigned".*it stays with 101, nothing changed/);
			assert.deepEqual((await loadsAndTurn(store, 'solo')).open, { '101': 1, '102': 0, '103': 0, '201': 0 });

			await assignWithTimer(store, 'evt-2', '102', 'emea', 2);
			await contact(store, { handoffKey: 'evt-2' }, T0 + 10 * MINUTE);
			const closed = await reassignByRouting(store, { scope: SCOPE, handoffKey: 'evt-2', at: T0 + 2 * HOUR });
			assert.equal(closed.status, 'unchanged');
			assert.match(closed.message, /^Already contacted/);

			assert.equal((await reassignByRouting(store, { scope: SCOPE, handoffKey: 'nothing', at: T0 })).status, 'notFound');
		});

		it('a timer started without a routing can go to a named rep, and says what to do otherwise', async () => {
			const store = await fresh();
			await start(store, { handoffKey: 'evt-1', leadKey: 'dana@globex.com', ownerId: '101', startedAt: T0 });
			const routed = await reassignByRouting(store, { scope: SCOPE, handoffKey: 'evt-1', at: T0 + 2 * HOUR });
			assert.equal(routed.status, 'unchanged');
			assert.match(routed.message, /started without a routing with teams .* name the rep to reassign to\. Nothing changed$/);
			const named = await reassignByRouting(store, { scope: SCOPE, handoffKey: 'evt-1', at: T0 + 2 * HOUR, toRep: '555' });
			assert.equal(named.status, 'reassigned');
			assert.equal(named.status === 'reassigned' && named.owner?.id, '555');
		});
	});
}
