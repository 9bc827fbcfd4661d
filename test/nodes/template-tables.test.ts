/**
 * The templates ship every node of this package in its table mode, with parameters exactly as
 * n8n's editor saves them, so "fill in your roster" means editing rows.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NodeHelpers, type INode, type INodeParameters, type INodeType } from 'n8n-workflow';

import { HandoffGate } from '../../nodes/HandoffGate/HandoffGate.node.ts';
import { LeadEnrich } from '../../nodes/LeadEnrich/LeadEnrich.node.ts';
import { LeadScore } from '../../nodes/LeadScore/LeadScore.node.ts';
import { readRouting } from '../../nodes/TierRouter/editorRules';
import { TierRouter } from '../../nodes/TierRouter/TierRouter.node.ts';

const PREFIX = 'n8n-nodes-lead-handoff.';
const types: Record<string, { type: INodeType; mode: string }> = {
	leadScore: { type: new LeadScore(), mode: 'rulesSource' },
	handoffGate: { type: new HandoffGate(), mode: 'rulesSource' },
	tierRouter: { type: new TierRouter(), mode: 'rulesSource' },
	leadEnrich: { type: new LeadEnrich(), mode: 'optionsSource' },
};

const dir = join(__dirname, '../../workflows');
const templates = readdirSync(dir)
	.filter((f) => f.endsWith('.json'))
	.map((file) => ({ file, workflow: JSON.parse(readFileSync(join(dir, file), 'utf8')) as { nodes: INode[] } }));

/** The parameters with n8n's defaults filled in, as a running node reads them. */
const filled = (type: INodeType, node: INode) => NodeHelpers.getNodeParameters(type.description.properties, node.parameters, true, false, node, type.description)!;

describe('templates in table mode', () => {
	for (const { file, workflow } of templates) {
		for (const node of workflow.nodes.filter((n) => n.type.startsWith(PREFIX) && types[n.type.slice(PREFIX.length)])) {
			const { type, mode } = types[node.type.slice(PREFIX.length)];
			it(`${file}: ${node.name} is in table mode, its parameters as n8n saves them`, () => {
				assert.equal(filled(type, node)[mode], 'editor');
				const saved = NodeHelpers.getNodeParameters(type.description.properties, node.parameters, false, false, node, type.description);
				assert.deepEqual(saved, node.parameters);
			});
		}
	}

	it('the hand-off template routes to a roster and a team of rows', () => {
		const { workflow } = templates.find((t) => t.file === 'lead-handoff-webhook-to-slack.json')!;
		const node = workflow.nodes.find((n) => n.type === `${PREFIX}tierRouter`)!;
		const parameters: INodeParameters = filled(types.tierRouter.type, node);
		const routing = readRouting((name) => parameters[name]);
		assert.deepEqual(
			routing.assignment?.roster?.map((r) => [r.id, r.name, r.email, r.slackId]),
			[
				['101', 'Ana Ruiz', 'ana@example.com', 'U0ANA'],
				['102', 'Ben Okafor', 'ben@example.com', 'U0BEN'],
			],
		);
		assert.deepEqual(routing.assignment?.teams, [{ id: 'sales', name: 'Sales', members: ['101', '102'], strategy: 'roundRobin', outsideHours: 'allow' }]);
		assert.deepEqual(routing.assignment?.fallback, { queue: 'Unassigned' });
		assert.deepEqual(routing.calendar?.hours, [{ start: '09:00', end: '18:00' }]);
	});
});
