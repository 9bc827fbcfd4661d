/**
 * Contacts arrive out of order (a CRM's "email sent" webhook after its "call logged" one): the
 * earliest touch is the first touch, whichever arrives first, and a touch found by the lead's key
 * from before the hand-off is not this hand-off's. So the order of contacts and start never
 * changes the timer they leave.
 */
import assert from 'node:assert/strict';

import fc from 'fast-check';

import { acceptTimer, appliesTo, cancelTimer, contactTimer, startTimer, type KeptContact, type SlaTimer } from '../../../nodes/engine/sla';
import { details, HOT, local, MINUTE, MQL, policyOf, started } from './helpers';

const policy = policyOf(HOT);
const T = local('2026-03-10T10:00');

describe('contacts in any order', () => {
	it('an earlier contact reported late becomes the first touch; a later one changes nothing', () => {
		const late = contactTimer(policy, started(policy, T), T + 70 * MINUTE).timer;
		assert.equal(late.metSla, false);
		const earlier = contactTimer(policy, late, T + 20 * MINUTE);
		assert.equal(earlier.changed, true);
		assert.match(earlier.message, /^An earlier contact, reported late: contacted after 20 business min, 20 min: SLA met$/);
		assert.deepEqual([earlier.timer.contactedAt, earlier.timer.closedAt, earlier.timer.firstTouchClockMinutes, earlier.timer.metSla], [T + 20 * MINUTE, T + 20 * MINUTE, 20, true]);
		assert.equal(contactTimer(policy, earlier.timer, T + 70 * MINUTE).outcome, 'alreadyContacted');
	});

	it('an accepted timer only moves its contact time; a cancelled one takes no contact', () => {
		const mql = policyOf(MQL);
		const accepted = acceptTimer(mql, started(mql, T), T + 60 * MINUTE).timer;
		const contacted = contactTimer(mql, accepted, T + 120 * MINUTE).timer;
		const earlier = contactTimer(mql, contacted, T + 90 * MINUTE);
		assert.deepEqual([earlier.timer.status, earlier.timer.contactedAt, earlier.timer.firstTouchClockMinutes], ['accepted', T + 90 * MINUTE, 60]);
		const cancelled = cancelTimer(policy, started(policy, T), T + MINUTE).timer;
		assert.equal(contactTimer(policy, cancelled, T).outcome, 'alreadyClosed');
	});

	it("a contact found by the lead's key from before the hand-off is an earlier conversation's", () => {
		const open = started(policy, T);
		const before = contactTimer(policy, open, T - 5 * MINUTE, { byLead: true });
		assert.deepEqual([before.changed, before.outcome], [false, 'beforeHandoff']);
		assert.match(before.message, /came before this hand-off \(2026-03-10 10:00 \(Europe\/Berlin\)\): it belongs to an earlier conversation; nothing changed/);
		assert.equal(contactTimer(policy, open, T - 5 * MINUTE).timer.status, 'contacted', "found by the hand-off's key, it is this hand-off's");
	});

	/**
	 * A model of the store: contacts before the start are kept (the earliest per key), the start
	 * applies the earliest that belongs to it, contacts after it go to the timer.
	 */
	function play(events: Array<{ kind: 'start' } | { kind: 'contact'; at: number; byLead: boolean }>): SlaTimer | undefined {
		let timer: SlaTimer | undefined;
		const kept: KeptContact[] = [];
		for (const event of events) {
			if (event.kind === 'start') {
				timer = startTimer(policy, { scope: 'default', handoffKey: 'evt-1', leadKey: 'dana@globex.com', ownerId: '101', tier: 'Hot', startedAt: T, details }, kept).timer;
			} else if (timer) {
				timer = contactTimer(policy, timer, event.at, { byLead: event.byLead }).timer;
			} else {
				kept.push({ at: event.at, byHandoff: !event.byLead });
			}
		}
		return timer;
	}

	it('start and any contacts, in any order and any number of times, leave the same timer', () => {
		const contact = fc.record({ kind: fc.constant('contact' as const), at: fc.integer({ min: -60, max: 600 }).map((m) => T + m * MINUTE), byLead: fc.boolean() });
		fc.assert(
			fc.property(fc.array(contact, { maxLength: 6 }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 1, max: 3 }), (contacts, startAt, repeat) => {
				const inOrder = play([{ kind: 'start' }, ...contacts]);
				const events = contacts.flatMap((c) => Array.from({ length: repeat }, () => c)).reverse();
				const shuffled = play([...events.slice(0, startAt), { kind: 'start' }, ...events.slice(startAt)]);
				assert.deepEqual(shuffled, inOrder);
				const applies = contacts.filter((c) => appliesTo({ at: c.at, byHandoff: !c.byLead }, T)).map((c) => c.at);
				assert.equal(inOrder?.contactedAt, applies.length ? Math.min(...applies) : undefined, 'the earliest contact of this hand-off is the first touch');
			}),
			{ numRuns: 300 },
		);
	});
});
