/**
 * Lead Scoring Lab's change log and protocol document in n8n-core's engine. Log Scoring Change
 * records a published table once per model id and lists the log; Protocol Document writes the
 * protocol from a workflow's nodes (the template workflow given as an item, as n8n's n8n node gets it
 * from n8n's API, published version by default), escapes every configured string
 * in Markdown and HTML, and ends with the change log.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { compileScorer } from '../../nodes/engine/scoring';
import { ScoringLab } from '../../nodes/ScoringLab/ScoringLab.node';
import { clock } from '../../nodes/shared/clock';
import { closeAllStores } from '../../nodes/store';
import { runNode } from '../helpers/n8n-runner';

const node = new ScoringLab();
const root = mkdtempSync(path.join(os.tmpdir(), 'lead-handoff-lab-log-'));
let stores = 0;
const freshStore = () => ({ leadHandoffStoreApi: { backend: 'embedded', folder: path.join(root, `s${++stores}`) } });
const TEMPLATE = JSON.parse(readFileSync(path.join(__dirname, '../../workflows/lead-handoff-webhook-to-slack.json'), 'utf8')) as { name: string; nodes: Array<{ name: string; type: string; typeVersion: number; parameters: IDataObject }> };

const realNow = clock.now;
beforeEach(() => {
	clock.now = () => Date.parse('2026-12-03T07:00:00Z');
});
afterEach(() => {
	clock.now = realNow;
});
afterAll(async () => {
	await closeAllStores();
	rmSync(root, { recursive: true, force: true });
});

const TABLE = { fit: [{ label: 'Director+ title', field: 'jobTitle', operator: 'seniorityAtLeast', value: 'director', points: 15 }], engagement: [{ label: 'Webinar', activity: 'webinar_attended', points: 25, why: 'Attendees converted at 2.1x the base rate (n = 412)' }] };
const MODEL = compileScorer(TABLE).modelId;

function logParameters(extra: IDataObject = {}): INodeParameters {
	return {
		operation: 'logScoringChange',
		changeAction: 'record',
		expectedImpact: { auc: 0.88, handoffsPerWeek: 120, winRate: 8.5 },
		publishedBy: 'maria@acme.test',
		publishedAt: '2026-12-01T10:00:00Z',
		changeOptions: { title: 'Q1 webinar weights', previousModelId: 'lsm_0000000000000000' },
		...extra,
	};
}

describe('Log Scoring Change', () => {
	it("records Learn Point Table's table with its changes as the rationale, once per model id, and lists the log", async () => {
		const credentials = freshStore();
		const learned = { table: TABLE, changes: ['Webinar attendance: +15 → +25 (attendees converted at 2.1x the base rate, n = 412)', 'Drop: Email open (no lift)'] };
		const first = await runNode({ node, parameters: logParameters() as INodeParameters, items: [learned], credentials, timezone: 'UTC' });
		assert.equal(first.error, undefined, first.error?.message);
		const logged = first.outputs[0][0].json;
		assert.deepEqual(
			{ status: logged.status, modelId: logged.modelId, rationale: logged.rationale, expected: logged.expected, by: logged.publishedBy, at: logged.publishedAt, title: logged.title },
			{
				status: 'recorded',
				modelId: MODEL,
				rationale: 'Webinar attendance: +15 → +25 (attendees converted at 2.1x the base rate, n = 412); Drop: Email open (no lift)',
				expected: { auc: 0.88, handoffsPerWeek: 120, winRate: 0.085 },
				by: 'maria@acme.test',
				at: '2026-12-01T10:00:00.000Z',
				title: 'Q1 webinar weights',
			},
		);
		const again = await runNode({ node, parameters: logParameters({ rationale: 'Another reason', publishedAt: '' }), items: [learned], credentials, timezone: 'UTC' });
		assert.equal(again.outputs[0][0].json.status, 'duplicate');
		assert.equal(again.outputs[0][0].json.rationale, logged.rationale, 'the first record is kept');
		assert.match(String(again.outputs[0][0].json.note), /was logged on 2026-12-01; the first record is kept/);
		const listed = await runNode({ node, parameters: { operation: 'logScoringChange', changeAction: 'list' }, items: [{}], credentials });
		assert.deepEqual((listed.outputs[0][0].json.changes as IDataObject[]).map((c) => c.modelId), [MODEL]);
	});

	it('sends an item without a rationale, or with a table Lead Score cannot read, to the error output; the others are logged', async () => {
		const items = [{ table: TABLE, changes: [] }, { table: { engagement: [{ activity: 'webinar_attended' }] }, changes: ['x'] }, { table: TABLE, changes: ['Webinar +25'] }];
		const { outputs } = await runNode({ node, parameters: logParameters(), items, credentials: freshStore(), onError: 'continueErrorOutput' });
		const [ok, errors] = outputs;
		assert.deepEqual(ok.map((i) => [i.pairedItem, i.json.status]), [[{ item: 2 }, 'recorded']]);
		assert.deepEqual(errors.map((i) => i.pairedItem), [{ item: 0 }, { item: 1 }]);
		assert.match(String(errors[0].json.error), /Item 0: Field "Rationale": expected why the table changed/);
		assert.match(String(errors[1].json.error), /Item 1: Field "Rules \(JSON\)\/engagement\/0": expected a table Lead Score can read/);
	});
});

/** The template workflow with hostile text where users type (labels, rationales, rep names), a Lead Feedback and an SLA Timer node. */
function hostileWorkflow(): IDataObject {
	const nodes = structuredClone(TEMPLATE.nodes).map((n) => {
		if (n.type.endsWith('.leadScore')) {
			const fit = (n.parameters.fitRules as { rules: IDataObject[] } | undefined)?.rules ?? [];
			return { ...n, parameters: { ...n.parameters, fitRules: { rules: [...fit, { label: '<script>alert("x")</script>', field: 'jobTitle', operator: 'contains', value: 'ceo', points: 5, why: '[click](javascript:alert(1)) | **bold**' }] } } };
		}
		return n;
	});
	nodes.push(
		{ name: 'Record Outcome', type: 'n8n-nodes-lead-handoff.leadFeedback', typeVersion: 1, parameters: { resource: 'outcome', operation: 'record' } },
		{ name: 'Start SLA', type: 'n8n-nodes-lead-handoff.slaTimer', typeVersion: 1, parameters: { operation: 'start', slaMinutes: 30, slaBasis: 'business', timerSettings: { manager: '<img src=x onerror=alert(1)> <mia@example.com>', workingHours: '08:00-16:00' } } },
	);
	return { id: 'wf-1', name: 'Lead hand-off <live>', nodes };
}

describe('Protocol Document', () => {
	it('writes the protocol from workflow JSON given as an item, every configured string escaped, with the change log at the end', async () => {
		const credentials = freshStore();
		await runNode({ node, parameters: logParameters(), items: [{ table: TABLE, changes: ['Webinar +25'] }], credentials, timezone: 'UTC' });
		const { outputs, error } = await runNode({ node, parameters: { operation: 'protocolDocument', workflowFrom: 'item', workflowField: 'workflow' }, items: [{ workflow: hostileWorkflow() }], credentials });
		assert.equal(error, undefined, error?.message);
		const doc = outputs[0][0].json as { markdown: string; html: string; nodes: Record<string, string[]>; unreadable: unknown[]; changeLogEntries: number };
		assert.deepEqual(doc.nodes, { leadScore: ['Lead Score'], handoffGate: ['Handoff Gate'], tierRouter: ['Tier Router'], slaTimer: ['Start SLA'], leadFeedback: ['Record Outcome'] });
		assert.deepEqual(doc.unreadable, []);
		const headings = doc.markdown.split('\n').filter((l) => l.startsWith('## '));
		assert.deepEqual(headings, ['## Scoring criteria', '## Hand-off thresholds and triggers', '## Tiers, SLAs and escalation', '## Routing', '## Disposition codes', '## Lead fields used', '## Set per lead by expressions', '## Change log']);
		for (const line of [
			'| Pricing page visit | page\\_view containing "/pricing" | \\+20 | – | High purchase intent |',
			'| Score 60 and pricing page | score 60 or more and visited the pricing page (URL, asset or title containing "/pricing") in the last 30 days |',
			'| Hot | asked to talk to sales in the last 7 days or score 80 or more or (score 60 or more and gained 30 or more engagement points in 7 days) | 1 hour, business hours | a first contact | assigned |',
			'| Reminder to the owner | 50 % of the SLA |',
			'- SLA: 30 minutes, business hours.',
			`| 2026-12-01 | Q1 webinar weights ${MODEL.replace(/_/g, '\\_')} (replaced lsm\\_0000000000000000) | maria@acme.test | Webinar +25 | AUC 0.88, 120 hand-offs a week, 8.5 % won |`,
		]) {
			assert.ok(doc.markdown.includes(line), `missing: ${line}`);
		}
		assert.match(doc.markdown, /\| accepted \| Accepted \| accepted \|/, 'the default disposition codes');
		assert.match(doc.markdown, /\| jobTitle \| Lead Score: \\<script\\>alert\("x"\)\\<\/script\\>; .*Handoff Gate: Student or job seeker \|/);
		assert.match(doc.markdown, /\| Record Outcome \| disposition \| \{\{ \$json\.disposition \}\} \|/, 'expressions as written');
		// Nothing configured becomes markup: no HTML element, link or emphasis from user text.
		assert.ok(doc.markdown.includes('| \\<script\\>alert("x")\\</script\\> | jobTitle contains ceo | \\+5 | \\[click\\](javascript:alert(1)) \\| \\*\\*bold\\*\\* |'), 'escaped in Markdown');
		assert.ok(!/<script|<img/i.test(doc.html), 'no element from configured text in the HTML');
		assert.match(doc.html, /<td [^>]*>&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;<\/td>/);
		assert.match(doc.html, /Manager told when the SLA is missed: &lt;img src=x onerror=alert\(1\)&gt; &lt;mia@example\.com&gt;\./);
		assert.match(doc.html, /<title>Lead hand-off protocol<\/title>/);
		assert.ok(doc.html.indexOf('<h2>Change log</h2>') > doc.html.indexOf('<h2>Lead fields used</h2>'), 'the change log comes last');
	});

	it('says which node could not be read, and still writes the rest', async () => {
		const workflow = hostileWorkflow();
		(workflow.nodes as IDataObject[]).push({ name: 'Broken Gate', type: 'n8n-nodes-lead-handoff.handoffGate', typeVersion: 3, parameters: { rulesSource: 'json', rulesJson: '{"triggers": [{"name": "x", "when": {"score": "total", "atLeast": 70, "below": 60}}]}' } });
		const { outputs, error } = await runNode({ node, parameters: { operation: 'protocolDocument', workflowFrom: 'item', includeChangeLog: false }, items: [workflow] });
		assert.equal(error, undefined, error?.message);
		const doc = outputs[0][0].json as { markdown: string; unreadable: Array<{ node: string; error: string }> };
		assert.deepEqual(doc.unreadable.map((u) => u.node), ['Broken Gate']);
		assert.match(doc.markdown, /### Broken Gate\n\nCould not be read: .*\/triggers\/0\/when\/below/);
		assert.ok(!doc.markdown.includes('## Change log'));
	});

	describe("from n8n's n8n node (Workflow › Get)", () => {
		// What n8n's public API (GET /workflows/{id}) returns: the saved nodes, and the published version's.
		const published = hostileWorkflow();
		const saved = structuredClone(published) as { nodes: Array<{ type: string; parameters: IDataObject }> };
		saved.nodes.find((n) => n.type.endsWith('.leadScore'))!.parameters = { rulesSource: 'json', rulesJson: JSON.stringify(TABLE) };
		const fromApi = { id: 'wf-1', name: 'Lead hand-off', nodes: saved.nodes, versionId: 'v-draft', activeVersion: { versionId: 'v-live', nodes: published.nodes, updatedAt: '2026-11-30T08:00:00.000Z' } };
		const run = (parameters: IDataObject, items: IDataObject[]) => runNode({ node, parameters: { operation: 'protocolDocument', includeChangeLog: false, ...parameters } as INodeParameters, items, onError: 'continueErrorOutput' });

		it('documents the published version, or the saved one when asked', async () => {
			const live = await run({}, [fromApi]);
			assert.equal(live.error, undefined, live.error?.message);
			const doc = live.outputs[0][0].json as { markdown: string; workflow: IDataObject };
			assert.deepEqual(doc.workflow, { id: 'wf-1', name: 'Lead hand-off', version: 'published', versionId: 'v-live' });
			assert.match(doc.markdown, /from the published configuration of workflow "Lead hand-off" \(id wf-1, version v-live\), last changed 2026-11-30/);
			assert.ok(doc.markdown.includes('| Pricing page visit |'), "the published table (the template's)");
			const draft = await run({ configurationVersion: 'saved' }, [fromApi]);
			const text = String(draft.outputs[0][0].json.markdown);
			assert.ok(!text.includes('| Pricing page visit |') && text.includes('| Webinar | webinar\\_attended | \\+25 |'), 'the saved table');
			const never = await run({}, [{ ...fromApi, activeVersion: null }]);
			assert.equal((never.outputs[0][0].json.workflow as IDataObject).version, 'saved (never published)');
		});

		it('sends an item that holds no workflow to the error output, naming the field', async () => {
			const { outputs } = await run({ workflowField: 'workflow' }, [{ workflow: 'wf-1' }, { workflow: fromApi }]);
			const [ok, errors] = outputs;
			assert.deepEqual(ok.map((i) => i.pairedItem), [{ item: 1 }]);
			assert.match(String(errors[0].json.error), /Item 0: Field "workflow": expected workflow JSON \(an object with nodes, as n8n's n8n node gets it\), got a text of 4 characters/);
		});
	});
});
