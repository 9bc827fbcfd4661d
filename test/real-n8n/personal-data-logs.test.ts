/**
 * No personal data in n8n's logs at the default level: a real n8n at log level info (what an
 * unset N8N_LOG_LEVEL means), console and log file captured, takes a good lead and bad ones by
 * webhook; a bad lead fails in Lead Score with personal values in the very fields that are
 * wrong. The leads' emails, names and phone numbers appear in no log line.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { RealN8n } from '../helpers/real-n8n';

const PERSON = { email: 'dana.scully@globex-example.com', firstName: 'Dana', lastName: 'Scullyson', phone: '+1 555 0199 7788' };
const GOOD = { email: 'walter.skinner@globex-example.com', firstName: 'Walter', lastName: 'Skinnerby', phone: '+1 555 0142 3344', activities: [{ type: 'page_view', timestamp: '2026-06-14T10:00:00Z' }] };
const BAD = [
	// A form that put the contact details where the activities go.
	{ ...PERSON, activities: `${PERSON.email} ${PERSON.phone}` },
	// Activities dated with the lead's name, phone number and email address.
	{ ...PERSON, activities: [{ type: 'page_view', timestamp: `${PERSON.firstName} ${PERSON.lastName}` }] },
	{ ...PERSON, activities: [{ type: 'page_view', timestamp: PERSON.phone }] },
	{ ...PERSON, activities: [{ type: 'page_view', timestamp: PERSON.email }] },
];

const workflow = {
	name: 'Test: personal data stays out of the logs',
	active: false,
	settings: { executionOrder: 'v1', saveDataErrorExecution: 'all', saveDataSuccessExecution: 'all' },
	nodes: [
		{
			id: 'a0000000-0000-4000-8000-000000000001',
			name: 'Lead In',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 0],
			webhookId: 'a0000000-0000-4000-8000-0000000000aa',
			parameters: { httpMethod: 'POST', path: 'lead-handoff-test/pii', responseMode: 'onReceived', options: {} },
		},
		{ id: 'a0000000-0000-4000-8000-000000000002', name: 'Lead', type: 'n8n-nodes-base.set', typeVersion: 3.4, position: [220, 0], parameters: { mode: 'raw', jsonOutput: '={{ $json.body }}', options: {} } },
		{ id: 'a0000000-0000-4000-8000-000000000003', name: 'Lead Score', type: 'n8n-nodes-lead-handoff.leadScore', typeVersion: 1, position: [440, 0], parameters: {} },
	],
	connections: {
		'Lead In': { main: [[{ node: 'Lead', type: 'main', index: 0 }]] },
		Lead: { main: [[{ node: 'Lead Score', type: 'main', index: 0 }]] },
	},
};

describe('personal data in n8n logs at the default level', () => {
	let n8n: RealN8n;
	let logFile: string;
	let logDir: string;

	beforeAll(async () => {
		logDir = mkdtempSync(join(tmpdir(), 'lead-handoff-logs-'));
		logFile = join(logDir, 'n8n.log');
		n8n = await RealN8n.create({ env: { N8N_LOG_LEVEL: 'info', N8N_LOG_OUTPUT: 'console,file', N8N_LOG_FILE_LOCATION: logFile } });
		await n8n.start();
	});

	afterAll(async () => {
		await n8n?.dispose();
		rmSync(logDir, { recursive: true, force: true });
	});

	it('a failed lead and a good one leave no email, name or phone number in stdout, stderr or the log file', async () => {
		const id = await n8n.importWorkflow(workflow);
		await n8n.activate(id);
		for (const lead of [GOOD, ...BAD]) assert.equal((await n8n.callWebhook('lead-handoff-test/pii', lead)).status, 200);
		await n8n.waitForExecution(id, { count: 1 + BAD.length, timeoutMs: 90_000 });
		const executions = await n8n.executions(id, 20);
		assert.deepEqual(executions.map((e) => e.status).sort(), ['error', 'error', 'error', 'error', 'success'], 'each bad lead failed its execution, the good one passed');

		assert.ok(existsSync(logFile), 'n8n wrote its log file');
		const logs = `${readFileSync(logFile, 'utf8')}\n${n8n.logs()}`;
		assert.match(logs, /\S/);
		for (const value of [PERSON.email, PERSON.firstName, PERSON.lastName, PERSON.phone, GOOD.email, GOOD.lastName, GOOD.phone, '0199', 'globex-example']) {
			assert.ok(!logs.includes(value), `"${value}" is in n8n's log:\n${logs.split('\n').filter((line) => line.includes(value)).join('\n')}`);
		}
	});
});
