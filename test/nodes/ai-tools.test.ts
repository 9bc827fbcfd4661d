/**
 * Which nodes n8n offers to AI agents as tools. n8n makes a "<Node> Tool" of every node whose
 * description sets `usableAsTool`, with all of the node's operations; an agent then runs them on
 * its own judgement. An operation that cannot be undone (erasing a lead's data) must not be among
 * them, in any node of the package.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { INodeProperties, INodeType } from 'n8n-workflow';

const ROOT = path.join(__dirname, '../..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { n8n: { nodes: string[] } };

/** Every node the package registers, loaded from its source, with the source of its folder. */
function packageNodes(): Array<{ name: string; node: INodeType; source: string }> {
	return pkg.n8n.nodes.map((built) => {
		const name = path.basename(built, '.node.js');
		const folder = path.join(ROOT, path.dirname(built).replace(/^dist\//, ''));
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const mod = require(path.join(folder, `${name}.node.ts`)) as Record<string, new () => INodeType>;
		const source = readdirSync(folder, { recursive: true })
			.map(String)
			.filter((file) => file.endsWith('.ts'))
			.map((file) => readFileSync(path.join(folder, file), 'utf8'))
			.join('\n');
		return { name, node: new mod[name](), source };
	});
}

/** Every option value a node's parameters offer, nested collections included. */
function optionValues(properties: INodeProperties[]): unknown[] {
	return properties.flatMap((p) =>
		(p.options ?? []).flatMap((o) => ('value' in o ? [o.value] : 'values' in o ? optionValues(o.values) : optionValues([o as INodeProperties]))),
	);
}

describe('nodes offered to AI agents as tools', () => {
	const nodes = packageNodes();

	it('the package registers its nodes (the check reads them all)', () => {
		assert.ok(nodes.length >= 5, `${nodes.length} nodes`);
		assert.ok(nodes.some((n) => n.node.description.usableAsTool), 'some nodes are tools');
	});

	it('no node that can erase a lead is a tool', () => {
		const erasing = nodes.filter((n) => /\.eraseLead\(/.test(n.source));
		assert.deepEqual(erasing.map((n) => n.name), ['LeadHandoffData'], 'the nodes that erase, found by their code');
		for (const { name, node } of erasing) assert.equal(node.description.usableAsTool, undefined, `${name} erases leads and must not be usable as a tool`);
	});

	it('no tool offers an erase operation', () => {
		for (const { name, node } of nodes.filter((n) => n.node.description.usableAsTool)) {
			assert.ok(!optionValues(node.description.properties).includes('erase'), `${name} is a tool and offers "erase"`);
		}
	});
});
