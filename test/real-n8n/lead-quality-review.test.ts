/**
 * The monthly lead-quality review template (workflows/monthly-lead-quality-review.json) in a real
 * n8n, installed from the packed tarball, with Slack and email answered on loopback. A seeding
 * workflow run with `n8n execute` fills the store through the package's own nodes, as the
 * hand-off and feedback workflows do: last month's leads scored, handed off and routed (Lead
 * Score with Score As Of, Handoff Gate, Tier Router), then their outcomes recorded (Lead
 * Feedback). The review is then run once with `n8n execute` from its Run Now trigger. The test
 * reads the email the SMTP server received (the report's figures in HTML, three PNG charts
 * attached) and what Slack received (the summary line, three chart uploads).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { DateTime } from 'luxon';

import { RealN8n, type Execution } from '../helpers/real-n8n';
import type { ReceivedEmail, RecordedRequest } from '../helpers/saas-mocks';

const TEMPLATE = join(__dirname, '../../workflows/monthly-lead-quality-review.json');
const STORE = { leadHandoffStoreApi: { id: 'leadHandoffStore1', name: 'Lead Handoff Store' } };
const CREDENTIALS = {
	slackApi: { id: 'LhReviewSlack001', name: 'Slack (mock)' },
	smtp: { id: 'LhReviewSmtp0001', name: 'SMTP (mock)' },
};
const CHARTS = ['conversionByScoreBand', 'speedToContactByRep', 'funnel'];

type Json = Record<string, unknown>;
type Node = { name: string; type: string; parameters: Json; credentials?: Json };

/** Last month in UTC (the instance's time zone): twelve hand-offs on its days 3 to 14, at 10:00. */
const lastMonth = DateTime.utc().startOf('month').minus({ months: 1 });
const OUTCOMES = ['won', 'won', 'won', 'contacted', 'contacted', 'contacted', 'rejected', 'rejected', 'accepted', null, null, null] as const;
const LEADS = OUTCOMES.map((outcome, i) => {
	const at = lastMonth.plus({ days: 2 + i, hours: 10 });
	return {
		email: `lead${i + 1}@review-${i % 3}.example`,
		firstName: `Lead${i + 1}`,
		lastName: 'Review',
		company: `Company ${i + 1}`,
		jobTitle: 'VP Sales',
		industry: 'Software',
		companySize: 200,
		at: at.toISO(),
		outcome,
		outcomeAt: at.plus({ minutes: 20 + 15 * i }).toISO(),
		amount: outcome === 'won' ? 10000 + 1000 * i : '',
		reason: outcome === 'rejected' ? 'not qualified' : '',
		activities: [
			{ id: `review-${i}-1`, type: 'page_view', timestamp: at.minus({ hours: 3 }).toISO(), url: 'https://example.com/pricing', source: i % 2 ? 'google' : 'linkedin', campaign: 'q4-demo' },
			{ id: `review-${i}-2`, type: 'content_download', timestamp: at.minus({ hours: 2 }).toISO(), asset: 'Case study' },
			{ id: `review-${i}-3`, type: 'demo_request', timestamp: at.minus({ minutes: 1 }).toISO() },
		],
	};
});

/** Leads -> Lead Score (as of the hand-off time) -> Handoff Gate -> Tier Router -> Record Outcome for those that have one. */
const SEED = {
	id: 'LhReviewSeed0001',
	name: 'Seed last month\'s hand-offs and outcomes',
	active: false,
	settings: { executionOrder: 'v1' },
	nodes: [
		{ id: 'a7e0seed-0000-4000-8000-000000000001', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		{ id: 'a7e0seed-0000-4000-8000-000000000002', name: 'Leads', type: 'n8n-nodes-base.code', typeVersion: 2, position: [200, 0], parameters: { jsCode: `return ${JSON.stringify(LEADS)}.map((json) => ({ json }));` } },
		{ id: 'a7e0seed-0000-4000-8000-000000000003', name: 'Lead Score', type: 'n8n-nodes-lead-handoff.leadScore', typeVersion: 2, position: [400, 0], parameters: { mode: 'recordAndRescore', options: { asOf: '={{ $json.at }}' } }, credentials: STORE },
		{ id: 'a7e0seed-0000-4000-8000-000000000004', name: 'Handoff Gate', type: 'n8n-nodes-lead-handoff.handoffGate', typeVersion: 3, position: [600, 0], parameters: {}, credentials: STORE },
		{
			id: 'a7e0seed-0000-4000-8000-000000000005',
			name: 'Tier Router',
			type: 'n8n-nodes-lead-handoff.tierRouter',
			typeVersion: 2,
			position: [800, 0],
			parameters: {
				roster: { rep: [{ id: '101', name: 'Ana Ruiz', email: 'ana@your-company.example' }, { id: '102', name: 'Ben Okafor', email: 'ben@your-company.example' }] },
				teams: { team: [{ id: 'sales', name: 'Sales', members: '101, 102', outsideHours: 'allow' }] },
			},
			credentials: STORE,
		},
		{ id: 'a7e0seed-0000-4000-8000-000000000006', name: 'Has an Outcome', type: 'n8n-nodes-base.filter', typeVersion: 2.2, position: [1000, 0], parameters: { conditions: { options: { caseSensitive: true, leftValue: '', typeValidation: 'loose', version: 2 }, conditions: [{ id: 'a7e0seed-0000-4000-8000-0000000000c1', leftValue: '={{ !!$json.outcome }}', rightValue: '', operator: { type: 'boolean', operation: 'true', singleValue: true } }], combinator: 'and' }, options: {} } },
		{
			id: 'a7e0seed-0000-4000-8000-000000000007',
			name: 'Record Outcome',
			type: 'n8n-nodes-lead-handoff.leadFeedback',
			typeVersion: 1,
			position: [1200, 0],
			parameters: { resource: 'outcome', operation: 'record', input: 'fields', disposition: '={{ $json.outcome }}', leadKey: '={{ $json.email }}', fields: { occurredAt: '={{ $json.outcomeAt }}', eventId: '={{ $json.email }}:outcome', amount: '={{ $json.amount }}', currency: 'EUR', reason: '={{ $json.reason }}' }, options: {} },
			credentials: STORE,
		},
	],
	connections: {
		Start: { main: [[{ node: 'Leads', type: 'main', index: 0 }]] },
		Leads: { main: [[{ node: 'Lead Score', type: 'main', index: 0 }]] },
		'Lead Score': { main: [[{ node: 'Handoff Gate', type: 'main', index: 0 }]] },
		'Handoff Gate': { main: [[{ node: 'Tier Router', type: 'main', index: 0 }]] },
		'Tier Router': { main: [0, 1, 2].map(() => [{ node: 'Has an Outcome', type: 'main', index: 0 }]) },
		'Has an Outcome': { main: [[{ node: 'Record Outcome', type: 'main', index: 0 }]] },
	},
	pinData: {},
};

function reviewWorkflow(): Json {
	const workflow = JSON.parse(readFileSync(TEMPLATE, 'utf8')) as { nodes: Node[] };
	for (const node of workflow.nodes) {
		if (node.type === 'n8n-nodes-base.slack') node.credentials = { slackApi: CREDENTIALS.slackApi };
		if (node.type === 'n8n-nodes-base.emailSend') node.credentials = { smtp: CREDENTIALS.smtp };
	}
	return { ...workflow, id: 'LhReviewMonthly1' };
}

const summary = (r: RecordedRequest) => `${r.method} ${r.host}${r.path}${Object.keys(r.query).length ? `?${new URLSearchParams(r.query).toString()}` : ''} ${r.status}: ${r.rawBody.slice(0, 300).replace(/[^\x20-\x7e]+/g, '.')}`;

describe('Monthly lead-quality review in a real n8n', () => {
	let n8n: RealN8n;
	let seed: Execution;
	let run: Execution;
	let report: Json;
	let email: ReceivedEmail;
	let slack: RecordedRequest[];

	beforeAll(async () => {
		n8n = await RealN8n.create({ mocks: true });
		const mocks = n8n.mocks!;
		await n8n.importCredentials([
			{ ...STORE.leadHandoffStoreApi, type: 'leadHandoffStoreApi', data: { backend: 'embedded', folder: '' } },
			{ ...CREDENTIALS.slackApi, type: 'slackApi', data: { accessToken: 'xoxb-mock-slack' } },
			{ ...CREDENTIALS.smtp, type: 'smtp', data: mocks.smtpCredential() },
		]);
		const [seedId, reviewId] = await n8n.importWorkflows([SEED, reviewWorkflow()]);
		seed = await n8n.execute(seedId);
		assert.equal(seed.status, 'success', seed.error?.message);
		run = await n8n.execute(reviewId);
		assert.equal(run.status, 'success', run.error?.message);
		report = run.json('Lead Quality Report')[0];
		[email] = await mocks.waitForEmails(1);
		slack = mocks.requests('slack.com');
		console.log(
			`Monthly review, what the mocks received:\n${slack.map(summary).join('\n')}\nSMTP to ${email?.to.join(', ')}: ${email?.subject}; attachments ${email?.attachments.map((a) => `${a.filename} (${a.contentType}, ${a.size} bytes)`).join(', ')}`,
		);
	});

	afterAll(async () => {
		await n8n?.dispose();
	});

	it('the seeding run handed off the twelve leads last month and recorded the nine outcomes', () => {
		const handedOff = seed.json('Handoff Gate', 0);
		assert.equal(handedOff.length, LEADS.length, JSON.stringify(seed.outputs('Handoff Gate').map((o) => o.length)));
		assert.deepEqual(seed.json('Record Outcome', 0).map((j) => (j.outcome as Json).status), Array(9).fill('recorded'));
	});

	it('the report covers last month, read from the store: twelve hand-offs, three won, two rejected', () => {
		assert.deepEqual([report.periodFrom, report.periodTo], [lastMonth.toJSDate().toISOString(), lastMonth.plus({ months: 1 }).toJSDate().toISOString()]);
		const total = report.total as Json;
		assert.deepEqual([report.handoffs, total.won, total.rejected, total.pending], [12, 3, 2, 3]);
	});

	it('emails the review: the report\'s HTML with its figures, the Markdown as text, the three charts attached as PNG', () => {
		assert.ok(email, 'an email arrived');
		assert.deepEqual(email.to, ['sales-leaders@your-company.example']);
		assert.equal(email.subject, `Lead quality review: ${lastMonth.toFormat('LLLL yyyy')}`);
		assert.equal(email.html.trim(), String(report.html).trim());
		assert.match(email.html, /12/);
		assert.ok(email.html.includes('Ana Ruiz') || email.html.includes('101'), 'the reps are in the tables');
		assert.deepEqual(
			email.attachments.map((a) => [a.filename, a.contentType]),
			CHARTS.map((name) => [`${(run.items('Lead Quality Report')[0] as unknown as { binary: Record<string, { fileName: string }> }).binary[name].fileName}`, 'image/png']),
		);
		for (const a of email.attachments) assert.equal(a.content.subarray(1, 4).toString('latin1'), 'PNG', `${a.filename} is a PNG`);
	});

	it('posts the summary figures to Slack and uploads the three charts, each once', () => {
		const posts = slack.filter((r) => r.path === '/api/chat.postMessage').map((r) => r.body as Json);
		assert.equal(posts.length, 1);
		assert.equal(posts[0].channel, '#sales-leadership');
		const total = report.total as Json;
		const pct = (v: unknown) => `${Math.round(Number(v) * 100)} %`;
		assert.equal(
			posts[0].text,
			`:bar_chart: *Lead quality review, ${lastMonth.toFormat('LLLL yyyy')}*: 12 hand-offs, ${pct(total.acceptanceRate)} accepted, SLA met ${pct(total.slaMetRate)}, meetings ${pct(total.meetingRate)}, won ${pct(total.winRate)}. ${(report.findings as unknown[]).length} finding(s); the full report is in your email, the charts below.`,
		);
		const urls = slack.filter((r) => r.path === '/api/files.getUploadURLExternal');
		const binaries = (run.items('Lead Quality Report')[0] as unknown as { binary: Record<string, { fileName: string; fileSize: string }> }).binary;
		assert.deepEqual(urls.map((r) => r.query.filename), CHARTS.map((name) => binaries[name].fileName));
		assert.deepEqual(urls.map((r) => Number(r.query.length)), email.attachments.map((a) => a.size), 'the same PNGs as the email\'s');
		assert.equal(slack.filter((r) => r.host === 'files.slack.com').length, 3);
		const completed = slack.filter((r) => r.path === '/api/files.completeUploadExternal').map((r) => r.body as { channel_id: string; files: Array<{ id: string }> });
		assert.deepEqual(completed.map((c) => c.channel_id), ['C0SALESLEADERS', 'C0SALESLEADERS', 'C0SALESLEADERS']);
		assert.deepEqual(completed.map((c) => c.files[0].id), urls.map((r) => (r.response as { file_id: string }).file_id));
	});
});
