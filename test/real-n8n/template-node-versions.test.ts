/**
 * The templates configure n8n's own nodes at the newest version the n8n they are tested on has:
 * a user who adds the same node by hand gets that version, and its panel, not an older one's.
 * Read from the installed n8n's node catalogue (n8n-nodes-base's dist/types/nodes.json); runs
 * with the real-n8n suites, which have that install.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const ROOT = join(__dirname, '../..');

type Catalogue = Array<{ name: string; version: number | number[] }>;
type Workflow = { nodes: Array<{ name: string; type: string; typeVersion: number }> };

function newestVersions(): Map<string, number> {
	const n8nBin = process.env.LEAD_HANDOFF_N8N_BIN!;
	const catalogue = JSON.parse(readFileSync(join(dirname(n8nBin), '../../n8n-nodes-base/dist/types/nodes.json'), 'utf8')) as Catalogue;
	const newest = new Map<string, number>();
	for (const node of catalogue) newest.set(`n8n-nodes-base.${node.name}`, Math.max(newest.get(`n8n-nodes-base.${node.name}`) ?? 0, ...[node.version].flat()));
	return newest;
}

describe('templates use the current version of n8n’s own nodes', () => {
	const newest = newestVersions();
	for (const file of readdirSync(join(ROOT, 'workflows')).filter((f) => f.endsWith('.json'))) {
		it(file, () => {
			const workflow = JSON.parse(readFileSync(join(ROOT, 'workflows', file), 'utf8')) as Workflow;
			const stale = workflow.nodes
				.filter((n) => n.type.startsWith('n8n-nodes-base.') && n.type !== 'n8n-nodes-base.stickyNote')
				.filter((n) => {
					const current = newest.get(n.type);
					assert.ok(current !== undefined, `${n.name}: ${n.type} is not a node of the installed n8n`);
					return n.typeVersion !== current;
				})
				.map((n) => `${n.name}: ${n.type} ${n.typeVersion}, current ${newest.get(n.type)}`);
			assert.deepEqual(stale, []);
		});
	}
});
