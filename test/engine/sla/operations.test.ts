import assert from 'node:assert/strict';

import { changeFor, decideAssignedStart, decideStart, escalationsOf, pollStep, type TimerChange } from '../../../nodes/engine/sla';
import { local, MINUTE, policyOf, started } from './helpers';

const policy = policyOf();
const T = local('2026-03-10T10:00');
const input = { scope: 'default', handoffKey: 'evt-2', leadKey: 'dana@globex.com', tier: 'Hot', startedAt: T };

describe('the SLA deciders the store runs', () => {
	it('a start supersedes the lead\'s running timers, and a kept contact closes the new one', () => {
		const earlier = started(policy, T - 30 * MINUTE);
		const { timer, others } = decideStart(policy, { ...input, ownerId: '102' }, { kept: [], running: [earlier] });
		assert.equal(timer.status, 'open');
		assert.deepEqual(others.map((t) => [t.handoffKey, t.status, t.closeReason]), [['evt-1', 'cancelled', 'superseded by hand-off evt-2']]);
		assert.equal(decideStart(policy, input, { kept: [{ at: T + MINUTE, byHandoff: false }], running: [] }).timer.status, 'contacted');
	});

	it('a start after an assignment takes the owner and team the assignment chose', () => {
		const { timer } = decideAssignedStart(policy, { ...input, team: 'emea' }, { repId: '103' }, { kept: [], running: [] });
		assert.deepEqual([timer.ownerId, timer.team], ['103', 'emea']);
		const queued = decideAssignedStart(policy, input, { team: 'na' }, { kept: [], running: [] }).timer;
		assert.deepEqual([queued.ownerId, queued.team], [undefined, 'na'], 'a lead sent to a queue has no owner yet');
	});

	it('a change reads the policy the store hands it, says what happened, and changes nothing twice', () => {
		const results: TimerChange[] = [];
		const contact = changeFor({ kind: 'contact', at: T + 10 * MINUTE }, results);
		const once = contact(started(policy, T), JSON.parse(JSON.stringify(policy.policy)));
		assert.equal(once?.status, 'contacted');
		assert.equal(contact(once!, policy.policy), undefined);
		assert.deepEqual(results.map((r) => r.outcome), ['contacted', 'alreadyContacted']);
		const moved = changeFor({ kind: 'reassign', at: T + MINUTE, ownerId: '102', fromOwner: '101' })(started(policy, T), policy.policy);
		assert.equal(moved?.ownerId, '102');
		assert.equal(changeFor({ kind: 'cancel', at: T, reason: 'merged' })(started(policy, T), policy.policy)?.closeReason, 'merged');
	});

	it('claimed stages become escalations, one per stage, with the context of their timer', () => {
		const step = pollStep(started(policy, T), T + 70 * MINUTE);
		const escalations = escalationsOf([{ timer: step.timer, policy: policy.policy, due: step.due, firedAt: T + 70 * MINUTE }], (timer) => ({ manager: { name: `Manager of ${timer.team}` } }));
		assert.deepEqual(escalations.map((e) => [e.stage, e.manager?.name, e.lateByMinutes]), [
			['reminder', 'Manager of emea', 40],
			['manager', 'Manager of emea', 10],
		]);
	});
});
