/**
 * What n8n needs from the published package: every node and credential listed in package.json
 * is built, loads, has its icons and codex file, and keeps the internal name that template
 * workflows refer to. Runs against dist/, so `npm run build` comes first (npm test does it).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const root = join(__dirname, '../..');
/** Loads a built CommonJS file the way n8n does. */
const loadModule = createRequire(__filename);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
	name: string;
	keywords: string[];
	license: string;
	peerDependencies: Record<string, string>;
	dependencies: Record<string, string>;
	n8n: { nodes: string[]; credentials: string[] };
};

/** Template workflows refer to these names; changing one breaks every imported workflow. */
const FIXED_NODE_NAMES: Record<string, string> = {
	LeadScore: 'leadScore',
	LeadHandoffData: 'leadHandoffData',
	LeadEnrich: 'leadEnrich',
	HandoffGate: 'handoffGate',
	TierRouter: 'tierRouter',
};

describe('the published package', () => {
	it('follows the community package conventions', () => {
		assert.equal(pkg.name, 'n8n-nodes-lead-handoff');
		assert.ok(pkg.keywords.includes('n8n-community-node-package'));
		assert.equal(pkg.license, 'MIT');
		assert.ok(pkg.peerDependencies['n8n-workflow'], 'n8n-workflow is a peer dependency');
		assert.equal(pkg.dependencies['n8n-workflow'], undefined, 'and not a runtime dependency');
	});

	it('every listed node is built, loads, and has its codex file and icons', () => {
		assert.ok(pkg.n8n.nodes.length >= Object.keys(FIXED_NODE_NAMES).length);
		for (const file of pkg.n8n.nodes) {
			const path = join(root, file);
			assert.ok(existsSync(path), `${file} is built`);
			const className = file.split('/').pop()!.replace('.node.js', '');
			const NodeClass = (loadModule(path) as Record<string, new () => { description: { name: string; icon: unknown } }>)[className];
			assert.ok(NodeClass, `${file} exports the class ${className}`);
			const { description } = new NodeClass();
			if (FIXED_NODE_NAMES[className]) assert.equal(description.name, FIXED_NODE_NAMES[className], `${className} keeps its internal name`);
			const codex = join(dirname(path), `${className}.node.json`);
			assert.ok(existsSync(codex), `${className} has its codex file in dist`);
			assert.equal(JSON.parse(readFileSync(codex, 'utf8')).node, `${pkg.name}.${description.name}`);
			for (const icon of Object.values(description.icon as Record<string, string>)) {
				assert.ok(existsSync(join(dirname(path), icon.replace('file:', ''))), `${className} icon ${icon} is in dist`);
			}
		}
	});

	it('every listed credential is built and loads', () => {
		for (const file of pkg.n8n.credentials) {
			assert.ok(existsSync(join(root, file)), `${file} is built`);
			assert.ok(Object.keys(loadModule(join(root, file)) as object).length > 0);
		}
	});

	it('the tarball ships the built nodes, the JSON schemas and the templates, and no sources or tests', () => {
		const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as [{ files: Array<{ path: string }> }];
		const files = packed.files.map((f) => f.path);
		for (const node of pkg.n8n.nodes) assert.ok(files.includes(node), `${node} is packed`);
		assert.ok(files.includes('dist/nodes/engine/scoring/scoring.schema.json'), 'the scoring schema is packed');
		for (const part of ['gate/gate', 'routing/routing', 'calendar/calendar']) assert.ok(files.includes(`dist/nodes/engine/${part}.schema.json`), `${part}.schema.json is packed`);
		assert.ok(files.includes('dist/nodes/engine/enrich/enrich.schema.json'), 'the enrichment schema is packed');
		assert.ok(!files.some((f) => f.startsWith('test/') || (f.endsWith('.ts') && !f.endsWith('.d.ts'))), 'no tests or TypeScript sources are packed');
		const stray = files.filter((f) => !/^(package\.json|README\.md|LICENSE(\.md)?|dist\/(nodes|credentials)\/.+|workflows\/[^/]+\.json)$/.test(f));
		assert.deepEqual(stray, [], 'nothing but the manifest, the README, the built nodes and credentials, and the templates');
	});

	it('every runtime dependency is used by the built package', () => {
		const sources = (readdirSync(join(root, 'dist'), { recursive: true, encoding: 'utf8' }) as string[])
			.filter((f) => f.endsWith('.js'))
			.map((f) => readFileSync(join(root, 'dist', f), 'utf8'))
			.join('\n');
		const imported = new Set([...sources.matchAll(/require\(["']([^"'./][^"']*)["']\)/g)].map(([, spec]) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0])));
		const unused = Object.keys(pkg.dependencies ?? {}).filter((dep) => !imported.has(dep));
		assert.deepEqual(unused, [], 'dependencies that nothing imports');
	});
});
