/**
 * The template workflow workflows/lead-handoff-webhook-to-slack.json in a real n8n, installed from
 * the packed tarball: published, called on its production webhook with sample leads, it runs
 * Webhook -> Lead Score -> Handoff Gate -> Tier Router -> Slack (a local mock). Every lead leaves
 * on the expected output; those handed off have an owner and a due time, and their owner is told
 * on Slack with lead data escaped. The webhook needs its header, and answers with each lead's
 * decision; a bad lead goes to the error branch and is listed with its error while the others
 * carry on. A second delivery of the same leads hands nothing off again.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { RealN8n, type Execution } from '../helpers/real-n8n';

const TEMPLATE = join(__dirname, '../../workflows/lead-handoff-webhook-to-slack.json');
const HOUR = 3_600_000;

type Json = Record<string, unknown>;
type Routing = { tier: string; ownerId: string | null; owner: { name: string; slackId: string } | null; dueAt: string | null; sla: string | null };

describe('Lead hand-off template in a real n8n', () => {
	let n8n: RealN8n;
	let workflowId: string;
	let run: Execution;
	const now = Date.now();
	const ago = (hours: number) => new Date(now - hours * HOUR).toISOString();
	const leads = [
		{ email: 'sam@smallco.io', jobTitle: 'Analyst', activities: [{ id: 'sam-1', type: 'demo_request', timestamp: ago(1) }] },
		{
			email: 'dana@globex.com',
			jobTitle: 'VP of Marketing',
			industry: 'Software',
			companySize: 200,
			activities: [
				{ id: 'dana-1', type: 'page_view', timestamp: ago(2), url: 'https://example.com/pricing' },
				{ id: 'dana-2', type: 'webinar_attended', timestamp: ago(20 * 24) },
			],
		},
		{ email: 'lee@initech.com', jobTitle: 'Engineer', activities: [{ id: 'lee-1', type: 'email_open', timestamp: ago(5) }] },
		{ email: 'kim@gmail.com', jobTitle: 'Marketing Student', activities: [{ id: 'kim-1', type: 'page_view', timestamp: ago(3), url: '/pricing' }] },
		// A bad lead: its activity has no usable time. It must not stop the others.
		{ email: 'broken@acme.io', jobTitle: 'CTO', activities: [{ id: 'broken-1', type: 'demo_request', timestamp: 'last tuesday' }] },
		// Slack markup in lead data must reach Slack as text.
		{ email: 'max<!channel>*vip*@markup.io', jobTitle: 'Head of Sales', activities: [{ id: 'max-1', type: 'demo_request', timestamp: ago(1) }] },
	];
	const MARKUP = 'max<!channel>*vip*@markup.io';
	const HEADER = { 'x-lead-handoff-key': 'template-test-secret' };
	type Answer = { received: number; decided: number; failed: number; leads: Array<{ lead: string | null; status: string; decision?: string; tier?: string | null; owner?: string | null; due?: string | null; reasons?: string[]; error?: string; deliveryErrors?: unknown[] }> };
	let answer: Answer;

	beforeAll(async () => {
		n8n = await RealN8n.create({ mocks: true });
		await n8n.importCredentials([
			{ id: 'leadHandoffStore1', name: 'Lead Handoff Store', type: 'leadHandoffStoreApi', data: { backend: 'embedded', folder: '' } },
			{ id: 'LhSlackTemplate1', name: 'Slack', type: 'slackApi', data: { accessToken: 'xoxb-mock-slack' } },
			{ id: 'LhWebhookKey0001', name: 'Lead webhook key', type: 'httpHeaderAuth', data: { name: 'X-Lead-Handoff-Key', value: 'template-test-secret' } },
		]);
		// The template leaves the Slack and webhook credentials to the user; here they are the test's.
		const template = JSON.parse(readFileSync(TEMPLATE, 'utf8')) as { nodes: Array<Record<string, unknown>> };
		for (const node of template.nodes) {
			if (node.type === 'n8n-nodes-base.slack') node.credentials = { slackApi: { id: 'LhSlackTemplate1', name: 'Slack' } };
			if (node.type === 'n8n-nodes-base.webhook') node.credentials = { httpHeaderAuth: { id: 'LhWebhookKey0001', name: 'Lead webhook key' } };
		}
		workflowId = await n8n.importWorkflow(template);
		await n8n.start();
		await n8n.activate(workflowId);
		const res = await n8n.callWebhook('lead-handoff/leads', { leads }, { headers: HEADER });
		assert.equal(res.status, 200, JSON.stringify(res.body));
		answer = res.body as Answer;
		run = await n8n.waitForExecution(workflowId, { timeoutMs: 60_000 });
		assert.equal(run.status, 'success', run.error?.message);
	});

	afterAll(async () => {
		await n8n?.dispose();
	});

	it('the webhook refuses a call without its header, and starts nothing', async () => {
		const res = await n8n.callWebhook('lead-handoff/leads', { leads: [leads[0]] });
		assert.equal(res.status, 403);
		const wrong = await n8n.callWebhook('lead-handoff/leads', { leads: [leads[0]] }, { headers: { 'x-lead-handoff-key': 'guess' } });
		assert.equal(wrong.status, 403);
		assert.equal((await n8n.executions(workflowId)).length, 1);
	});

	it('the webhook answers with each lead\'s decision, and the bad lead with its error', () => {
		assert.deepEqual([answer.received, answer.decided, answer.failed], [6, 5, 1], JSON.stringify(answer));
		const byLead = new Map(answer.leads.map((l) => [l.lead, l]));
		assert.deepEqual([...byLead.keys()].sort(), [...leads.map((l) => l.email)].sort());
		const sam = byLead.get('sam@smallco.io')!;
		assert.deepEqual([sam.status, sam.decision, sam.tier, sam.owner], ['ok', 'handedOff', 'Hot', 'Ana Ruiz']);
		assert.match(sam.due ?? '', /\(.+\)$/, 'the due time says its zone');
		assert.deepEqual(sam.reasons, ['Requested a demo (1 hour ago)']);
		assert.deepEqual([byLead.get('lee@initech.com')?.decision, byLead.get('kim@gmail.com')?.decision], ['notYet', 'disqualified']);
		const broken = byLead.get('broken@acme.io')!;
		assert.equal(broken.status, 'error');
		assert.match(broken.error ?? '', /timestamp|time/i);
	});

	it('every lead leaves the gate on the expected output, with its reasons in words', () => {
		const [handOff, notYet, disqualified] = run.outputs('Handoff Gate');
		assert.deepEqual(handOff.map((l) => l.email), ['sam@smallco.io', 'dana@globex.com', MARKUP]);
		assert.deepEqual(notYet.map((l) => l.email), ['lee@initech.com']);
		assert.deepEqual(disqualified.map((l) => l.email), ['kim@gmail.com']);
		for (const lead of [...handOff, ...notYet, ...disqualified]) assert.ok(((lead.handoff as Json).reasons as string[]).length > 0, `${lead.email} says why`);
		assert.deepEqual((handOff[0].handoff as Json).reasons, ['Requested a demo (1 hour ago)']);
	});

	it('the router sends them to Hot and Warm, each with an owner by round-robin and a due time', () => {
		const [hot, warm, mql, nurture] = run.outputs('Tier Router');
		assert.deepEqual([hot, warm, mql, nurture].map((o) => o.map((l) => l.email)), [['sam@smallco.io', MARKUP], ['dana@globex.com'], [], []]);
		const [a, b] = [hot[0].routing as Routing, warm[0].routing as Routing];
		assert.deepEqual([a.ownerId, a.owner?.name, b.ownerId, b.owner?.name], ['101', 'Ana Ruiz', '102', 'Ben Okafor']);
		assert.equal(a.sla, '1 business hour');
		assert.ok(Date.parse(a.dueAt!) > now && Date.parse(a.dueAt!) <= now + 4 * 24 * HOUR, `hot due ${a.dueAt}`);
		assert.equal(Date.parse(b.dueAt!) - Date.parse((warm[0].score as Json).asOf as string), 24 * HOUR, 'warm: 24 clock hours');
	});

	it('each owner is told on Slack, with the reasons and the due time with its zone; the bad lead did not stop them', () => {
		const posts = n8n.mocks!.requests('slack.com', { path: '/api/chat.postMessage' }).map((r) => String((r.body as Json).text));
		assert.equal(posts.length, 3);
		const [sam, max, dana] = [posts.find((p) => p.includes('sam@')), posts.find((p) => p.includes('markup.io')), posts.find((p) => p.includes('dana@'))];
		assert.match(sam ?? '', /^:fire: Hot lead `sam@smallco\.io` for <@U0ANA> \(Ana Ruiz\), due \w{3} \d+ \w{3} \d{4} \d\d:\d\d \(.+\)\nRequested a demo \(1 hour ago\)$/);
		assert.match(dana ?? '', /^Warm lead `dana@globex\.com` for <@U0BEN> \(Ben Okafor\), due .+ \(.+\)\nScore \d+(\.\d+)? ≥ 60 and visited the pricing page \(2 hours ago\)$/);
		// Escaped, and in a code span where Slack applies no bold: no @channel, no formatting.
		assert.match(max ?? '', /^:fire: Hot lead `max&lt;!channel&gt;\*vip\*@markup\.io` for <@U0ANA> \(Ana Ruiz\), due /);
		assert.ok(!(max ?? '').includes('<!channel>'));
	});

	it('the same leads delivered again are handed off to nobody a second time', async () => {
		const res = await n8n.callWebhook('lead-handoff/leads', { leads }, { headers: HEADER });
		assert.equal(res.status, 200);
		const again = res.body as Answer;
		assert.deepEqual(again.leads.filter((l) => l.decision === 'alreadyHandedOff').map((l) => l.lead).sort(), ['dana@globex.com', MARKUP, 'sam@smallco.io']);
		const second = await n8n.waitForExecution(workflowId, { count: 2, timeoutMs: 60_000 });
		const [handOff, notYet, , alreadyHandedOff] = second.outputs('Handoff Gate');
		assert.equal(handOff.length, 0);
		assert.deepEqual(notYet.map((l) => l.email), ['lee@initech.com'], 'nurture gets no lead sales has');
		assert.deepEqual(alreadyHandedOff.map((l) => l.email).sort(), ['dana@globex.com', MARKUP, 'sam@smallco.io']);
		assert.equal(n8n.mocks!.requests('slack.com', { path: '/api/chat.postMessage' }).length, 3, 'no second Slack message');
	});

	it('a Slack post that fails is listed on its lead, not as a lead of its own', async () => {
		// Slack refuses the next post (the owner's DM channel is gone): the Slack node's error output
		// carries only the error, and the answer finds its lead by the item's lineage.
		n8n.mocks!.override({ host: 'slack.com', path: '/api/chat.postMessage' }, { status: 200, json: { ok: false, error: 'channel_not_found' } }, 1);
		const fresh = { ...leads[0], email: 'pat@newco.io', activities: leads[0].activities };
		const res = await n8n.callWebhook('lead-handoff/leads', { leads: [fresh] }, { headers: HEADER });
		assert.equal(res.status, 200);
		const reply = res.body as Answer;
		assert.deepEqual([reply.received, reply.decided, reply.failed], [1, 1, 0], JSON.stringify(reply));
		const [pat] = reply.leads;
		assert.equal(pat.lead, 'pat@newco.io');
		assert.equal(pat.decision, 'handedOff');
		assert.equal(pat.deliveryErrors?.length, 1, JSON.stringify(pat));
		assert.match(String(pat.deliveryErrors?.[0]), /channel_not_found|channel/i);
	});
});
