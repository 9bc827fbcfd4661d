/**
 * Protocol Document in a real n8n, installed from the packed tarball: n8n's own n8n node reads a
 * workflow through n8n's public API with an n8n API credential (Workflow › Get), and Lead Scoring
 * Lab writes its protocol. The documented workflow is published with one point table and then
 * saved with another (not published): the document of the published version shows the table that
 * runs, the saved one the draft's.
 */
import assert from 'node:assert/strict';

import { RealN8n } from '../helpers/real-n8n';

const PUBLISHED_RULES = { fit: [{ label: 'Director title', field: 'jobTitle', operator: 'contains', value: 'director', points: 15, why: 'Signs the budget' }] };
const DRAFT_RULES = { fit: [{ label: 'VP title', field: 'jobTitle', operator: 'contains', value: 'vp', points: 20, why: 'Owns the budget' }] };

function documented(rules: object) {
	return {
		id: 'LhProtocolDocumentd1',
		name: 'Inbound leads',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{ id: 'a1b2c3d4-0000-4000-8000-000000000001', name: 'Lead In', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: 'a1b2c3d4-0000-4000-8000-0000000000aa', parameters: { path: 'protocol-doc-leads', httpMethod: 'POST' } },
			{ id: 'a1b2c3d4-0000-4000-8000-000000000002', name: 'Lead Score', type: 'n8n-nodes-lead-handoff.leadScore', typeVersion: 2, position: [240, 0], parameters: { rulesSource: 'json', rulesJson: JSON.stringify(rules) } },
		],
		connections: { 'Lead In': { main: [[{ node: 'Lead Score', type: 'main', index: 0 }]] } },
		pinData: {},
	};
}

function documenter(version: 'published' | 'saved') {
	return {
		id: version === 'published' ? 'LhProtocolDocument01' : 'LhProtocolDocument02',
		name: `Protocol document (${version})`,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{ id: 'b1b2c3d4-0000-4000-8000-000000000001', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'b1b2c3d4-0000-4000-8000-000000000002',
				name: 'Get Workflow',
				type: 'n8n-nodes-base.n8n',
				typeVersion: 1,
				position: [240, 0],
				parameters: { resource: 'workflow', operation: 'get', workflowId: { __rl: true, value: 'LhProtocolDocumentd1', mode: 'id' } },
				credentials: { n8nApi: { id: 'LhProtocolN8nApi1', name: 'n8n API' } },
			},
			{
				id: 'b1b2c3d4-0000-4000-8000-000000000003',
				name: 'Lead Scoring Lab',
				type: 'n8n-nodes-lead-handoff.leadScoringLab',
				typeVersion: 1,
				position: [480, 0],
				parameters: { operation: 'protocolDocument', configurationVersion: version },
				credentials: { leadHandoffStoreApi: { id: 'LhProtocolStore01', name: 'Lead Handoff Store' } },
			},
		],
		connections: { Start: { main: [[{ node: 'Get Workflow', type: 'main', index: 0 }]] }, 'Get Workflow': { main: [[{ node: 'Lead Scoring Lab', type: 'main', index: 0 }]] } },
		pinData: {},
	};
}

describe('Protocol Document in a real n8n', () => {
	let n8n: RealN8n;

	beforeAll(async () => {
		n8n = await RealN8n.create();
		await n8n.start();
		const id = await n8n.importWorkflow(documented(PUBLISHED_RULES));
		await n8n.activate(id);
		// Saved, not published: the draft changes, the published version stays.
		await n8n.api('PUT', `/workflows/${id}?publishIfActive=false`, { name: 'Inbound leads', nodes: documented(DRAFT_RULES).nodes, connections: documented(DRAFT_RULES).connections, settings: { executionOrder: 'v1' } });
		const apiKey = (n8n as unknown as { apiKey: string }).apiKey;
		await n8n.importCredentials([
			{ id: 'LhProtocolN8nApi1', name: 'n8n API', type: 'n8nApi', data: { apiKey, baseUrl: `${n8n.baseUrl}/api/v1` } },
			{ id: 'LhProtocolStore01', name: 'Lead Handoff Store', type: 'leadHandoffStoreApi', data: { backend: 'embedded', folder: '' } },
		]);
		await n8n.importWorkflows([documenter('published'), documenter('saved')]);
	});
	afterAll(async () => {
		await n8n?.dispose();
	});

	it("documents the published version that runs, and the saved draft when asked, read by n8n's own n8n node", async () => {
		const published = await n8n.execute('LhProtocolDocument01');
		assert.equal(published.error, undefined, JSON.stringify(published.error));
		const [doc] = published.json('Lead Scoring Lab') as Array<{ markdown: string; workflow: { version: string; name: string }; nodes: Record<string, string[]>; unreadable: unknown[] }>;
		assert.deepEqual([doc.workflow.name, doc.workflow.version], ['Inbound leads', 'published']);
		assert.deepEqual([doc.nodes.leadScore, doc.unreadable], [['Lead Score'], []]);
		assert.ok(doc.markdown.includes('| Director title | jobTitle contains director | \\+15 | Signs the budget |'), doc.markdown.slice(0, 1500));
		assert.ok(!doc.markdown.includes('VP title'));
		assert.match(doc.markdown, /## Change log\n\nNo scoring change logged yet\./);
		const saved = await n8n.execute('LhProtocolDocument02');
		assert.equal(saved.error, undefined, JSON.stringify(saved.error));
		const [draft] = saved.json('Lead Scoring Lab') as Array<{ markdown: string; workflow: { version: string } }>;
		assert.equal(draft.workflow.version, 'saved');
		assert.ok(draft.markdown.includes('| VP title | jobTitle contains vp | \\+20 | Owns the budget |'), draft.markdown.slice(0, 1500));
	});
});
