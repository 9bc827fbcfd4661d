/**
 * The SLA escalation templates that write the reassignment back to the CRM
 * (workflows/sla-escalation-to-{hubspot,salesforce,pipedrive}.json) in a real n8n, installed from
 * the packed tarball, with the CRMs, Slack, email and Twilio answered on loopback. For each CRM,
 * its inbound-lead template hands off one Hot lead (its Hot SLA shortened to 36 clock seconds), so
 * the record exists in the CRM mock and Tier Router starts its timer; the escalation template's
 * SLA Breach Trigger then polls every minute (n8n's shortest poll). Each CRM's pair keeps its
 * leads in a store scope of its own, so the three triggers share one store without taking each
 * other's timers. The test waits for the last alert, which fires on a poll after the
 * reassignment, and reads what each CRM was asked: the new owner written once to the lead's
 * record, and nothing written again on the later poll.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { DEFAULT_TIERS } from '../../nodes/engine/routing';
import { tiersToEditorRows } from '../../nodes/TierRouter/editorRules';
import { RealN8n, type Execution } from '../helpers/real-n8n';
import { MOCK_IDS, type RecordedRequest } from '../helpers/saas-mocks';

const workflows = join(__dirname, '../../workflows');
const SECRET = 'sla-crm-secret';
const HEADER = { 'x-lead-handoff-key': SECRET };
const MINUTE = 60_000;
const STAGES = ['reminder', 'manager', 'reassign', 'lastAlert'];
const CRMS = ['hubspot', 'salesforce', 'pipedrive'] as const;
type Crm = (typeof CRMS)[number];

type Json = Record<string, unknown>;
type Node = { name: string; type: string; parameters: Json; credentials?: Json };

const CREDENTIALS = {
	httpHeaderAuth: { id: 'LhSlaCrmWebhook1', name: 'Lead webhook key' },
	hubspotAppToken: { id: 'LhSlaCrmHubspot1', name: 'HubSpot (mock)' },
	salesforceOAuth2Api: { id: 'LhSlaCrmSalesfo1', name: 'Salesforce (mock)' },
	pipedriveApi: { id: 'LhSlaCrmPipedri1', name: 'Pipedrive (mock)' },
	slackApi: { id: 'LhSlaCrmSlack001', name: 'Slack (mock)' },
	smtp: { id: 'LhSlaCrmSmtp0001', name: 'SMTP (mock)' },
	twilioApi: { id: 'LhSlaCrmTwilio01', name: 'Twilio (mock)' },
};

/** A template with the test's credentials, every store node in the CRM's own scope, and a Hot SLA of 36 clock seconds. */
function prepared(file: string, id: string, scope: string): Json {
	const workflow = JSON.parse(readFileSync(join(workflows, file), 'utf8')) as { nodes: Node[] };
	for (const node of workflow.nodes) {
		const credentialType = node.parameters.nodeCredentialType as string | undefined;
		if (node.type === 'n8n-nodes-base.webhook') node.credentials = { httpHeaderAuth: CREDENTIALS.httpHeaderAuth };
		if (node.type === 'n8n-nodes-base.hubspot' || credentialType === 'hubspotAppToken') node.credentials = { hubspotAppToken: CREDENTIALS.hubspotAppToken };
		if (node.type === 'n8n-nodes-base.pipedrive' || credentialType === 'pipedriveApi') node.credentials = { pipedriveApi: CREDENTIALS.pipedriveApi };
		if (node.type === 'n8n-nodes-base.salesforce') node.credentials = { salesforceOAuth2Api: CREDENTIALS.salesforceOAuth2Api };
		if (node.type === 'n8n-nodes-base.slack') node.credentials = { slackApi: CREDENTIALS.slackApi };
		if (node.type === 'n8n-nodes-base.emailSend') node.credentials = { smtp: CREDENTIALS.smtp };
		if (node.type === 'n8n-nodes-base.twilio') node.credentials = { twilioApi: CREDENTIALS.twilioApi };
		if (['leadScore', 'handoffGate', 'tierRouter', 'slaBreachTrigger'].some((t) => node.type === `n8n-nodes-lead-handoff.${t}`)) {
			node.parameters = { ...node.parameters, options: { ...(node.parameters.options as Json | undefined), scope } };
		}
		if (node.type === 'n8n-nodes-lead-handoff.tierRouter') {
			const rows = tiersToEditorRows(DEFAULT_TIERS).map((row) => (row.name === 'Hot' ? { ...row, sla: 'calendar', slaHours: 0.01 } : row));
			node.parameters = { ...node.parameters, tiers: { tier: rows } };
		}
	}
	return { ...workflow, id };
}

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const hotLead = (email: string) => ({
	email,
	firstName: 'Sam',
	lastName: 'Lee',
	company: 'SmallCo',
	jobTitle: 'VP Sales',
	industry: 'Software',
	companySize: 200,
	activities: [
		{ id: `${email}-1`, type: 'page_view', timestamp: ago(2 * 3_600_000), url: 'https://example.com/pricing' },
		{ id: `${email}-2`, type: 'demo_request', timestamp: ago(MINUTE) },
	],
});
const LEADS: Record<Crm, string> = { hubspot: 'sam@hubspot-lead.io', salesforce: 'sam@salesforce-lead.io', pipedrive: 'sam@pipedrive-lead.io' };

const summary = (r: RecordedRequest) => `${r.method} ${r.host}${r.path}${Object.keys(r.query).length ? `?${new URLSearchParams(r.query).toString()}` : ''} ${r.status}: ${r.rawBody.slice(0, 300)}`;

describe('SLA escalation written back to the CRM, in a real n8n', () => {
	let n8n: RealN8n;
	const escalation: Record<string, string> = {};
	const routing: Record<string, Json> = {};
	const runs: Record<string, Execution[]> = {};
	/** Requests made after the hand-offs: the escalations'. */
	let sent: RecordedRequest[];

	/** Every stage a trigger emitted, as "<lead>/<stage>", over its executions. */
	const emitted = (crm: Crm) => runs[crm].flatMap((run) => run.outputs('SLA Breach Trigger').flatMap((items, output) => items.map((json) => `${String(json.leadKey)}/${STAGES[output]}`)));
	const reassignment = (crm: Crm) => runs[crm].flatMap((run) => run.outputs('SLA Breach Trigger')[2]).find((json) => json.leadKey === LEADS[crm]);

	beforeAll(async () => {
		n8n = await RealN8n.create({ mocks: true });
		const mocks = n8n.mocks!;
		await n8n.importCredentials([
			{ id: 'leadHandoffStore1', name: 'Lead Handoff Store', type: 'leadHandoffStoreApi', data: { backend: 'embedded', folder: '' } },
			{ ...CREDENTIALS.httpHeaderAuth, type: 'httpHeaderAuth', data: { name: 'X-Lead-Handoff-Key', value: SECRET } },
			{ ...CREDENTIALS.hubspotAppToken, type: 'hubspotAppToken', data: { appToken: 'pat-mock-hubspot' } },
			{
				...CREDENTIALS.salesforceOAuth2Api,
				type: 'salesforceOAuth2Api',
				data: { environment: 'production', clientId: 'mock-client', clientSecret: 'mock-secret', oauthTokenData: { access_token: 'mock-salesforce-access-token', instance_url: MOCK_IDS.salesforceInstance, token_type: 'Bearer' } },
			},
			{ ...CREDENTIALS.pipedriveApi, type: 'pipedriveApi', data: { apiToken: 'mock-pipedrive-token' } },
			{ ...CREDENTIALS.slackApi, type: 'slackApi', data: { accessToken: 'xoxb-mock-slack' } },
			{ ...CREDENTIALS.smtp, type: 'smtp', data: mocks.smtpCredential() },
			{ ...CREDENTIALS.twilioApi, type: 'twilioApi', data: { authType: 'authToken', accountSid: MOCK_IDS.twilioAccountSid, authToken: 'mock-twilio-token' } },
		]);
		const specs = CRMS.flatMap((crm) => [prepared(`inbound-lead-to-${crm}.json`, `LhSlaCrmIn${crm.slice(0, 6)}`, `sla-${crm}`), prepared(`sla-escalation-to-${crm}.json`, `LhSlaCrmEsc${crm.slice(0, 5)}`, `sla-${crm}`)]);
		const ids = await n8n.importWorkflows(specs);
		await n8n.start();
		for (const [i, crm] of CRMS.entries()) {
			const [inbound, esc] = [ids[2 * i], ids[2 * i + 1]];
			escalation[crm] = esc;
			await n8n.activate(inbound);
			const res = await n8n.callWebhook(`lead-handoff/${crm}`, hotLead(LEADS[crm]), { headers: HEADER });
			assert.equal(res.status, 200, JSON.stringify(res.body));
			const run = await n8n.waitForExecution(inbound, { timeoutMs: 60_000 });
			routing[crm] = run.json('Tier Router', 0)[0]?.routing as Json;
			assert.ok(routing[crm], `${crm}: not Hot: ${JSON.stringify(res.body)}`);
		}
		const before = mocks.requests().length;

		// Published, each trigger polls at once, then every minute.
		for (const crm of CRMS) await n8n.activate(escalation[crm]);
		const deadline = Date.now() + 7 * MINUTE;
		for (;;) {
			for (const crm of CRMS) runs[crm] = (await n8n.executions(escalation[crm], 50)).filter((e) => !['new', 'running', 'waiting'].includes(e.status)).reverse();
			if (CRMS.every((crm) => emitted(crm).includes(`${LEADS[crm]}/lastAlert`))) break;
			if (Date.now() > deadline) throw new Error(`the last alerts did not all fire within 7 minutes; emitted: ${CRMS.map((crm) => `${crm}: ${emitted(crm).join(', ') || 'nothing'}`).join('; ')}`);
			await new Promise((resolve) => setTimeout(resolve, 3000));
		}
		for (const crm of CRMS) await n8n.deactivate(escalation[crm]);
		sent = mocks.requests().slice(before);
		for (const crm of CRMS) {
			const host = { hubspot: 'api.hubapi.com', salesforce: 'salesforce.com', pipedrive: 'api.pipedrive.com' }[crm];
			console.log(`SLA escalation to ${crm}, one lead, what the CRM mock received from the escalation:\n${sent.filter((r) => r.host === host || r.host.endsWith(`.${host}`)).map(summary).join('\n')}`);
		}
		console.log(`...and Slack and Twilio:\n${sent.filter((r) => r.host === 'slack.com' || r.host === 'api.twilio.com').map(summary).join('\n')}`);
	});

	afterAll(async () => {
		await n8n?.dispose();
	});

	it('each lead fired its reminder, manager alert, reassignment and last alert once, the last alert on a later poll than the reassignment', () => {
		for (const crm of CRMS) {
			for (const run of runs[crm]) assert.equal(run.status, 'success', `${crm}: ${run.error?.message}`);
			assert.deepEqual([...emitted(crm)].sort(), STAGES.map((s) => `${LEADS[crm]}/${s}`).sort(), crm);
			const pollOf = (stage: string) => runs[crm].findIndex((run) => run.outputs('SLA Breach Trigger')[STAGES.indexOf(stage)].length > 0);
			assert.ok(pollOf('lastAlert') > pollOf('reassign'), `${crm}: the last alert came on a later poll`);
			const item = reassignment(crm)!;
			assert.equal(item.ownerId, routing[crm].ownerId);
			assert.notEqual((item.reassignedTo as Json).id, routing[crm].ownerId, `${crm}: passed over the late rep`);
		}
	});

	it('HubSpot: the contact upserted once by the lead\'s email, with the new owner', () => {
		const newOwner = String((reassignment('hubspot')!.reassignedTo as Json).id);
		const writes = sent.filter((r) => r.host === 'api.hubapi.com');
		assert.deepEqual(writes.map((r) => `${r.method} ${r.path}`), [`POST /contacts/v1/contact/createOrUpdate/email/${LEADS.hubspot}`]);
		assert.deepEqual((writes[0].body as { properties: unknown[] }).properties, [{ property: 'hubspot_owner_id', value: newOwner }]);
		assert.equal(newOwner, routing.hubspot.ownerId === '101' ? '102' : '101');
	});

	it('Salesforce: the Lead found by email, and its OwnerId set once to the new owner', () => {
		const newOwner = String((reassignment('salesforce')!.reassignedTo as Json).id);
		const calls = sent.filter((r) => r.host.endsWith('salesforce.com'));
		const [query] = calls.filter((r) => r.method === 'GET' && /\/query\/?$/.test(r.path));
		assert.match(query.query.q, new RegExp(`FROM Lead WHERE Email = '${LEADS.salesforce.replace(/\./g, '\\.')}'`));
		const leadId = ((query.response as { records: Array<{ Id: string }> }).records[0] ?? {}).Id;
		assert.match(leadId, /^00Q/);
		const updates = calls.filter((r) => r.method === 'PATCH');
		assert.deepEqual(updates.map((r) => [r.path.replace(/^\/services\/data\/v[\d.]+/, ''), r.body]), [[`/sobjects/lead/${leadId}`, { OwnerId: newOwner }]]);
		assert.equal(calls.length, 2, calls.map(summary).join('\n'));
	});

	it('Pipedrive: the person found by email, its owner and its lead\'s owner set once to the new owner', () => {
		const newOwner = Number((reassignment('pipedrive')!.reassignedTo as Json).id);
		const calls = sent.filter((r) => r.host === 'api.pipedrive.com');
		const person = (calls.find((r) => r.path === '/v1/persons/search')!.response as { data: { items: Array<{ item: { id: number } }> } }).data.items[0].item.id;
		const writes = calls.filter((r) => r.method !== 'GET');
		assert.equal(writes.length, 2, calls.map(summary).join('\n'));
		assert.deepEqual([writes[0].path, writes[0].body], [`/api/v2/persons/${person}`, { owner_id: newOwner }]);
		const [leadsOfPerson] = calls.filter((r) => r.method === 'GET' && r.path === '/v1/leads');
		assert.equal(leadsOfPerson.query.person_id, String(person));
		const leadId = (leadsOfPerson.response as { data: Array<{ id: string }> }).data[0].id;
		assert.deepEqual([writes[1].path, writes[1].body], [`/v1/leads/${leadId}`, { owner_id: newOwner }]);
	});

	it('Slack got each lead\'s reminder, the new owner\'s DM and the last alert, Twilio the last alert\'s SMS', () => {
		const dms = sent.filter((r) => r.host === 'slack.com' && r.path === '/api/chat.postMessage').map((r) => r.body as Json);
		// Reminder to the owner, the new owner's DM and the channel's last alert, per lead.
		assert.equal(dms.length, 9, JSON.stringify(dms.map((d) => [d.channel, String(d.text).slice(0, 60)])));
		assert.equal(sent.filter((r) => r.host === 'api.twilio.com').length, 3);
	});
});
