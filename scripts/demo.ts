/**
 * `npm run demo`: with `LEAD_HANDOFF_DEMO=1 npm start` running, starts local stand-ins for
 * HubSpot, Slack, Twilio and an SMTP server (the sinks the tests use: test/helpers/saas-mocks.ts),
 * gives the inbound-to-HubSpot template, the SLA escalation template and the hand-off dashboard
 * credentials that reach them, publishes the three, and sends a stream of generated leads to the
 * inbound webhook. Every request a sink receives is printed as it arrives: contacts, tasks with the
 * brief, notes, Slack DMs, emails, SMS and, a few minutes in, the SLA reminders. Ctrl-C stops it.
 *
 *   node --import tsx scripts/demo.ts ca <folder>   writes the demo CA (scripts/start.sh does this)
 *   node --import tsx scripts/demo.ts [count]       the demo: count leads (default 40), one every 3 s
 *
 * In demo mode n8n's outbound HTTP(S) goes to the demo proxy (and fails while no demo runs): the
 * sinks answer as the real APIs would and nothing leaves the machine. The demo's Hot and Warm SLAs
 * are 3 and 6 minutes on the clock, so the SLA reminders (at half the SLA) arrive within minutes.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { generateCACertificate } from 'mockttp';

import { DEFAULT_TIERS } from '../nodes/engine/routing';
import { tiersToEditorRows } from '../nodes/TierRouter/editorRules';
import { seededRandom } from '../test/bench/leads';
import { MOCK_IDS, SaasMocks, type RecordedRequest } from '../test/helpers/saas-mocks';

const ROOT = join(__dirname, '..');
const PORT = Number(process.env.LEAD_HANDOFF_PORT ?? process.env.N8N_PORT ?? 5678);
const BASE = `http://127.0.0.1:${PORT}`;
const USER_FOLDER = process.env.LEAD_HANDOFF_USER_FOLDER ?? join(ROOT, '.n8n-dev');
const DEMO_FOLDER = join(USER_FOLDER, 'demo');
export const DEMO_PROXY_PORT = Number(process.env.LEAD_HANDOFF_DEMO_PROXY_PORT ?? PORT + 12);
const SMTP_PORT = DEMO_PROXY_PORT + 1;
const OWNER = { email: process.env.LEAD_HANDOFF_OWNER_EMAIL ?? 'admin@lead-handoff.local', password: process.env.LEAD_HANDOFF_OWNER_PASSWORD ?? 'LeadHandoff2026' };
const SECRET = 'demo-lead-key';
const VIEWER = { user: 'demo', password: 'demo-dashboard' };
const TEMPLATES = { inbound: 'inbound-lead-to-hubspot.json', escalation: 'sla-escalation-slack-email-sms.json', dashboard: 'handoff-dashboard.json' };

type Json = Record<string, unknown>;
type Node = { name: string; type: string; parameters: Json; credentials?: Json };
type Workflow = { id?: string; name: string; nodes: Node[]; connections: Json; settings?: Json };

/** The id scripts/start.sh gives a template without one. */
function templateId(file: string): string {
	const workflow = JSON.parse(readFileSync(join(ROOT, 'workflows', file), 'utf8')) as Workflow;
	return workflow.id ?? createHash('sha256').update(`lead-handoff-template:${file}`).digest('hex').slice(0, 16);
}

async function writeCa(folder: string): Promise<void> {
	if (existsSync(join(folder, 'ca.pem')) && existsSync(join(folder, 'ca.key'))) return;
	mkdirSync(folder, { recursive: true });
	const ca = await generateCACertificate({ subject: { commonName: 'lead-handoff demo CA' }, bits: 2048 });
	writeFileSync(join(folder, 'ca.key'), ca.key, { mode: 0o600 });
	writeFileSync(join(folder, 'ca.pem'), ca.cert);
}

// ------------------------------------------------------------------------------------------------
// n8n, as the owner: the editor's REST API to sign in and make an API key, the public API for the rest.

class N8n {
	private cookie = '';
	private apiKey = '';

	async signIn(): Promise<void> {
		const res = await fetch(`${BASE}/rest/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, password: OWNER.password }) });
		if (!res.ok) throw new Error(`could not sign in to n8n as ${OWNER.email} (${res.status}): set LEAD_HANDOFF_OWNER_EMAIL and LEAD_HANDOFF_OWNER_PASSWORD`);
		this.cookie = res.headers.getSetCookie().find((c) => c.startsWith('n8n-auth='))!.split(';')[0];
		const scopes = await this.rest<string[]>('GET', '/api-keys/scopes');
		this.apiKey = (await this.rest<{ rawApiKey: string }>('POST', '/api-keys', { label: `npm run demo ${new Date().toISOString()}`, scopes, expiresAt: Date.now() + 86_400_000 })).rawApiKey;
	}

	async rest<T>(method: string, path: string, body?: unknown): Promise<T> {
		const res = await fetch(`${BASE}/rest${path}`, { method, headers: { cookie: this.cookie, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
		const text = await res.text();
		if (!res.ok) throw new Error(`${method} /rest${path}: ${res.status} ${text}`);
		return (JSON.parse(text) as { data: T }).data;
	}

	async api<T>(method: string, path: string, body?: unknown): Promise<T> {
		const res = await fetch(`${BASE}/api/v1${path}`, { method, headers: { 'x-n8n-api-key': this.apiKey, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
		const text = await res.text();
		if (!res.ok) throw new Error(`${method} /api/v1${path}: ${res.status} ${text}`);
		return JSON.parse(text) as T;
	}

	/** A credential by name, created or updated: a second demo run reuses the first's. */
	async credential(name: string, type: string, data: Json): Promise<{ id: string; name: string }> {
		const existing = (await this.rest<Array<{ id: string; name: string; type: string }>>('GET', '/credentials')).find((c) => c.name === name && c.type === type);
		if (existing) {
			await this.rest('PATCH', `/credentials/${existing.id}`, { name, type, data });
			return { id: existing.id, name };
		}
		const created = await this.rest<{ id: string }>('POST', '/credentials', { name, type, data });
		return { id: created.id, name };
	}

	/** Saves the workflow with `change` applied, and publishes it. */
	async publish(id: string, change: (w: Workflow) => void): Promise<Workflow> {
		const workflow = await this.api<Workflow>('GET', `/workflows/${id}`);
		change(workflow);
		await this.api('PUT', `/workflows/${id}`, { name: workflow.name, nodes: workflow.nodes, connections: workflow.connections, settings: { executionOrder: 'v1' } });
		await this.api('POST', `/workflows/${id}/activate`, {});
		return workflow;
	}
}

// ------------------------------------------------------------------------------------------------
// Leads like the X Education export's (../shared/data): where they came from, what they did, who they are.

const FIRST = ['Dana', 'Eve', 'Sam', 'Kim', 'Lou', 'Ivy', 'Noah', 'Mia', 'Ravi', 'Aiko', 'Omar', 'Lena', 'Tomás', 'Zoe', 'Yusuf', 'Priya'];
const LAST = ['Lee', 'Park', 'Wu', 'Ode', 'Novak', 'Ng', 'Silva', 'Haddad', 'Iyer', 'Sato', 'Berg', 'Costa', 'Meyer', 'Khan'];
const COMPANIES = [
	{ name: 'Globex', domain: 'globex.com', industry: 'Software', size: 240 },
	{ name: 'Initech', domain: 'initech.com', industry: 'Software', size: 120 },
	{ name: 'Umbrella Health', domain: 'umbrella-health.com', industry: 'Healthcare', size: 900 },
	{ name: 'Hooli', domain: 'hooli.com', industry: 'Software', size: 4000 },
	{ name: 'Vandelay Imports', domain: 'vandelay.com', industry: 'Retail', size: 60 },
	{ name: 'Stark Learning', domain: 'starklearning.org', industry: 'Education', size: 300 },
	{ name: 'Acme Finance', domain: 'acmefinance.com', industry: 'Financial Services', size: 1500 },
];
const TITLES = ['VP Sales', 'Head of Marketing', 'Director of Operations', 'Marketing Manager', 'CTO', 'Sales Operations Analyst', 'Student', 'CEO'];
/** Lead sources and campaigns as in the X Education export. */
const SOURCES = [
	['Google', 'search-brand'],
	['Direct Traffic', ''],
	['Olark Chat', 'chat-widget'],
	['Organic Search', ''],
	['Reference', 'referral-program'],
	['Welingak Website', 'partner-listing'],
] as const;

function makeLead(i: number, random: () => number, now: number): Json {
	const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
	const company = pick(COMPANIES);
	const [firstName, lastName] = [pick(FIRST), pick(LAST)];
	const [source, campaign] = pick(SOURCES);
	const ago = (minutes: number) => new Date(now - minutes * 60_000).toISOString();
	const id = `demo-${now.toString(36)}-${i}`;
	const activities: Json[] = [{ id: `${id}-1`, type: 'page_view', timestamp: ago(3 * 24 * 60 + random() * 600), url: 'https://example.com/', source, ...(campaign ? { campaign } : {}) }];
	const engaged = random();
	if (engaged > 0.25) activities.push({ id: `${id}-2`, type: 'page_view', timestamp: ago(2 * 24 * 60), url: 'https://example.com/pricing' });
	if (engaged > 0.45) activities.push({ id: `${id}-3`, type: 'content_download', timestamp: ago(26 * 60), asset: 'Case study: Initech' });
	if (engaged > 0.6) activities.push({ id: `${id}-4`, type: 'webinar_attended', timestamp: ago(20 * 60) });
	if (engaged > 0.55) activities.push({ id: `${id}-5`, type: random() < 0.6 ? 'demo_request' : 'contact_sales', timestamp: ago(1) });
	return {
		email: `${firstName}.${lastName}.${i}@${company.domain}`.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, ''),
		firstName,
		lastName,
		company: company.name,
		jobTitle: pick(TITLES),
		industry: company.industry,
		companySize: company.size,
		phone: `+1555${String(1_000_000 + Math.floor(random() * 8_999_999))}`,
		activities,
	};
}

// ------------------------------------------------------------------------------------------------

/** One line per request a sink received: what a new user should look at. */
function describe(r: RecordedRequest): string {
	const body = (r.body ?? {}) as Json;
	if (r.host === 'api.hubapi.com') {
		if (r.path.includes('/createOrUpdate/email/')) return `HubSpot   contact ${decodeURIComponent(r.path.split('/').pop()!)} upserted (owner ${((body.properties as Array<{ property: string; value: unknown }>) ?? []).find((p) => p.property === 'hubspot_owner_id')?.value ?? '-'})`;
		if (r.path === '/engagements/v1/engagements') return `HubSpot   task "${String((body.metadata as Json)?.subject ?? '')}" due ${new Date(Number((body.engagement as Json)?.timestamp)).toISOString()}`;
		if (r.path === '/crm/v3/objects/notes') return 'HubSpot   note with the sales brief';
		return `HubSpot   ${r.method} ${r.path}`;
	}
	if (r.host.endsWith('slack.com')) return `Slack     ${String(body.channel ?? '')}: ${String(body.text ?? '').replace(/\s+/g, ' ').slice(0, 110)}`;
	if (r.host === 'api.twilio.com') return `Twilio    SMS to ${String(body.To ?? '')}: ${String(body.Body ?? '').replace(/\s+/g, ' ').slice(0, 100)}`;
	return `${r.host} ${r.method} ${r.path} (${r.status})`;
}

async function demo(count: number): Promise<void> {
	const caFolder = DEMO_FOLDER;
	if (!existsSync(join(caFolder, 'ca.pem'))) {
		throw new Error(`No demo CA in ${caFolder}: start n8n in demo mode first, in another terminal:\n    LEAD_HANDOFF_DEMO=1 npm start`);
	}
	const ready = await fetch(`${BASE}/healthz/readiness`).then((r) => r.ok).catch(() => false);
	if (!ready) throw new Error(`n8n does not answer on ${BASE}: start it first, in another terminal:\n    LEAD_HANDOFF_DEMO=1 npm start`);

	const mocks = await SaasMocks.start({ ca: { key: readFileSync(join(caFolder, 'ca.key'), 'utf8'), cert: readFileSync(join(caFolder, 'ca.pem'), 'utf8') }, proxyPort: DEMO_PROXY_PORT, smtpPort: SMTP_PORT });
	const n8n = new N8n();
	await n8n.signIn();

	const creds = {
		httpHeaderAuth: await n8n.credential('Demo: lead webhook key', 'httpHeaderAuth', { name: 'X-Lead-Handoff-Key', value: SECRET }),
		httpBasicAuth: await n8n.credential('Demo: dashboard viewers', 'httpBasicAuth', { user: VIEWER.user, password: VIEWER.password }),
		hubspotAppToken: await n8n.credential('Demo: HubSpot (local sink)', 'hubspotAppToken', { appToken: 'pat-demo' }),
		slackApi: await n8n.credential('Demo: Slack (local sink)', 'slackApi', { accessToken: 'xoxb-demo' }),
		smtp: await n8n.credential('Demo: SMTP (local sink)', 'smtp', mocks.smtpCredential()),
		twilioApi: await n8n.credential('Demo: Twilio (local sink)', 'twilioApi', { authType: 'authToken', accountSid: MOCK_IDS.twilioAccountSid, authToken: 'demo' }),
	};
	const withCredentials = (w: Workflow) => {
		for (const node of w.nodes) {
			if (node.type === 'n8n-nodes-base.webhook') {
				const type = node.parameters.authentication === 'basicAuth' ? 'httpBasicAuth' : 'httpHeaderAuth';
				node.credentials = { [type]: creds[type] };
			}
			if (node.type === 'n8n-nodes-base.hubspot' || node.parameters.nodeCredentialType === 'hubspotAppToken') node.credentials = { hubspotAppToken: creds.hubspotAppToken };
			if (node.type === 'n8n-nodes-base.slack') node.credentials = { slackApi: creds.slackApi };
			if (node.type === 'n8n-nodes-base.emailSend') node.credentials = { smtp: creds.smtp };
			if (node.type === 'n8n-nodes-base.twilio') node.credentials = { twilioApi: creds.twilioApi };
		}
	};
	const inboundId = templateId(TEMPLATES.inbound);
	await n8n.publish(inboundId, (w) => {
		withCredentials(w);
		// Demo SLAs on the clock, a few minutes long, so the reminders come while you watch.
		const router = w.nodes.find((n) => n.type === 'n8n-nodes-lead-handoff.tierRouter')!;
		const tiers = (tiersToEditorRows(DEFAULT_TIERS) as unknown as Json[]).map((t) => (t.sla === 'none' ? t : { ...t, sla: 'calendar', slaHours: t.name === 'Hot' ? 0.05 : 0.1 }));
		router.parameters.tiers = { tier: tiers };
	});
	await n8n.publish(templateId(TEMPLATES.escalation), withCredentials);
	const dashboardId = templateId(TEMPLATES.dashboard);
	await n8n.publish(dashboardId, withCredentials);

	const dashboard = `http://localhost:${PORT}/webhook/lead-handoff/dashboard`;
	console.log(
		[
			'',
			'  The demo is running: leads go to the inbound-to-HubSpot template, one every 3 seconds.',
			`    hand-offs:   http://localhost:${PORT}/workflow/${inboundId}/executions   (each lead's run, node by node)`,
			`    dashboard:   ${dashboard}   (user ${VIEWER.user}, password ${VIEWER.password}; it refreshes itself)`,
			`    reminders:   the SLA escalation workflow fires in about 2 minutes for leads nobody contacts (demo SLAs: Hot 3 min, Warm 6 min)`,
			'    below:       what HubSpot, Slack, Twilio and the mail server receive, as it arrives',
			'  Nothing leaves this machine: n8n was started with the demo proxy. Ctrl-C stops the demo.',
			'',
		].join('\n'),
	);

	let seen = 0;
	let mails = 0;
	const print = setInterval(() => {
		const all = mocks.requests();
		for (const r of all.slice(seen)) console.log(`  ${describe(r)}`);
		seen = all.length;
		for (const m of mocks.emails.slice(mails)) console.log(`  Email     to ${m.to.join(', ')}: ${m.subject}`);
		mails = mocks.emails.length;
	}, 500);
	const stop = async () => {
		clearInterval(print);
		await mocks.stop();
		process.exit(0);
	};
	process.once('SIGINT', () => void stop());
	process.once('SIGTERM', () => void stop());

	const random = seededRandom(Date.now() % 100_000);
	for (let i = 0; i < count; i++) {
		const lead = makeLead(i, random, Date.now());
		const res = await fetch(`${BASE}/webhook/lead-handoff/hubspot`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-lead-handoff-key': SECRET }, body: JSON.stringify(lead) });
		const answer = (await res.json().catch(() => ({}))) as { leads?: Array<{ decision?: string; tier?: string; owner?: string; due?: string; error?: unknown }> };
		const l = answer.leads?.[0];
		console.log(`Lead ${i + 1}/${count} ${String(lead.email)}: ${l ? (l.error ? `error ${JSON.stringify(l.error)}` : [l.decision, l.tier, l.owner, l.due && `due ${l.due}`].filter(Boolean).join(', ')) : `HTTP ${res.status}`}`);
		await new Promise((resolve) => setTimeout(resolve, 3000));
	}
	console.log(`\n  All ${count} leads sent. The SLA reminders follow for the leads nobody contacted; the dashboard: ${dashboard}\n  Ctrl-C stops the sinks.`);
}

const [command, arg] = process.argv.slice(2);
const main = command === 'ca' ? writeCa(arg ?? DEMO_FOLDER) : demo(Number(command ?? 40) || 40);
main.catch((error: unknown) => {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
});
