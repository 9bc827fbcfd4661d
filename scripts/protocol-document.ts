/**
 * The protocol document of a workflow file, as Lead Scoring Lab's Protocol Document writes it
 * (without the change log, which lives in the store): Markdown on stdout, or HTML with --html.
 *
 *   node --import tsx scripts/protocol-document.ts workflows/lead-handoff-webhook-to-slack.json [--html]
 */
import { readFileSync } from 'node:fs';

import { protocolDocument } from '../nodes/engine/lab/protocolDocument';
import { protocolOfWorkflow, type WorkflowJson } from '../nodes/ScoringLab/actions/workflowProtocol';

const file = process.argv.slice(2).find((a) => !a.startsWith('--'));
if (!file) {
	console.error('Usage: node --import tsx scripts/protocol-document.ts <workflow.json> [--html]');
	process.exit(2);
}
const workflow = JSON.parse(readFileSync(file, 'utf8')) as WorkflowJson;
const doc = protocolDocument({ title: 'Lead hand-off protocol', workflow: { id: workflow.id, name: workflow.name, version: 'saved' }, generatedAt: Date.now(), ...protocolOfWorkflow(workflow) });
process.stdout.write(process.argv.includes('--html') ? doc.html : doc.markdown);
