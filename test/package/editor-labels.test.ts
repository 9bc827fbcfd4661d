/**
 * What the editor shows under each node on the canvas and on credential buttons.
 *
 * Subtitles: n8n 2.41.1 evaluates a node's `subtitle` expression against its parameters
 * (getSimpleParameterValue, as the editor's node helpers do) and prints it on one line under the
 * node, cut with an ellipsis past twice the node's width (200 px at 13 px, about 30 characters).
 * One pattern for every node: what the node does in its mode or operation, as a short verb phrase
 * in sentence case, with " (JSON)" when its rules or settings come from a JSON document.
 *
 * Credential names: n8n builds its phrases around a credential type's displayName ("Credential
 * for …", "… account", "Credentials for '…' are not set"), so the name is the bare service.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { NodeHelpers, Workflow, type INode, type INodeParameters, type INodeProperties, type INodeType, type INodeTypes } from 'n8n-workflow';

/** The canvas cuts a subtitle longer than this. */
const SUBTITLE_MAX_CHARS = 28;

const root = join(__dirname, '../..');
const loadModule = createRequire(__filename);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; n8n: { nodes: string[]; credentials: string[] } };

/** The package's classes, from the sources the listed dist files are built from. */
function loadClasses<T>(files: string[], suffix: string): Array<{ className: string; instance: T }> {
	return files.map((file) => {
		const className = file.split('/').pop()!.replace(`${suffix}.js`, '');
		const source = join(root, file.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
		const Class = (loadModule(source) as Record<string, new () => T>)[className];
		return { className, instance: new Class() };
	});
}

const nodes = loadClasses<INodeType>(pkg.n8n.nodes, '.node');

/** The parameters a node's subtitle reads. */
const subtitleParameters = (nodeType: INodeType) => [...new Set([...String(nodeType.description.subtitle).matchAll(/\$parameter\["(\w+)"\]/g)].map((m) => m[1]))];

/** Every combination of the option values of the parameters the subtitle reads; with `hidden`, also each one left out (hidden by displayOptions). */
function parameterCombinations(nodeType: INodeType, hidden: boolean): INodeParameters[] {
	let combinations: INodeParameters[] = [{}];
	// A parameter shown for some values of the earlier ones (an operation per resource) offers its options there alone.
	const shownFor = (p: INodeProperties, c: INodeParameters) => Object.entries(p.displayOptions?.show ?? {}).every(([key, allowed]) => !(key in c) || (allowed as unknown[]).includes(c[key]));
	for (const name of subtitleParameters(nodeType)) {
		const properties = nodeType.description.properties.filter((p) => p.name === name);
		const values = properties.flatMap((p) => (p.options ?? []).map((o) => ('value' in o ? (o.value as string) : '')));
		assert.ok(values.length > 0, `${nodeType.description.displayName}: the subtitle reads "${name}", an options parameter`);
		combinations = combinations.flatMap((c) => {
			const shown = properties.filter((p) => shownFor(p, c)).flatMap((p) => (p.options ?? []).map((o) => ('value' in o ? (o.value as string) : '')));
			const choices: Array<string | undefined> = [...new Set(shown), ...(hidden ? [undefined] : [])];
			return choices.map((v) => (v === undefined ? c : { ...c, [name]: v }));
		});
	}
	return combinations;
}

/** The subtitle the editor shows for a node with these parameters (defaults filled in, as when the node is added). */
function subtitleOf(nodeType: INodeType, set: INodeParameters): string {
	const node: INode = { id: '1', name: nodeType.description.defaults.name!, type: `${pkg.name}.${nodeType.description.name}`, typeVersion: 1, position: [0, 0], parameters: {} };
	node.parameters = NodeHelpers.getNodeParameters(nodeType.description.properties, set, true, false, node, nodeType.description) ?? {};
	const nodeTypes: INodeTypes = { getByName: () => nodeType, getByNameAndVersion: () => nodeType, getKnownTypes: () => ({}) };
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	return String(workflow.expression.getSimpleParameterValue(node, nodeType.description.subtitle, 'internal', {}));
}

describe('node subtitles on the canvas', () => {
	const table = nodes.map(({ instance }) => ({
		node: instance.description.displayName,
		subtitles: [...new Set(parameterCombinations(instance, true).map((set) => subtitleOf(instance, set)))],
	}));

	afterAll(() => {
		console.log(`Subtitles:\n${table.map(({ node, subtitles }) => `  ${node.padEnd(18)} ${subtitles.map((s) => `"${s}"`).join(', ')}`).join('\n')}`);
	});

	it('every node has a subtitle', () => {
		for (const { instance } of nodes) assert.ok(instance.description.subtitle, `${instance.description.displayName} has a subtitle`);
	});

	it(`the longest possible subtitle fits on the canvas (${SUBTITLE_MAX_CHARS} characters)`, () => {
		const longest = table.flatMap(({ node, subtitles }) => subtitles.map((s) => ({ node, s }))).sort((a, b) => b.s.length - a.s.length)[0];
		assert.ok(longest.s.length <= SUBTITLE_MAX_CHARS, `${longest.node}: "${longest.s}" is ${longest.s.length} characters`);
	});

	it('every subtitle follows the pattern: a verb phrase in sentence case, " (JSON)" when the rules come from JSON', () => {
		for (const { node, subtitles } of table) {
			for (const s of subtitles) assert.match(s, /^[A-Z][a-z]+( [a-z-]+)*( \(JSON\))?$/, `${node}: "${s}"`);
		}
	});

	it('the subtitle tells every mode, operation and rules source apart', () => {
		for (const { instance } of nodes) {
			const subtitles = parameterCombinations(instance, false).map((set) => subtitleOf(instance, set));
			assert.equal(new Set(subtitles).size, subtitles.length, `${instance.description.displayName}: ${subtitles.join(' | ')}`);
		}
	});
});

describe('credential names', () => {
	const credentials = loadClasses<{ name: string; displayName: string }>(pkg.n8n.credentials, '.credentials');

	it('name the service alone, short enough for "Credential for …" and "… account"', () => {
		for (const { instance } of credentials) {
			const { displayName } = instance;
			assert.doesNotMatch(displayName, /[()]/, `"${displayName}" has no aside in parentheses`);
			assert.doesNotMatch(displayName, /\bcredentials?\b|\baccount\b/i, `"${displayName}": n8n adds "credential" and "account" itself`);
			assert.ok(`${displayName} account`.length <= 30, `"${displayName} account" fits a credential button`);
		}
	});
});
