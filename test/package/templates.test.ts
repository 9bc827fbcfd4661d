/**
 * What a user importing a template needs from it, checked for every file in workflows/: it names
 * only nodes this package ships (with their current names) or n8n's own, its connections join
 * nodes that exist, state is kept through the credential `npm start` creates, any other
 * credential is left to the user to pick, and a sticky note says what to connect. Each template
 * also runs in a real n8n in test/real-n8n.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = join(__dirname, '../..');
const loadModule = createRequire(__filename);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; n8n: { nodes: string[] } };

/** Node type name to its declared credential type names, from the built package. */
const shipped = new Map<string, string[]>(
	pkg.n8n.nodes.map((file) => {
		const className = file.split('/').pop()!.replace('.node.js', '');
		const NodeClass = (loadModule(join(root, file)) as Record<string, new () => { description: { name: string; credentials?: Array<{ name: string }> } }>)[className];
		const { description } = new NodeClass();
		return [`${pkg.name}.${description.name}`, (description.credentials ?? []).map((c) => c.name)];
	}),
);

interface TemplateNode {
	name: string;
	type: string;
	credentials?: Record<string, { id: string; name: string }>;
}
interface Template {
	name: string;
	nodes: TemplateNode[];
	connections: Record<string, { main: Array<Array<{ node: string }> | null> }>;
}

const files = readdirSync(join(root, 'workflows')).filter((f) => f.endsWith('.json'));

describe('template workflows', () => {
	it('there are templates, and they are shipped in the package', () => {
		assert.ok(files.length >= 2);
	});

	for (const file of files) {
		describe(file, () => {
			const template = JSON.parse(readFileSync(join(root, 'workflows', file), 'utf8')) as Template;
			const names = new Set(template.nodes.map((n) => n.name));

			it('uses nodes this package ships, by their current names, or n8n\'s own', () => {
				assert.ok(template.name.trim(), 'it has a name');
				for (const node of template.nodes) {
					if (node.type.startsWith(`${pkg.name}.`)) assert.ok(shipped.has(node.type), `${node.name}: ${node.type} is a node of this package`);
					else assert.match(node.type, /^n8n-nodes-base\./, `${node.name}: ${node.type}`);
				}
				assert.ok(template.nodes.some((n) => n.type.startsWith(`${pkg.name}.`)));
			});

			it('connects only nodes that exist', () => {
				for (const [from, outputs] of Object.entries(template.connections)) {
					assert.ok(names.has(from), `connection from unknown node "${from}"`);
					for (const target of outputs.main.flat()) if (target) assert.ok(names.has(target.node), `${from} -> unknown node "${target.node}"`);
				}
			});

			it('keeps state through the store credential that npm start creates, and leaves other credentials to the user', () => {
				for (const node of template.nodes) {
					for (const [type, ref] of Object.entries(node.credentials ?? {})) {
						assert.equal(type, 'leadHandoffStoreApi', `${node.name}: a ${type} credential is the user's to pick, not the template's`);
						assert.deepEqual(ref, { id: 'leadHandoffStore1', name: 'Lead Handoff Store' }, node.name);
					}
					if (shipped.get(node.type)?.includes('leadHandoffStoreApi') && node.type !== `${pkg.name}.leadScore` && node.type !== `${pkg.name}.leadEnrich`) {
						// Nodes that always need the store must have it set, or the template cannot run as imported.
						assert.ok(node.credentials?.leadHandoffStoreApi, `${node.name} has the store credential`);
					}
				}
			});

			it('protects its webhooks: a header or basic auth, or the CRM\'s signature checked by Lead Feedback Trigger', () => {
				for (const node of template.nodes as Array<TemplateNode & { parameters?: Record<string, unknown> }>) {
					if (node.type === 'n8n-nodes-base.webhook') assert.ok(['headerAuth', 'basicAuth'].includes(String(node.parameters?.authentication)), `${node.name}: authentication is ${String(node.parameters?.authentication)}`);
					if (node.type === `${pkg.name}.leadFeedbackTrigger`) assert.ok(['hubspot', 'basicAuth', 'hmac'].includes(String(node.parameters?.verifyWith)), `${node.name}: Verify With is ${String(node.parameters?.verifyWith)}`);
				}
			});

			it('explains itself in a sticky note', () => {
				assert.ok(template.nodes.some((n) => n.type === 'n8n-nodes-base.stickyNote'));
			});
		});
	}
});
