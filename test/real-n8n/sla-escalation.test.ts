/**
 * SLA escalation in a real n8n, installed from the packed tarball, with Slack, email and Twilio
 * answered on loopback. Three published workflows share one store:
 * - the hand-off template (workflows/lead-handoff-webhook-to-slack.json), its Hot tier given a
 *   short clock-time SLA (0.01 h, 36 s), so Tier Router starts a timer per assigned lead;
 * - a CRM webhook into SLA Timer's Mark Contacted, the first touch of the second lead;
 * - the escalation template (workflows/sla-escalation-slack-email-sms.json), its SLA Breach
 *   Trigger on n8n's own poll times (every minute: n8n refuses shorter polls, "The polling
 *   interval is too short. It has to be at least a minute.").
 * With the default ladder (50 %, 100 %, 200 %, and 100 % into the new owner's window) the first
 * lead's reminder, manager alert, reassignment and last alert fall over three or four polls
 * (two to four minutes): each fires once, on its output, into the right channel. The contacted
 * lead fires nothing.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { DEFAULT_TIERS } from '../../nodes/engine/routing';
import { tiersToEditorRows } from '../../nodes/TierRouter/editorRules';
import { RealN8n, type Execution } from '../helpers/real-n8n';
import { MOCK_IDS } from '../helpers/saas-mocks';

const HANDOFF_TEMPLATE = join(__dirname, '../../workflows/lead-handoff-webhook-to-slack.json');
const ESCALATION_TEMPLATE = join(__dirname, '../../workflows/sla-escalation-slack-email-sms.json');
const HEADER = { 'x-lead-handoff-key': 'sla-test-secret' };
const MINUTE = 60_000;

type Json = Record<string, unknown>;
type Node = { name: string; type: string; parameters: Json; credentials?: Json };

const CREDENTIALS = {
	leadHandoffStoreApi: { id: 'leadHandoffStore1', name: 'Lead Handoff Store' },
	slackApi: { id: 'LhSlaSlack000001', name: 'Slack (mock)' },
	smtp: { id: 'LhSlaSmtp0000001', name: 'SMTP (mock)' },
	twilioApi: { id: 'LhSlaTwilio00001', name: 'Twilio (mock)' },
	httpHeaderAuth: { id: 'LhSlaWebhookKey1', name: 'Lead webhook key' },
};

/** The hand-off template with the test's credentials, and a Hot SLA of 36 clock seconds. */
function handoffWorkflow(): Json {
	const workflow = JSON.parse(readFileSync(HANDOFF_TEMPLATE, 'utf8')) as { nodes: Node[] };
	for (const node of workflow.nodes) {
		if (node.type === 'n8n-nodes-base.slack') node.credentials = { slackApi: CREDENTIALS.slackApi };
		if (node.type === 'n8n-nodes-base.webhook') node.credentials = { httpHeaderAuth: CREDENTIALS.httpHeaderAuth };
		if (node.type === 'n8n-nodes-lead-handoff.tierRouter') {
			const rows = tiersToEditorRows(DEFAULT_TIERS).map((row) => (row.name === 'Hot' ? { ...row, sla: 'calendar', slaHours: 0.01 } : row));
			node.parameters = { ...node.parameters, tiers: { tier: rows } };
		}
	}
	return { ...workflow, id: 'LhSlaHandoff0001' };
}

/** A CRM's "call logged" webhook: the lead's first touch stops its timer. */
const CONTACT_WORKFLOW = {
	id: 'LhSlaContact0001',
	name: 'CRM call logged -> SLA Timer',
	active: false,
	settings: { executionOrder: 'v1' },
	nodes: [
		{
			id: 'c0a1c0a1-0000-4000-8000-000000000001',
			name: 'Call Logged',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 0],
			webhookId: 'c0a1c0a1-0000-4000-8000-0000000000aa',
			parameters: { httpMethod: 'POST', path: 'crm/call-logged', responseMode: 'lastNode', options: {} },
		},
		{
			id: 'c0a1c0a1-0000-4000-8000-000000000002',
			name: 'SLA Timer',
			type: 'n8n-nodes-lead-handoff.slaTimer',
			typeVersion: 1,
			position: [220, 0],
			parameters: { leadKey: '={{ $json.body.email }}', contactedAt: '={{ $json.body.calledAt }}' },
			credentials: { leadHandoffStoreApi: CREDENTIALS.leadHandoffStoreApi },
		},
	],
	connections: { 'Call Logged': { main: [[{ node: 'SLA Timer', type: 'main', index: 0 }]] } },
	pinData: {},
};

/** The escalation template with the test's credentials. */
function escalationWorkflow(): Json {
	const workflow = JSON.parse(readFileSync(ESCALATION_TEMPLATE, 'utf8')) as { nodes: Node[] };
	for (const node of workflow.nodes) {
		if (node.type === 'n8n-nodes-base.slack') node.credentials = { slackApi: CREDENTIALS.slackApi };
		if (node.type === 'n8n-nodes-base.emailSend') node.credentials = { smtp: CREDENTIALS.smtp };
		if (node.type === 'n8n-nodes-base.twilio') node.credentials = { twilioApi: CREDENTIALS.twilioApi };
	}
	return { ...workflow, id: 'LhSlaEscalation1' };
}

const STAGES = ['reminder', 'manager', 'reassign', 'lastAlert'];

describe('SLA escalation in a real n8n', () => {
	let n8n: RealN8n;
	let escalationId: string;
	let runs: Execution[];
	let handoffAnswer: { leads: Array<{ lead: string; owner?: string | null; decision?: string }> };
	let contactAnswer: Json;
	const now = Date.now();
	const leads = [
		{ email: 'sam@smallco.io', firstName: 'Sam', lastName: 'Lee', company: 'SmallCo', jobTitle: 'Analyst', activities: [{ id: 'sam-1', type: 'demo_request', timestamp: new Date(now - 5 * MINUTE).toISOString() }] },
		{ email: 'pat@contacted.io', firstName: 'Pat', lastName: 'Kim', jobTitle: 'Analyst', activities: [{ id: 'pat-1', type: 'demo_request', timestamp: new Date(now - 5 * MINUTE).toISOString() }] },
	];

	/** Every stage the trigger emitted, as "<lead>/<stage>", over all its executions. */
	const emitted = () => runs.flatMap((run) => run.outputs('SLA Breach Trigger').flatMap((items, output) => items.map((json) => `${String(json.leadKey)}/${STAGES[output]}/${String(json.stage)}`)));

	beforeAll(async () => {
		n8n = await RealN8n.create({ mocks: true });
		const mocks = n8n.mocks!;
		await n8n.importCredentials([
			{ ...CREDENTIALS.leadHandoffStoreApi, type: 'leadHandoffStoreApi', data: { backend: 'embedded', folder: '' } },
			{ ...CREDENTIALS.slackApi, type: 'slackApi', data: { accessToken: 'xoxb-mock-slack' } },
			{ ...CREDENTIALS.smtp, type: 'smtp', data: mocks.smtpCredential() },
			{ ...CREDENTIALS.twilioApi, type: 'twilioApi', data: { authType: 'authToken', accountSid: MOCK_IDS.twilioAccountSid, authToken: 'mock-twilio-token' } },
			{ ...CREDENTIALS.httpHeaderAuth, type: 'httpHeaderAuth', data: { name: 'X-Lead-Handoff-Key', value: 'sla-test-secret' } },
		]);
		const [handoffId, contactId, escalation] = await n8n.importWorkflows([handoffWorkflow(), CONTACT_WORKFLOW, escalationWorkflow()]);
		escalationId = escalation;
		await n8n.start();
		await n8n.activate(handoffId);
		await n8n.activate(contactId);

		// Two hot leads, each assigned and timed by Tier Router.
		const handoff = await n8n.callWebhook('lead-handoff/leads', { leads }, { headers: HEADER });
		assert.equal(handoff.status, 200, JSON.stringify(handoff.body));
		handoffAnswer = handoff.body as typeof handoffAnswer;
		// The second lead is called back at once: the CRM's webhook marks it contacted.
		const contact = await n8n.callWebhook('crm/call-logged', { email: 'pat@contacted.io', calledAt: new Date().toISOString() });
		assert.equal(contact.status, 200, JSON.stringify(contact.body));
		contactAnswer = contact.body as Json;

		// Published, the trigger polls at once, then every minute.
		await n8n.activate(escalationId);
		const deadline = Date.now() + 6 * MINUTE;
		for (;;) {
			runs = (await n8n.executions(escalationId, 50)).filter((e) => !['new', 'running', 'waiting'].includes(e.status));
			if (emitted().some((e) => e.endsWith('/lastAlert/lastAlert'))) break;
			if (Date.now() > deadline) throw new Error(`the last alert did not fire within 6 minutes; emitted: ${emitted().join(', ') || 'nothing'}`);
			await new Promise((resolve) => setTimeout(resolve, 3000));
		}
		await n8n.deactivate(escalationId);
		runs = (await n8n.executions(escalationId, 50)).filter((e) => !['new', 'running', 'waiting'].includes(e.status)).reverse();
		const started = (run: Execution) => String((run.raw as { startedAt?: string }).startedAt ?? '?');
		console.log(`Polls that emitted (oldest first):\n${runs.map((run) => `  ${started(run)}  ${run.outputs('SLA Breach Trigger').flatMap((items, output) => items.map((json) => `${String(json.leadKey)} ${STAGES[output]}${json.late ? ` (${String(json.late)})` : ''}`)).join(', ')}`).join('\n')}`);
	});

	afterAll(async () => {
		await n8n?.dispose();
	});

	it('Tier Router assigned both leads and started their timers; the CRM webhook stopped the second', () => {
		const owners = Object.fromEntries(handoffAnswer.leads.map((l) => [l.lead, l.owner]));
		assert.deepEqual(owners, { 'sam@smallco.io': 'Ana Ruiz', 'pat@contacted.io': 'Ben Okafor' }, JSON.stringify(handoffAnswer));
		const timer = contactAnswer.slaTimer as Json;
		assert.ok(timer, JSON.stringify(contactAnswer));
		assert.deepEqual([timer.changed, timer.outcome, timer.status, timer.running], [true, 'contacted', 'contacted', false], JSON.stringify(timer));
	});

	it('the first lead fired the reminder, the manager alert, the reassignment and the last alert once each, each on its own output', () => {
		for (const run of runs) assert.equal(run.status, 'success', run.error?.message);
		const sam = emitted().filter((e) => e.startsWith('sam@smallco.io/'));
		assert.deepEqual(
			[...sam].sort(),
			['sam@smallco.io/lastAlert/lastAlert', 'sam@smallco.io/manager/manager', 'sam@smallco.io/reassign/reassign', 'sam@smallco.io/reminder/reminder'],
			`emitted: ${emitted().join(', ')}`,
		);
		assert.ok(runs.length >= 2, 'the stages fell over several polls');
	});

	it('the contacted lead fired nothing', () => {
		assert.deepEqual(emitted().filter((e) => e.startsWith('pat@contacted.io/')), []);
	});

	it('the reassignment went to the next rep of the team, passing over the late one', () => {
		const item = runs.flatMap((run) => run.outputs('SLA Breach Trigger')[2]).find((json) => json.leadKey === 'sam@smallco.io')!;
		assert.equal(item.ownerId, '101');
		assert.deepEqual([(item.reassignedTo as Json)?.id, (item.reassignedTo as Json)?.name], ['102', 'Ben Okafor']);
		assert.match(String(item.status), /^due \d\d:\d\d, .+, Ana Ruiz$/);
	});

	it('Slack told the owner, the new owner and the channel; email the manager; SMS the on-call rep: each once', async () => {
		const mocks = n8n.mocks!;
		const posts = mocks.requests('slack.com', { path: '/api/chat.postMessage' }).map((r) => r.body as Json);
		const to = (channel: string) => posts.filter((p) => p.channel === channel).map((p) => String(p.text));
		// The hand-off template's own posts go to C0SALES; the escalations to a DM or the team channel.
		const reminder = to('U0ANA');
		assert.equal(reminder.length, 1, JSON.stringify(posts.map((p) => [p.channel, p.text])));
		assert.match(reminder[0], /^\[HOT\] Reminder: Sam Lee · SmallCo is waiting for a first contact/);
		const reassigned = to('U0BEN');
		assert.equal(reassigned.length, 1);
		assert.match(reassigned[0], /^\[HOT\] Reassigned to Ben Okafor: Sam Lee · SmallCo/);
		const channel = to('#sales-leads');
		assert.equal(channel.length, 1);
		assert.match(channel[0], /^\[HOT\] Still waiting after reassignment: Sam Lee · SmallCo/);
		assert.ok(!posts.some((p) => String(p.text).includes('Pat Kim')), 'nothing about the contacted lead');

		await new Promise((resolve) => setTimeout(resolve, 500));
		const emails = mocks.emails.filter((e) => e.subject.includes('SLA missed'));
		assert.equal(emails.length, 1, JSON.stringify(mocks.emails.map((e) => e.subject)));
		assert.deepEqual(emails[0].to, ['sales-manager@your-company.example']);
		assert.match(emails[0].subject, /^\[HOT\] SLA missed: Sam Lee · SmallCo — due \d\d:\d\d, .+ overdue, Ana Ruiz$/);

		const sms = mocks.requests('api.twilio.com').map((r) => r.body as Json);
		assert.equal(sms.length, 1);
		assert.equal(sms[0].To, '+15550001111');
		assert.match(String(sms[0].Body), /Still waiting after reassignment: Sam Lee/);
	});
});
