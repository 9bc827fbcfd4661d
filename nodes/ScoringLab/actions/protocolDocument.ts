/**
 * Protocol Document: the hand-off protocol written out for sales and marketing, in Markdown and
 * HTML, from the configuration a workflow runs: its Lead Score, Handoff Gate, Tier Router, SLA
 * Timer and Lead Feedback nodes, with the change log at the end. The workflow comes as JSON in the
 * input item, as n8n's own n8n node gives it (Workflow › Get, with n8n's API credential): that
 * node reads any workflow, this one included (`{{ $workflow.id }}`), published and saved versions
 * both, and this package needs no credential for n8n's API (community nodes may not reuse another
 * package's credentials). Run it on a schedule, or after each publish, to keep a wiki page that
 * never drifts from what runs. It writes nothing.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { LeadDataError } from '../../engine/common/errors';
import { compilePath } from '../../engine/common/paths';
import { protocolDocument, type ProtocolSource } from '../../engine/lab/protocolDocument';
import { clock } from '../../shared/clock';
import { processItems } from '../../shared/items';
import { storeScopeOf, storeScopeOption } from '../../shared/leadInput';
import { openStoreFor } from '../../shared/store';
import type { OperationModule } from './common';
import { protocolOfWorkflow, type WorkflowJson, type WorkflowNode } from './workflowProtocol';

export const operation: OperationModule['operation'] = {
	name: 'Protocol Document',
	value: 'protocolDocument',
	description: "The hand-off protocol for sales and marketing, in Markdown and HTML, from a workflow's Lead Score, Handoff Gate, Tier Router, SLA Timer and Lead Feedback nodes (workflow JSON from n8n's n8n node), with the change log",
	action: 'Write the protocol document',
	subtitle: 'Protocol document',
};

export const description: INodeProperties[] = [
	{
		displayName: "Each input item holds a workflow as JSON: put n8n's own n8n node before this one (Workflow › Get, with an n8n API credential; to document this workflow, set its Workflow ID to the expression $workflow.id)",
		name: 'workflowNotice',
		type: 'notice',
		default: '',
	},
	{ displayName: 'Workflow Field', name: 'workflowField', type: 'string', default: '', placeholder: 'e.g. workflow', description: 'The field holding the workflow JSON (a dot path). Empty: the item itself.' },
	{
		displayName: 'Configuration',
		name: 'configurationVersion',
		type: 'options',
		options: [
			{ name: 'Published', value: 'published', description: 'What runs for live leads (the saved version when the workflow was never published)' },
			{ name: 'Saved', value: 'saved', description: 'The latest saved version in the editor, published or not' },
		],
		default: 'published',
	},
	{ displayName: 'Document Title', name: 'documentTitle', type: 'string', default: 'Lead hand-off protocol' },
	{ displayName: 'Include Change Log', name: 'includeChangeLog', type: 'boolean', default: true, description: "Whether the document ends with the scoring change log from the store (Log Scoring Change)" },
	{ ...storeScopeOption, displayOptions: { show: { includeChangeLog: [true] } } },
];

interface ApiWorkflow {
	id?: string;
	name?: string;
	nodes?: WorkflowNode[];
	versionId?: string;
	updatedAt?: string;
	activeVersion?: { versionId?: string; nodes?: WorkflowNode[]; updatedAt?: string } | null;
}

/** The nodes of the version asked for, and which version that is in words. */
function chooseVersion(json: ApiWorkflow, wanted: string, field: string): { workflow: WorkflowJson; version: string } {
	const published = json.activeVersion && Array.isArray(json.activeVersion.nodes) ? json.activeVersion : undefined;
	if (wanted === 'published' && published) {
		return { workflow: { id: json.id, name: json.name, nodes: published.nodes!, versionId: published.versionId, updatedAt: published.updatedAt ?? json.updatedAt }, version: 'published' };
	}
	if (!Array.isArray(json.nodes)) throw new LeadDataError(field ? `${field}.nodes` : 'nodes', "the workflow's nodes (workflow JSON)", json.nodes);
	return { workflow: { id: json.id, name: json.name, nodes: json.nodes, versionId: json.versionId, updatedAt: json.updatedAt }, version: wanted === 'published' ? 'saved (never published)' : 'saved' };
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return processItems(
		this,
		1,
		async () => {
			const withLog = this.getNodeParameter('includeChangeLog', 0, true) !== false;
			const changes = withLog ? await (await openStoreFor(this)).listScoringChanges(storeScopeOf(this.getNodeParameter('scope', 0, undefined))) : undefined;
			const field = String(this.getNodeParameter('workflowField', 0, '') ?? '').trim();
			return { changes, field, getField: field ? compilePath(field) : undefined };
		},
		async (item, i, { changes, field, getField }) => {
			const wanted = String(this.getNodeParameter('configurationVersion', i, 'published'));
			const value = getField ? getField(item.json) : item.json;
			if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new LeadDataError(field || 'item', "workflow JSON (an object with nodes, as n8n's n8n node gets it)", value);
			const { workflow, version } = chooseVersion(value as ApiWorkflow, wanted, field);
			const title = String(this.getNodeParameter('documentTitle', i, 'Lead hand-off protocol') ?? '').trim() || 'Lead hand-off protocol';
			const source: ProtocolSource = {
				title,
				workflow: { id: workflow.id, name: workflow.name, version, versionId: workflow.versionId, updatedAt: workflow.updatedAt },
				generatedAt: clock.now(),
				...protocolOfWorkflow(workflow),
				...(changes ? { changes: changes.map((c) => ({ modelId: c.modelId, at: c.at, by: c.by, title: c.title, rationale: c.rationale, expected: c.expected, previousModelId: c.previousModelId })) } : {}),
			};
			const doc = protocolDocument(source);
			const problems = [...source.scoring, ...source.gates, ...source.routers, ...source.slaTimers, ...source.feedback].filter((p) => p.error !== undefined).map((p) => ({ node: p.node, error: p.error! }));
			const out: IDataObject = {
				title,
				workflow: { id: workflow.id ?? null, name: workflow.name ?? null, version, versionId: workflow.versionId ?? null },
				nodes: {
					leadScore: source.scoring.map((p) => p.node),
					handoffGate: source.gates.map((p) => p.node),
					tierRouter: source.routers.map((p) => p.node),
					slaTimer: source.slaTimers.map((p) => p.node),
					leadFeedback: source.feedback.map((p) => p.node),
				},
				unreadable: problems,
				changeLogEntries: changes?.length ?? null,
				markdown: doc.markdown,
				html: doc.html,
			};
			return { output: 0, json: out };
		},
	);
}
