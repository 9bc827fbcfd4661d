/**
 * The package's modules import each other without cycles: layers point down (nodes -> engine,
 * nodes -> store), and within a layer a cycle means that two modules are really one, or that a
 * shared part wants a module of its own. Imports are read with the TypeScript compiler, the way
 * the build reads them; type-only imports count too (they still tie the modules together).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

const ROOT = path.join(__dirname, '../..');
const SOURCE_FOLDERS = ['nodes', 'credentials'];

function sourceFiles(folder: string): string[] {
	return readdirSync(folder).flatMap((name) => {
		const full = path.join(folder, name);
		if (statSync(full).isDirectory()) return sourceFiles(full);
		return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [full] : [];
	});
}

/** The package file a relative specifier names, or undefined for packages and JSON. */
function resolve(from: string, specifier: string): string | undefined {
	if (!specifier.startsWith('.')) return undefined;
	const base = path.resolve(path.dirname(from), specifier);
	return [base, `${base}.ts`, path.join(base, 'index.ts')].find((candidate) => candidate.endsWith('.ts') && existsSync(candidate));
}

/** Every module's imports and re-exports within the package. */
function importGraph(files: string[]): Map<string, string[]> {
	const graph = new Map<string, string[]>();
	for (const file of files) {
		const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
		const targets = new Set<string>();
		for (const statement of source.statements) {
			const specifier = (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier) ? statement.moduleSpecifier.text : undefined;
			const target = specifier === undefined ? undefined : resolve(file, specifier);
			if (target) targets.add(target);
		}
		graph.set(file, [...targets]);
	}
	return graph;
}

/** The import cycles of a graph, each as the path of modules that closes it (Tarjan's components). */
function importCycles(graph: Map<string, string[]>): string[][] {
	const index = new Map<string, number>();
	const low = new Map<string, number>();
	const stack: string[] = [];
	const onStack = new Set<string>();
	const cycles: string[][] = [];
	let counter = 0;
	const visit = (node: string): void => {
		index.set(node, counter);
		low.set(node, counter);
		counter++;
		stack.push(node);
		onStack.add(node);
		for (const next of graph.get(node) ?? []) {
			if (!index.has(next)) {
				visit(next);
				low.set(node, Math.min(low.get(node)!, low.get(next)!));
			} else if (onStack.has(next)) {
				low.set(node, Math.min(low.get(node)!, index.get(next)!));
			}
		}
		if (low.get(node) !== index.get(node)) return;
		const component: string[] = [];
		let member: string;
		do {
			member = stack.pop()!;
			onStack.delete(member);
			component.push(member);
		} while (member !== node);
		const selfImport = (graph.get(node) ?? []).includes(node);
		if (component.length > 1 || selfImport) cycles.push(component.reverse());
	};
	for (const node of graph.keys()) if (!index.has(node)) visit(node);
	return cycles;
}

describe('module imports', () => {
	it('finds a cycle when there is one (the check itself works)', () => {
		const graph = new Map([
			['a', ['b']],
			['b', ['c']],
			['c', ['a']],
			['d', ['a']],
			['e', ['e']],
		]);
		assert.deepEqual(
			importCycles(graph).map((cycle) => [...cycle].sort()),
			[['a', 'b', 'c'], ['e']],
		);
		assert.deepEqual(importCycles(new Map([['a', ['b']], ['b', []]])), []);
	});

	it('nodes/ and credentials/ import each other without a cycle', () => {
		const files = SOURCE_FOLDERS.flatMap((folder) => sourceFiles(path.join(ROOT, folder)));
		assert.ok(files.length > 50, `read ${files.length} modules`);
		const graph = importGraph(files);
		assert.ok([...graph.values()].some((targets) => targets.length > 0), 'imports were resolved');
		const cycles = importCycles(graph).map((cycle) => cycle.map((file) => path.relative(ROOT, file)).join(' -> '));
		assert.deepEqual(cycles, [], `import cycles:\n${cycles.join('\n')}`);
	});
});
