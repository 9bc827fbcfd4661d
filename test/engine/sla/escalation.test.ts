import assert from 'node:assert/strict';

import { smsInfo } from '../../../nodes/engine/enrich';
import { advanceTimer, buildEscalation, describeDuration, lateness, reassignTimer, sampleEscalations, STAGES } from '../../../nodes/engine/sla';
import { HOT, HOUR, local, MINUTE, policyOf, started, WARM } from './helpers';

const policy = policyOf(HOT);

/** The escalation of `stage` of a timer started at `startedAt`, fired at `firedAt`. */
function fire(startedAt: number, firedAt: number, stage = 'manager', extra: Parameters<typeof buildEscalation>[4] = {}, timer = started(policy, startedAt)) {
	const { due, timer: after } = advanceTimer(timer, firedAt);
	const fired = due.find((d) => d.stage === stage);
	assert.ok(fired, `${stage} should be due at ${new Date(firedAt).toISOString()}`);
	return buildEscalation(policy, after, fired, firedAt, extra);
}

describe('lateness in words', () => {
	it('says when it was due, how late it is, and whose it is', () => {
		assert.equal(lateness(local('2026-03-10T10:00'), local('2026-03-10T11:12'), policy, 'Ana Ruiz').text, 'due 10:00, 1 h 12 min overdue, Ana Ruiz');
		assert.equal(lateness(local('2026-03-10T10:00'), local('2026-03-10T09:30'), policy, 'Ana Ruiz').text, 'due 10:00, 30 min left, Ana Ruiz');
		assert.equal(lateness(local('2026-03-10T10:00'), local('2026-03-10T10:00'), policy).text, 'due 10:00, due now');
	});

	it('counts working time for a business SLA, and says so when a night or weekend lies in between', () => {
		const late = lateness(local('2026-03-13T17:00'), local('2026-03-16T09:12'), policy, 'Ana Ruiz');
		assert.equal(late.text, 'due Fri 17:00, 1 h 12 min overdue in business hours, Ana Ruiz');
		assert.equal(late.businessMinutes, 72);
		assert.equal(late.clockMinutes, (2 * 24 + 16) * 60 + 12);
		const clock = lateness(local('2026-03-13T17:00'), local('2026-03-16T09:12'), policyOf(WARM));
		assert.equal(clock.text, 'due Fri 17:00, 2 d 16 h overdue');
		assert.equal(lateness(local('2026-02-13T17:00'), local('2026-03-16T09:12'), policyOf(WARM)).text, 'due 13 Feb 17:00, 30 d 16 h overdue');
	});

	it('durations read as people say them', () => {
		assert.deepEqual(
			[0, 59_999, MINUTE, 59 * MINUTE, HOUR, HOUR + 12 * MINUTE, 24 * HOUR - MINUTE, 24 * HOUR, 50 * HOUR].map(describeDuration),
			['under a minute', 'under a minute', '1 min', '59 min', '1 h', '1 h 12 min', '23 h 59 min', '1 d', '2 d 2 h'],
		);
	});
});

describe('an escalation', () => {
	it('carries the lead, the owner, the manager and the lateness, and ready texts for Slack, email and SMS', () => {
		const manager = { name: 'Mia Chen', slackId: 'U0MIA', email: 'mia@example.com' };
		const e = fire(local('2026-03-10T10:00'), local('2026-03-10T11:00'), 'manager', { manager });
		assert.equal(e.stage, 'manager');
		assert.equal(e.stageLabel, 'Manager alert');
		assert.equal(e.status, 'due 11:00, due now, Ana Ruiz');
		assert.equal(e.late, undefined, 'fired on time');
		assert.deepEqual(e.owner, { id: '101', name: 'Ana Ruiz', slackId: 'U0ANA' });
		assert.deepEqual(e.lead, { name: 'Dana Scully', company: 'Globex', email: 'dana@globex.com', crmUrl: 'https://crm.example.com/contacts/1001' });
		assert.equal(e.renderings.slack.blocks[0].type, 'header');
		assert.match(JSON.stringify(e.renderings.slack.blocks[1]), /<@U0MIA> \*due 11:00, due now, Ana Ruiz\*/, 'the manager is mentioned');
		assert.equal(e.renderings.email.subject, '[HOT] SLA missed: Dana Scully · Globex — due 11:00, due now, Ana Ruiz');
		assert.match(e.renderings.email.html, /<a href="https:\/\/crm.example.com\/contacts\/1001"/);
		assert.equal(e.renderings.sms, '[HOT] SLA missed: Dana Scully - Globex. due 11:00, due now, Ana Ruiz. https://crm.example.com/contacts/1001');
	});

	it('a stage that fired after downtime says how late it fired', () => {
		const e = fire(local('2026-03-10T10:00'), local('2026-03-10T13:05'), 'reminder');
		assert.equal(e.stageDueAt, local('2026-03-10T10:30'));
		assert.equal(e.lateByMinutes, 155);
		assert.equal(e.late, 'fired 2 h 35 min late');
		assert.match(e.renderings.slack.text, /fired 2 h 35 min late/);
		assert.equal(e.overdueMinutes, 125);
	});

	it('escapes lead data for each channel: no mentions, markup or links smuggled in through a name', () => {
		const hostile = {
			lead: { name: '<!channel> Bob <b>&</b>', company: 'Evil <https://x.test|Click>' },
			owner: { name: 'Ana\n*Ruiz*', slackId: 'U0ANA> <!here' },
		};
		const e = fire(local('2026-03-10T10:00'), local('2026-03-10T10:30'), 'reminder', {}, started(policy, local('2026-03-10T10:00'), { details: hostile }));
		// Slack parses mentions and links in mrkdwn and the notification text; plain_text shows them as typed.
		const blocks = e.renderings.slack.blocks as Array<{ text?: { type: string; text: string }; fields?: Array<{ text: string }> }>;
		const parsed = [e.renderings.slack.text, ...blocks.flatMap((b) => [...(b.text?.type === 'mrkdwn' ? [b.text.text] : []), ...(b.fields ?? []).map((f) => f.text)])];
		const slack = parsed.join('\n');
		assert.doesNotMatch(slack, /<!channel>|<!here>|<https:/, 'no Slack control sequence survives');
		assert.match(slack, /&lt;!channel&gt; Bob &lt;b&gt;&amp;&lt;\/b&gt;/);
		assert.doesNotMatch(slack, /<@U0ANA/, 'a malformed user id is not turned into a mention');
		assert.doesNotMatch(e.renderings.email.html, /<b>|<!channel>/);
		assert.match(e.renderings.email.html, /&lt;!channel&gt; Bob &lt;b&gt;&amp;&lt;\/b&gt;/);
		assert.doesNotMatch(e.renderings.email.subject, /\n/);
		assert.doesNotMatch(e.renderings.sms, /\n/);
	});

	it('an SMS stays within its segments however long the lead data is', () => {
		const long = { lead: { name: 'Ж'.repeat(400), company: 'Globex' }, owner: { name: 'Ana Ruiz' } };
		for (const segments of [1, 2, 3]) {
			const e = fire(local('2026-03-10T10:00'), local('2026-03-10T11:00'), 'manager', { smsSegments: segments }, started(policy, local('2026-03-10T10:00'), { details: long }));
			assert.ok(smsInfo(e.renderings.sms).segments <= segments, `${smsInfo(e.renderings.sms).segments} segments > ${segments}`);
		}
	});

	it('the reassignment and the last alert name the new owner and the owners so far', () => {
		const lapsed = advanceTimer(started(policy, local('2026-03-10T10:00')), local('2026-03-10T12:00')).timer;
		const moved = reassignTimer(policy, lapsed, { at: local('2026-03-10T12:00'), ownerId: '102', owner: { name: 'Ben Okafor' } }).timer;
		const last = fire(0, local('2026-03-10T13:00'), 'lastAlert', { channel: '#sales-leads' }, moved);
		assert.equal(last.status, 'due 13:00, due now, Ben Okafor');
		assert.deepEqual(last.previousOwners, ['101']);
		assert.match(JSON.stringify(last.renderings.slack), /Owners so far\*\\n101 → 102/);
		assert.match(JSON.stringify(last.renderings.slack), /Sent to #sales-leads/);
		assert.match(last.renderings.email.subject, /^\[HOT\] Still waiting after reassignment: Dana Scully · Globex/);
	});

	it('a manual run has a realistic sample of every stage', () => {
		const now = local('2026-03-14T03:00');
		const sample = sampleEscalations(now, 'Europe/Berlin');
		assert.deepEqual(Object.keys(sample), [...STAGES]);
		assert.equal(sample.manager.status, 'due 02:48, 12 min overdue, Ana Ruiz');
		assert.equal(sample.reassign.reassignedTo?.name, 'Ben Okafor');
		assert.equal(sample.lastAlert.ownerId, '102');
		for (const stage of STAGES) assert.equal(sample[stage].firedAt, now);
	});
});
