/**
 * The SLA Breach Trigger's poll in n8n-core, in-process, against the real store (embedded, and
 * PostgreSQL for the concurrent pollers). The clock is moved, never waited for: each poll is a
 * call at a given time, as n8n's poll times would make it. What a user relies on: each stage of
 * each timer fires once, on its own output, with the lead, the owner, the manager and how late
 * in words; a stage due while n8n was down fires once on the next poll and says how late; a
 * business-hours SLA does not run over a weekend or a holiday; the editor's manual run shows a
 * sample and claims nothing; two pollers on one store never emit a stage twice.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { NodeHelpers, type ICredentialDataDecryptedObject, type IDataObject, type INode, type INodeExecutionData, type INodeParameters } from 'n8n-workflow';

import { DEFAULT_LADDER, compilePolicy, decideStart, makePolicy, routingSnapshot, type SlaTimer, type StartTimerInput } from '../../nodes/engine/sla';
import fc from 'fast-check';

import { SlaBreachTrigger } from '../../nodes/SlaBreachTrigger/SlaBreachTrigger.node.ts';
import { pollEscalations, REASSIGN_LEASE_MS, type TriggerSettings } from '../../nodes/SlaBreachTrigger/escalate';
import { clock } from '../../nodes/shared/clock';
import { closeAllStores, createStore, openStore, StoreError, storeConfigFromCredential, type HandoffStore, type StoreConfig } from '../../nodes/store';
import { pollStep } from '../../nodes/engine/sla';
import { pollNode } from '../helpers/n8n-runner';
import { embeddedBackend, postgresBackend, describeOn } from '../store/backends';

const trigger = new SlaBreachTrigger();
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const ZONE = 'Europe/Berlin';
/** Tuesday 10 March 2026, 10:00 in Berlin. */
const T0 = Date.parse('2026-03-10T09:00:00Z');
const STAGES = ['reminder', 'manager', 'reassign', 'lastAlert'] as const;

const ROUTING = routingSnapshot({
	assignment: {
		teams: [{ id: 'emea', name: 'EMEA', members: ['101', '102'], outsideHours: 'allow' }],
		roster: [
			{ id: '101', name: 'Ana Ruiz', email: 'ana@example.com', slackId: 'U0ANA' },
			{ id: '102', name: 'Ben Okafor', email: 'ben@example.com', slackId: 'U0BEN' },
		],
	},
});
/** One business hour to a first contact, 9-18 in Berlin, Monday 16 March a holiday; the default ladder. */
const POLICY = makePolicy(
	{ hours: 1, basis: 'business', action: 'contact' },
	{ zone: ZONE, hours: { start: '09:00', end: '18:00' }, holidays: ['2026-03-16'], keepSlaInOnePeriod: false },
	DEFAULT_LADDER,
	ROUTING,
);

const LEAD = { name: 'Dana Scully', company: 'Globex', email: 'dana@globex.com', crmUrl: 'https://crm.example.com/contacts/1001' };
const MANAGERS = { manager: [{ team: 'emea', name: 'Mia Chen', email: 'mia@example.com', slackId: 'U0MIA', phone: '+15550100' }] };
const PARAMETERS = { channel: '#sales-leads', managers: MANAGERS };

type Credentials = Record<string, ICredentialDataDecryptedObject>;

function credentialFor(config: StoreConfig): ICredentialDataDecryptedObject {
	if (config.kind === 'embedded') return { backend: 'embedded', folder: config.folder ?? '' };
	return { backend: 'postgres', host: config.host, port: config.port, database: config.database, user: config.user, password: '', ssl: 'disable', schema: config.schema };
}

/** The store the trigger polls: the process's shared store for the harness's credential. */
async function storeFor(credentials: Credentials): Promise<HandoffStore> {
	const lease = await openStore(storeConfigFromCredential(credentials.leadHandoffStoreApi), { owner: 'credential:leadHandoffStoreApi' });
	lease.release();
	return lease.store;
}

/** The same without a routing: a timer SLA Timer's Start began for a lead assigned elsewhere. */
const UNROUTED = makePolicy(POLICY.sla, POLICY.calendar, DEFAULT_LADDER);

/** A hand-off's timer, as Tier Router starts it with the assignment. */
async function startTimer(store: HandoffStore, handoffKey: string, startedAt: number, extra: Partial<StartTimerInput> = {}, policy = POLICY): Promise<void> {
	const input: StartTimerInput = {
		scope: 'default',
		handoffKey,
		leadKey: `${handoffKey}@lead.example`,
		ownerId: '101',
		team: 'emea',
		tier: 'Hot',
		startedAt,
		details: { lead: { ...LEAD, email: `${handoffKey}@lead.example` }, owner: { name: 'Ana Ruiz', email: 'ana@example.com', slackId: 'U0ANA' } },
		...extra,
	};
	const compiled = compilePolicy(policy);
	const started = await store.startSlaTimer<SlaTimer>(
		{ scope: input.scope, handoffKey, leadKey: input.leadKey, policyKey: compiled.key, policy: policy as unknown as Record<string, unknown> },
		(state) => decideStart(compiled, input, state),
	);
	assert.equal(started.status, 'started');
}

/** One poll of the trigger at `now`, live (published) unless `manual`. */
async function pollAt(credentials: Credentials, now: number, options: { manual?: boolean; parameters?: INodeParameters } = {}) {
	clock.now = () => now;
	const result = await pollNode({ node: trigger, credentials, timezone: ZONE, parameters: options.parameters ?? PARAMETERS, ...(options.manual ? { mode: 'manual' as const } : {}) });
	assert.equal(result.error, undefined, result.error?.message);
	return result;
}

/** Per output, the "<hand-off>/<stage>" of each item; [] when the poll emitted nothing. */
function fired(emitted: INodeExecutionData[][] | null): string[][] {
	return STAGES.map((_, output) => (emitted?.[output] ?? []).map((item) => `${String(item.json.handoffKey)}/${String(item.json.stage)}`));
}

const realNow = clock.now;
afterEach(() => {
	clock.now = realNow;
});
afterAll(closeAllStores);

describe('SLA Breach Trigger (embedded store)', () => {
	const backend = embeddedBackend();
	afterAll(() => backend.cleanup());
	const fresh = async () => {
		const credentials = { leadHandoffStoreApi: credentialFor(await backend.fresh()) };
		return { credentials, store: await storeFor(credentials) };
	};

	it('fires each stage of a timer once, on its own output, across polls', async () => {
		const { credentials, store } = await fresh();
		await startTimer(store, 'evt-1', T0);
		const schedule = [
			[T0 + 29 * MINUTE, []],
			[T0 + 30 * MINUTE, ['evt-1/reminder']],
			[T0 + 31 * MINUTE, []],
			[T0 + 60 * MINUTE, ['evt-1/manager']],
			[T0 + 60 * MINUTE, []],
			[T0 + 119 * MINUTE, []],
			[T0 + 120 * MINUTE, ['evt-1/reassign']],
			[T0 + 150 * MINUTE, []],
			[T0 + 180 * MINUTE, ['evt-1/lastAlert']],
			[T0 + 48 * HOUR, []],
		] as const;
		const seen: string[] = [];
		for (const [now, expected] of schedule) {
			const { emitted, outputs } = await pollAt(credentials, now);
			const byOutput = fired(emitted);
			seen.push(...byOutput.flat());
			assert.deepEqual(byOutput.flat(), expected, `poll at +${(now - T0) / MINUTE} min`);
			if (expected.length === 0) {
				assert.equal(emitted, null, 'nothing due: no execution starts');
				continue;
			}
			// Each stage on its own output, and the execution n8n starts from the poll carries it there.
			const stage = expected[0].split('/')[1];
			assert.deepEqual(byOutput[STAGES.indexOf(stage as (typeof STAGES)[number])], expected);
			assert.deepEqual(fired(outputs['SLA Breach Trigger']), byOutput);
		}
		assert.deepEqual(seen, ['evt-1/reminder', 'evt-1/manager', 'evt-1/reassign', 'evt-1/lastAlert']);
		assert.deepEqual((await store.slaEscalations('default', 'evt-1')).map((e) => e.stage), ['reminder', 'manager', 'reassign', 'lastAlert']);
	});

	it('each item has the lead, the owner, the manager, how late in words and the three renderings', async () => {
		const { credentials, store } = await fresh();
		await startTimer(store, 'evt-1', T0);
		const reminder = (await pollAt(credentials, T0 + 30 * MINUTE)).emitted![0][0].json;
		assert.equal(reminder.stage, 'reminder');
		assert.equal(reminder.status, 'due 11:00, 30 min left, Ana Ruiz');
		assert.equal(reminder.late, undefined, 'on time: no lateness');
		assert.deepEqual([reminder.startedAt, reminder.stageDueAt, reminder.dueAt, reminder.firedAt], ['2026-03-10T09:00:00.000Z', '2026-03-10T09:30:00.000Z', '2026-03-10T10:00:00.000Z', '2026-03-10T09:30:00.000Z']);
		assert.deepEqual(reminder.owner, { id: '101', name: 'Ana Ruiz', email: 'ana@example.com', slackId: 'U0ANA' });
		assert.deepEqual(reminder.manager, { name: 'Mia Chen', email: 'mia@example.com', slackId: 'U0MIA', phone: '+15550100' }, 'from the Managers table: the routing names none');
		assert.equal((reminder.lead as IDataObject).email, 'evt-1@lead.example');
		const renderings = reminder.renderings as { slack: { text: string; blocks: unknown[] }; email: { subject: string; html: string; text: string }; sms: string };
		assert.match(renderings.slack.text, /^\[HOT\] Reminder: Dana Scully · Globex is waiting for a first contact/);
		assert.ok(JSON.stringify(renderings.slack.blocks).includes('<@U0ANA>'), 'the reminder mentions the owner');
		assert.match(renderings.email.subject, /Dana Scully/);
		assert.match(renderings.sms, /Reminder: Dana Scully/);

		const manager = (await pollAt(credentials, T0 + 72 * MINUTE)).emitted![1][0].json;
		assert.equal(manager.status, 'due 11:00, 12 min overdue, Ana Ruiz');
		assert.equal(manager.late, 'fired 12 min late');
		assert.ok(JSON.stringify((manager.renderings as { slack: unknown }).slack).includes('<@U0MIA>'), 'the manager alert mentions the manager');
	});

	it('the Reassignment stage gives the lead to the next rep of the team, passing over the late one, and says who', async () => {
		const { credentials, store } = await fresh();
		await startTimer(store, 'evt-1', T0);
		await pollAt(credentials, T0 + 60 * MINUTE);
		const item = (await pollAt(credentials, T0 + 120 * MINUTE)).emitted![2][0].json;
		assert.equal(item.stage, 'reassign');
		assert.equal(item.ownerId, '101', 'the item names the rep who let it lapse');
		assert.deepEqual(item.reassignedTo, { id: '102', name: 'Ben Okafor', email: 'ben@example.com', slackId: 'U0BEN' });
		assert.equal((item.reassignment as IDataObject).reassigned, true);
		assert.match(String((item.renderings as { slack: { text: string } }).slack.text), /Reassigned to Ben Okafor/);
		const timer = (await store.getSlaTimer<SlaTimer>('default', 'evt-1'))!.timer;
		assert.deepEqual([timer.ownerId, timer.status, timer.previousOwners], ['102', 'reassigned', ['101']]);

		// The new owner's window has the last alert; nothing of the first window fires again.
		assert.deepEqual(fired((await pollAt(credentials, T0 + 180 * MINUTE)).emitted), [[], [], [], ['evt-1/lastAlert']]);
	});

	it('with "Reassign at the Reassignment Stage" off the stage only tells, and the lead stays', async () => {
		const { credentials, store } = await fresh();
		await startTimer(store, 'evt-1', T0);
		const { emitted } = await pollAt(credentials, T0 + 120 * MINUTE, { parameters: { ...PARAMETERS, reassign: false } });
		const item = emitted![2][0].json;
		assert.equal(item.reassignedTo, undefined);
		assert.match(String((item.renderings as { slack: { text: string } }).slack.text), /To reassign: /);
		assert.equal((await store.getSlaTimer<SlaTimer>('default', 'evt-1'))!.timer.ownerId, '101');
		assert.equal((await pollAt(credentials, T0 + 10 * HOUR)).emitted, null, 'no last alert: the lead was never reassigned');
	});

	it('a timer without a routing to reassign through: the Reassignment stage says why, and the lead stays', async () => {
		const { credentials, store } = await fresh();
		await startTimer(store, 'evt-1', T0, {}, UNROUTED);
		const item = (await pollAt(credentials, T0 + 120 * MINUTE)).emitted![2][0].json;
		assert.equal(item.stage, 'reassign');
		assert.equal(item.reassignedTo, undefined);
		const note = item.reassignment as { reassigned: boolean; message: string };
		assert.equal(note.reassigned, false);
		assert.match(note.message, /without a routing with teams/);
		const timer = (await store.getSlaTimer<SlaTimer>('default', 'evt-1'))!.timer;
		assert.equal(timer.ownerId, '101');
		assert.deepEqual(timer.details.reassignment, { at: T0 + 120 * MINUTE, reassigned: false, message: note.message }, 'the reason is kept on the timer');
		assert.equal((await pollAt(credentials, T0 + 10 * HOUR)).emitted, null, 'the stage fired once');
	});

	it('the database drops during the reassignment: the lead is reassigned by the poll after the lease, and the stage emitted once', async () => {
		const { credentials, store } = await fresh();
		await startTimer(store, 'evt-1', T0);
		await pollAt(credentials, T0 + 60 * MINUTE);
		const real = store.reassignSlaTimer.bind(store);
		const drop = jest.spyOn(store, 'reassignSlaTimer').mockImplementationOnce(async () => {
			throw new StoreError('connection', 'Cannot connect to 127.0.0.1:5432: connection refused.');
		});
		try {
			assert.equal((await pollAt(credentials, T0 + 120 * MINUTE)).emitted, null, 'nothing to emit: the reassignment did not happen');
			assert.equal(drop.mock.calls.length, 1);
			assert.deepEqual((await store.slaEscalations('default', 'evt-1')).map((e) => e.stage), ['reminder', 'manager'], 'the stage has not fired');
			assert.equal((await store.getSlaTimer<SlaTimer>('default', 'evt-1'))!.timer.ownerId, '101');
			assert.equal((await pollAt(credentials, T0 + 120 * MINUTE + REASSIGN_LEASE_MS - 1)).emitted, null, 'still leased to the failed poll');
		} finally {
			drop.mockImplementation(real);
		}
		const back = await pollAt(credentials, T0 + 120 * MINUTE + REASSIGN_LEASE_MS);
		assert.deepEqual(fired(back.emitted), [[], [], ['evt-1/reassign'], []]);
		const item = back.emitted![2][0].json;
		assert.deepEqual(item.reassignedTo, { id: '102', name: 'Ben Okafor', email: 'ben@example.com', slackId: 'U0BEN' });
		assert.equal(item.lateByMinutes, 2, 'fired when the failed poll\'s lease ran out');
		const timer = (await store.getSlaTimer<SlaTimer>('default', 'evt-1'))!.timer;
		assert.deepEqual([timer.ownerId, timer.previousOwners, timer.reassignments], ['102', ['101'], 1]);
		assert.equal((await pollAt(credentials, T0 + 150 * MINUTE)).emitted, null);
		assert.deepEqual(fired((await pollAt(credentials, T0 + 180 * MINUTE + REASSIGN_LEASE_MS)).emitted), [[], [], [], ['evt-1/lastAlert']]);
		assert.deepEqual((await store.slaEscalations('default', 'evt-1')).map((e) => e.stage), ['reminder', 'manager', 'reassign', 'lastAlert']);
	});

	it('n8n dies between the claim and the reassignment: the next poll after the lease reassigns the lead once and emits it once', async () => {
		const { credentials, store } = await fresh();
		await startTimer(store, 'evt-1', T0);
		// The poll of a process killed right after its claim committed: the lead is still 101's.
		const [dead] = await store.claimDueSlaStages<SlaTimer>('default', T0 + 120 * MINUTE, pollStep, { hold: { stages: ['reassign'], leaseMs: REASSIGN_LEASE_MS } });
		assert.deepEqual([dead.due.map((d) => d.stage), dead.held?.stage.stage], [['reminder', 'manager'], 'reassign']);
		assert.equal((await pollAt(credentials, T0 + 121 * MINUTE)).emitted, null);
		const restarted = await pollAt(credentials, T0 + 125 * MINUTE);
		assert.deepEqual(fired(restarted.emitted), [[], [], ['evt-1/reassign'], []]);
		assert.equal((restarted.emitted![2][0].json.reassignment as IDataObject).reassigned, true);
		assert.equal((await store.getSlaTimer<SlaTimer>('default', 'evt-1'))!.timer.ownerId, '102');
		assert.equal((await pollAt(credentials, T0 + 126 * MINUTE)).emitted, null);
	});

	it('a reassignment that fails for good (not the database): the stage fires without it, the reason on the item and the timer, once', async () => {
		const { credentials, store } = await fresh();
		await startTimer(store, 'evt-1', T0);
		const broken = jest.spyOn(store, 'reassignSlaTimer').mockImplementationOnce(async () => {
			throw new TypeError('routing snapshot unreadable');
		});
		let item: IDataObject;
		try {
			item = (await pollAt(credentials, T0 + 120 * MINUTE)).emitted![2][0].json;
		} finally {
			broken.mockRestore();
		}
		assert.equal(item.stage, 'reassign');
		assert.deepEqual(item.reassignment, { reassigned: false, message: 'Not reassigned: routing snapshot unreadable' });
		const timer = (await store.getSlaTimer<SlaTimer>('default', 'evt-1'))!.timer;
		assert.equal(timer.ownerId, '101');
		assert.equal((timer.details.reassignment as IDataObject).message, 'Not reassigned: routing snapshot unreadable');
		assert.equal((await pollAt(credentials, T0 + 10 * HOUR)).emitted, null);
	});

	it('a stage due while n8n was down fires once on the next poll, saying how late', async () => {
		const { credentials, store } = await fresh();
		await startTimer(store, 'evt-1', T0);
		// Down from 10:05 to 15:00: the reminder (10:30), the manager (11:00) and the reassignment (12:00) all passed.
		assert.equal((await pollAt(credentials, T0 + 5 * MINUTE)).emitted, null);
		const back = await pollAt(credentials, T0 + 5 * HOUR);
		assert.deepEqual(fired(back.emitted), [['evt-1/reminder'], ['evt-1/manager'], ['evt-1/reassign'], []]);
		const [reminder, manager, reassign] = back.emitted!.map((output) => output[0]?.json);
		assert.equal(reminder.late, 'fired 4 h 30 min late');
		assert.equal(manager.late, 'fired 4 h late');
		assert.equal(reassign.late, 'fired 3 h late');
		assert.equal(reassign.lateByMinutes, 180);
		assert.equal(manager.status, 'due 11:00, 4 h overdue, Ana Ruiz');
		assert.match(String((manager.renderings as { sms: string }).sms), /fired 4 h late/);
		// Restarted again: nothing fires twice.
		assert.equal((await pollAt(credentials, T0 + 5 * HOUR + MINUTE)).emitted, null);
	});

	it('a timer started on Friday evening does not breach over the weekend or on a holiday', async () => {
		const { credentials, store } = await fresh();
		const friday = Date.parse('2026-03-13T16:30:00Z'); // Friday 17:30 in Berlin, half an hour before closing
		await startTimer(store, 'evt-fri', friday);
		const at = (iso: string) => Date.parse(iso);
		// The reminder falls at 30 business minutes: Friday 18:00. Then the clock stops until Tuesday (Monday is a holiday).
		assert.deepEqual(fired((await pollAt(credentials, at('2026-03-13T17:00:00Z'))).emitted), [['evt-fri/reminder'], [], [], []]);
		for (const quiet of ['2026-03-14T12:00:00Z', '2026-03-15T20:00:00Z', '2026-03-16T09:00:00Z', '2026-03-16T16:59:00Z', '2026-03-17T08:29:00Z']) {
			assert.equal((await pollAt(credentials, at(quiet))).emitted, null, `nothing at ${quiet}`);
		}
		// Tuesday 09:30 Berlin: the 30 minutes left are used up.
		const breach = await pollAt(credentials, at('2026-03-17T08:30:00Z'));
		assert.deepEqual(fired(breach.emitted), [[], ['evt-fri/manager'], [], []]);
		assert.equal(breach.emitted![1][0].json.status, 'due 09:30, due now, Ana Ruiz');
		assert.equal(breach.emitted![1][0].json.late, undefined, 'on time, however many days passed');
	});

	it('a manual run ("Fetch Test Event") shows a sample of every stage and claims nothing', async () => {
		const { credentials, store } = await fresh();
		await startTimer(store, 'evt-1', T0);
		const manual = await pollAt(credentials, T0 + 3 * HOUR, { manual: true });
		const samples = manual.emitted!.map((output) => output.map((item) => item.json));
		assert.deepEqual(samples.map((output) => output.map((json) => [json.stage, json.sample])), STAGES.map((stage) => [[stage, true]]));
		assert.equal(samples[0][0].leadKey, 'dana@globex.com', 'the sample lead, not a stored one');
		// The sample speaks of the node's own channel and manager, as the published trigger will.
		const own = await pollAt(credentials, T0 + 3 * HOUR, { manual: true, parameters: { channel: '#emea-hot', managers: MANAGERS } });
		const [managerAlert, lastAlert] = [own.emitted![1][0].json, own.emitted![3][0].json];
		assert.equal((managerAlert.manager as { email?: string }).email, 'mia@example.com');
		assert.equal(lastAlert.channel, '#emea-hot');
		assert.match(JSON.stringify(lastAlert.renderings), /#emea-hot/);
		assert.deepEqual(await store.slaEscalations('default', 'evt-1'), [], 'nothing was recorded as fired');
		// The published trigger still gets every stage that is due.
		assert.deepEqual(fired((await pollAt(credentials, T0 + 3 * HOUR)).emitted), [['evt-1/reminder'], ['evt-1/manager'], ['evt-1/reassign'], []]);
	});

	it('the Claim Limit leaves the rest for the next poll, the most overdue first', async () => {
		const { credentials, store } = await fresh();
		for (let i = 0; i < 5; i++) await startTimer(store, `evt-${i}`, T0 + i * MINUTE);
		const parameters = { ...PARAMETERS, options: { claimLimit: 2 } };
		const first = await pollAt(credentials, T0 + HOUR, { parameters });
		assert.deepEqual(fired(first.emitted)[0], ['evt-0/reminder', 'evt-1/reminder']);
		const second = await pollAt(credentials, T0 + HOUR + MINUTE, { parameters });
		assert.deepEqual(fired(second.emitted)[0], ['evt-2/reminder', 'evt-3/reminder']);
	});

	it('refuses a Managers row without any contact, naming the row', async () => {
		const { credentials } = await fresh();
		clock.now = () => T0;
		const result = await pollNode({ node: trigger, credentials, parameters: { managers: { manager: [{ team: 'emea', name: '' }] } } }).catch((error: Error) => error);
		assert.ok(result instanceof Error);
		assert.match(result.message, /Managers row 1/);
	});
});

describe('the escalation template (workflows/sla-escalation-slack-email-sms.json)', () => {
	const template = JSON.parse(readFileSync(path.join(__dirname, '../../workflows/sla-escalation-slack-email-sms.json'), 'utf8')) as {
		nodes: INode[];
		connections: Record<string, { main: Array<Array<{ node: string; index: number }>> }>;
	};
	const node = template.nodes.find((n) => n.type === 'n8n-nodes-lead-handoff.slaBreachTrigger')!;

	it('ships the trigger with its parameters as n8n saves them, polling every minute', () => {
		// n8n's loader adds Poll Times to every polling node: every minute unless set otherwise.
		const { commonPollingParameters } = jest.requireActual<{ commonPollingParameters: typeof trigger.description.properties }>('n8n-core/dist/nodes-loader/constants');
		const properties = [...commonPollingParameters, ...trigger.description.properties];
		assert.deepEqual(NodeHelpers.getNodeParameters(properties, node.parameters, false, false, node, trigger.description), node.parameters);
		const filled = NodeHelpers.getNodeParameters(properties, node.parameters, true, false, node, trigger.description)!;
		assert.deepEqual(filled.pollTimes, { item: [{ mode: 'everyMinute' }] });
		assert.equal(filled.reassign, true);
	});

	it('sends every stage somewhere: Reminder and Reassignment to a Slack DM, Manager Alert by email, Last Alert by SMS and to the channel', () => {
		const targets = template.connections[node.name].main.map((output) => output.map((c) => template.nodes.find((n) => n.name === c.node)!.type));
		assert.deepEqual(targets, [['n8n-nodes-base.slack'], ['n8n-nodes-base.emailSend'], ['n8n-nodes-base.slack'], ['n8n-nodes-base.twilio', 'n8n-nodes-base.slack']]);
		const sender = (output: number, index = 0) => template.nodes.find((n) => n.name === template.connections[node.name].main[output][index].node)!;
		assert.equal(sender(0).parameters.select, 'user');
		assert.match(JSON.stringify(sender(0).parameters.user), /\$json\.owner\.slackId/);
		assert.match(String(sender(1).parameters.toEmail), /\$json\.manager\.email/);
		assert.match(JSON.stringify(sender(2).parameters.user), /\$json\.reassignedTo/);
		assert.match(JSON.stringify(sender(3, 1).parameters.channelId), /\$json\.channel/);
	});

	it('every send that fails reaches the error path, which reports it', () => {
		const senders = template.nodes.filter((n) => /^n8n-nodes-base\.(slack|emailSend|twilio)$/.test(n.type));
		assert.equal(senders.length, 5);
		for (const sender of senders) {
			assert.equal(sender.onError, 'continueErrorOutput', sender.name);
			assert.deepEqual(template.connections[sender.name].main[1].map((c) => c.node), ['Failed'], sender.name);
			assert.equal(sender.credentials, undefined, `${sender.name}: the credential is the user's to pick`);
		}
		assert.deepEqual(template.connections.Failed.main[0].map((c) => template.nodes.find((n) => n.name === c.node)!.type), ['n8n-nodes-base.stopAndError']);
	});
});

/**
 * A poller in another process (a second n8n on the same store), loaded and waiting: `go()` starts
 * it and resolves with the "<hand-off>/<stage>" pairs it emitted.
 */
async function otherProcessPoller(credential: ICredentialDataDecryptedObject, now: number, mode: 'tell' | 'reassign' | 'die-before-reassign' = 'tell'): Promise<{ go(): Promise<string[]> }> {
	const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'sla-breach-poller.ts'), JSON.stringify(credential), String(now), mode], {
		cwd: path.resolve(__dirname, '../..'),
		stdio: ['pipe', 'pipe', 'pipe'],
	});
	let out = '';
	let err = '';
	child.stdout.on('data', (d) => (out += d));
	const done = new Promise<string[]>((resolve, reject) => {
		child.on('error', reject);
		child.on('exit', (code, signal) => (code === 0 ? resolve(JSON.parse(out) as string[]) : reject(new Error(`poller exited with ${code ?? signal}: ${err}`))));
	});
	await new Promise<void>((resolve, reject) => {
		child.stderr.on('data', (d) => {
			err += d;
			if (err.includes('ready\n')) resolve();
		});
		done.catch(reject);
	});
	return {
		go: () => {
			child.stdin.end('go\n');
			return done;
		},
	};
}

const postgres = postgresBackend();
describeOn(postgres)('SLA Breach Trigger (PostgreSQL): two pollers on one store', () => {
	afterAll(() => postgres.cleanup());

	it('never emit the same stage twice, and between them emit every stage that is due', async () => {
		const credentials = { leadHandoffStoreApi: credentialFor(await postgres.fresh()) };
		const store = await storeFor(credentials);
		const count = 300;
		for (let i = 0; i < count; i++) await startTimer(store, `evt-${String(i).padStart(3, '0')}`, T0 + (i % 30) * MINUTE);
		const emitted: string[] = [];
		const shares: Array<[number, number]> = [];
		// Three rounds, each a poll here and one in another process at the same moment, with claims small enough to interleave.
		for (const now of [T0 + 45 * MINUTE, T0 + 80 * MINUTE, T0 + 4 * HOUR]) {
			const parameters = { ...PARAMETERS, reassign: false, options: { claimLimit: 25 } };
			const here = async () => {
				const mine: string[] = [];
				for (;;) {
					const { emitted: out } = await pollAt(credentials, now, { parameters });
					if (!out) return mine;
					mine.push(...fired(out).flat());
				}
			};
			const other = await otherProcessPoller(credentials.leadHandoffStoreApi, now);
			const [b, a] = await Promise.all([other.go(), here()]);
			emitted.push(...a, ...b);
			shares.push([a.length, b.length]);
		}
		// Both took part, or this tested nothing about two pollers.
		assert.ok(shares.some(([a, b]) => a > 0 && b > 0), `each poller claimed some stages in a round: ${JSON.stringify(shares)}`);
		const unique = new Set(emitted);
		assert.equal(unique.size, emitted.length, `a stage was emitted twice: ${emitted.filter((e, i) => emitted.indexOf(e) !== i).slice(0, 5).join(', ')}`);
		assert.equal(unique.size, count * 3, 'reminder, manager and reassignment of every timer, each once');
		for (const stage of ['reminder', 'manager', 'reassign']) assert.equal(emitted.filter((e) => e.endsWith(`/${stage}`)).length, count);
	}, 180_000);

	it('a process killed between its claim and the reassignment: another process reassigns each lead once, after the lease, and emits it once', async () => {
		const credentials = { leadHandoffStoreApi: credentialFor(await postgres.fresh()) };
		const store = await storeFor(credentials);
		const keys = ['evt-1', 'evt-2', 'evt-3'];
		for (const key of keys) await startTimer(store, key, T0);
		// The first process claims at 12:00 and is killed (SIGKILL) as it starts reassigning.
		const killed = await otherProcessPoller(credentials.leadHandoffStoreApi, T0 + 120 * MINUTE, 'die-before-reassign');
		await assert.rejects(killed.go(), /poller exited with SIGKILL/);
		for (const key of keys) {
			assert.deepEqual((await store.slaEscalations('default', key)).map((e) => e.stage), ['reminder', 'manager'], `${key}: the claim committed, the Reassignment stage did not fire`);
			assert.equal((await store.getSlaTimer<SlaTimer>('default', key))!.timer.ownerId, '101');
		}
		assert.equal((await pollAt(credentials, T0 + 121 * MINUTE)).emitted, null, 'held for the killed poll until its lease runs out');
		// Another process, once the lease ran out, finishes every reassignment; this one then finds nothing.
		const other = await otherProcessPoller(credentials.leadHandoffStoreApi, T0 + 120 * MINUTE + REASSIGN_LEASE_MS, 'reassign');
		assert.deepEqual((await other.go()).sort(), keys.map((k) => `${k}/reassign`));
		assert.equal((await pollAt(credentials, T0 + 130 * MINUTE)).emitted, null);
		for (const key of keys) {
			const timer = (await store.getSlaTimer<SlaTimer>('default', key))!.timer;
			assert.deepEqual([timer.ownerId, timer.previousOwners, timer.reassignments], ['102', ['101'], 1], key);
			assert.deepEqual((await store.slaEscalations('default', key)).map((e) => e.stage), ['reminder', 'manager', 'reassign']);
		}
	}, 120_000);
});

/** A process of the property below died here: everything after it, in that process, never happens. */
class Died extends Error {}

type Fault = 'none' | 'dieAfterClaim' | 'dbDropInReassign' | 'dieAfterReassign' | 'stall';
interface Step {
	process: 0 | 1;
	/** Minutes since the previous step. */
	advance: number;
	fault: Fault;
	/** Lets the oldest stalled poll go on first. */
	release: boolean;
}

const PROPERTY_SETTINGS: TriggerSettings = { scope: 'default', managers: new Map(), reassign: true, claimLimit: 2 };
const PROPERTY_KEYS = ['evt-a', 'evt-b', 'evt-c'];

/**
 * Two n8n processes (two store connections, the second one's clock `skew` ahead) polling one store,
 * each poll possibly hit by a fault: the process dies right after its claim, or right after its
 * reassignment committed (before n8n got the item); the database drops inside the reassignment;
 * the poll stalls before reassigning, for as long as later steps take. Returns what reached n8n
 * and which poll committed each reassignment.
 */
async function crashScenario(stores: [HandoffStore, HandoffStore], steps: readonly Step[], skew: number) {
	for (const [i, key] of PROPERTY_KEYS.entries()) await startTimer(stores[0], key, T0 + i * MINUTE);
	const emitted: Array<{ poll: number; key: string }> = [];
	const committed = new Map<string, number[]>();
	/** Reassignments committed by a poll that died before n8n got its items. */
	const unemitted = new Set<string>();
	const stalls: Array<() => void> = [];
	const running: Array<Promise<void>> = [];
	/** Once set, no poll stalls any more (the end of the scenario). */
	let draining = false;
	let polls = 0;

	const poll = (process: 0 | 1, now: number, fault: Fault): Promise<void> => {
		const id = ++polls;
		let dead = false;
		let faulted = false;
		const real = stores[process];
		const store = new Proxy(real, {
			get(target, prop) {
				const value = Reflect.get(target, prop, target) as unknown;
				if (typeof value !== 'function') return value;
				const call = (...args: unknown[]) => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
				return async (...args: unknown[]) => {
					if (dead) throw new Died('the process is gone');
					if (prop === 'claimDueSlaStages') {
						const claims = await call(...args);
						if (fault === 'dieAfterClaim') dead = true;
						return claims;
					}
					if (prop !== 'reassignSlaTimer') return call(...args);
					const input = args[0] as { handoffKey: string; held?: unknown };
					const hit = input.held !== undefined && !faulted && fault !== 'none' && fault !== 'dieAfterClaim';
					if (hit) faulted = true;
					if (hit && fault === 'stall' && !draining) await new Promise<void>((resolve) => stalls.push(resolve));
					if (hit && fault === 'dbDropInReassign') {
						return call(input, () => {
							throw new StoreError('connection', 'The connection to the database was lost.');
						});
					}
					const outcome = (await call(...args)) as { status: string };
					if (input.held !== undefined && (outcome.status === 'reassigned' || outcome.status === 'unchanged')) {
						committed.set(input.handoffKey, [...(committed.get(input.handoffKey) ?? []), id]);
						if (hit && fault === 'dieAfterReassign') {
							dead = true;
							unemitted.add(input.handoffKey);
							throw new Died('killed after the commit');
						}
					}
					return outcome;
				};
			},
		});
		return pollEscalations(store, PROPERTY_SETTINGS, now).then(
			(outputs) => {
				if (dead) return; // nothing a dead process built reaches n8n
				for (const output of outputs ?? []) for (const item of output) emitted.push({ poll: id, key: `${String(item.json.handoffKey)}/${String(item.json.stage)}` });
			},
			(error: unknown) => {
				if (!dead && !(error instanceof StoreError)) throw error;
			},
		);
	};

	let t = T0 + 115 * MINUTE;
	for (const step of steps) {
		t += step.advance * MINUTE;
		if (step.release) stalls.shift()?.();
		const done = poll(step.process, t + (step.process === 1 ? skew : 0), step.fault);
		if (step.fault === 'stall') running.push(done);
		else await done;
	}
	// Every stalled poll goes on; then the processes, restarted and healthy, poll until the day is done.
	draining = true;
	while (stalls.length) stalls.shift()!();
	await Promise.all(running);
	for (const later of [6 * HOUR, 48 * HOUR]) await poll(0, T0 + later, 'none');
	return { emitted, committed, unemitted };
}

const stepArb: fc.Arbitrary<Step> = fc.record({
	process: fc.constantFrom<0 | 1>(0, 1),
	advance: fc.constantFrom(0, 1, 2, 3, 10),
	fault: fc.constantFrom<Fault>('none', 'none', 'dieAfterClaim', 'dbDropInReassign', 'dieAfterReassign', 'stall'),
	release: fc.boolean(),
});

/** The property, on one backend: `fresh` gives a new store's config each run. */
async function checkCrashes(fresh: () => Promise<StoreConfig>, numRuns: number): Promise<void> {
	await fc.assert(
		fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 8 }), fc.constantFrom(0, 5 * MINUTE), async (steps, skew) => {
			const config = await fresh();
			const stores: [HandoffStore, HandoffStore] = [await createStore(config), await createStore(config)];
			try {
				const { emitted, committed, unemitted } = await crashScenario(stores, steps, skew);
				const keys = emitted.map((e) => e.key);
				assert.equal(new Set(keys).size, keys.length, `a stage was emitted twice: ${keys.join(', ')}`);
				for (const handoffKey of PROPERTY_KEYS) {
					const stages = (await stores[0].slaEscalations('default', handoffKey)).map((e) => e.stage);
					assert.equal(stages.filter((s) => s === 'reassign').length, 1, `${handoffKey}: the Reassignment stage fired once`);
					// Reassigned exactly once, the reason on the timer; the turn went to the other rep.
					const timer = (await stores[0].getSlaTimer<SlaTimer>('default', handoffKey))!.timer;
					assert.deepEqual([timer.ownerId, timer.previousOwners, timer.reassignments], ['102', ['101'], 1], handoffKey);
					assert.equal((timer.details.reassignment as IDataObject).reassigned, true);
					assert.deepEqual(committed.get(handoffKey)?.length, 1, `${handoffKey}: one poll committed the reassignment`);
					// Emitted once, by the poll that committed it; never, only when that process died before n8n had the item.
					const items = emitted.filter((e) => e.key === `${handoffKey}/reassign`);
					if (unemitted.has(handoffKey)) assert.deepEqual(items, []);
					else assert.deepEqual(items.map((e) => e.poll), committed.get(handoffKey));
				}
			} finally {
				await Promise.all(stores.map((s) => s.close()));
			}
		}),
		{ numRuns },
	);
}

describe('SLA Breach Trigger: whatever process dies when, every fired Reassignment stage reassigns the lead once (fast-check)', () => {
	const backend = embeddedBackend();
	afterAll(() => backend.cleanup());
	it('on the embedded store', () => checkCrashes(() => backend.fresh(), 40), 120_000);
});

describeOn(postgres)('SLA Breach Trigger on PostgreSQL: whatever process dies when, every fired Reassignment stage reassigns the lead once (fast-check)', () => {
	afterAll(() => postgres.cleanup());
	it('two connections polling one schema', () => checkCrashes(() => postgres.fresh(), 15), 180_000);
});
