/**
 * A small template language over the brief, safe by construction: it only reads values.
 *   {{who.name}}                  a value, escaped for the channel (lists are joined with ", ")
 *   {{#talkingPoints}}- {{.}}{{/talkingPoints}}   a section: repeated per item of a list, shown
 *                                 once for any other value that is set; `{{.}}` is the item
 *   {{^score}}no score{{/score}}  shown when the value is missing, false or an empty list
 * No code, no helpers, no partials, no raw output: nothing a template says can run or unescape.
 */
import { ProtocolError } from '../common/errors';
import { parsePath } from '../common/paths';

export type Escape = (text: string) => string;

type Node =
	| { kind: 'text'; text: string }
	| { kind: 'value'; path: string[] }
	| { kind: 'section'; path: string[]; inverted: boolean; children: Node[] };

export interface Template {
	readonly source: string;
	render(data: unknown, escape: Escape): string;
}

const TAG = /\{\{\s*([#^/]?)\s*([^{}]*?)\s*\}\}/g;
const PATH = /^(\.|[\p{L}_$][\p{L}\p{N}_$]*(\[\d+\])*(\.[\p{L}_$][\p{L}\p{N}_$]*(\[\d+\])*)*)$/u;

/** Compiles once; errors name the JSON path of the template option and where in it. */
export function compileTemplate(source: string, jsonPath: string, knownRoots?: readonly string[]): Template {
	const root: Node[] = [];
	const stack: Array<{ name: string; children: Node[] }> = [{ name: '', children: root }];
	let last = 0;
	for (const match of source.matchAll(TAG)) {
		const [tag, sigil, name] = match;
		const at = match.index ?? 0;
		const children = stack[stack.length - 1].children;
		if (at > last) children.push({ kind: 'text', text: source.slice(last, at) });
		last = at + tag.length;
		if (!PATH.test(name)) throw ProtocolError.at(jsonPath, `"${tag}" at character ${at + 1} is not a placeholder: write {{a.path}}, {{#a.path}}...{{/a.path}} or {{^a.path}}...{{/a.path}}`);
		const path = name === '.' ? [] : parsePath(name);
		// Outside any section a placeholder reads the brief itself: catch typos now, not in Slack.
		if (knownRoots && stack.length === 1 && sigil !== '/' && path.length > 0 && !knownRoots.includes(path[0])) {
			throw ProtocolError.at(jsonPath, `unknown placeholder {{${name}}} at character ${at + 1}: the brief has ${knownRoots.join(', ')}`);
		}
		if (sigil === '#' || sigil === '^') {
			const section: Node = { kind: 'section', path, inverted: sigil === '^', children: [] };
			children.push(section);
			stack.push({ name, children: section.children });
		} else if (sigil === '/') {
			const open = stack.pop();
			if (!open || stack.length === 0 || open.name !== name) {
				throw ProtocolError.at(jsonPath, `{{/${name}}} at character ${at + 1} closes ${open && stack.length > 0 ? `{{#${open.name}}}` : 'no section'}`);
			}
		} else children.push({ kind: 'value', path });
	}
	if (stack.length > 1) throw ProtocolError.at(jsonPath, `the section {{#${stack[stack.length - 1].name}}} is never closed with {{/${stack[stack.length - 1].name}}}`);
	if (/\{\{|\}\}/.test(source.slice(last))) throw ProtocolError.at(jsonPath, `an unfinished placeholder near character ${last + 1}`);
	if (last < source.length) root.push({ kind: 'text', text: source.slice(last) });

	return {
		source,
		render: (data, escape) => renderNodes(root, [data], escape),
	};
}

function renderNodes(nodes: readonly Node[], contexts: unknown[], escape: Escape): string {
	let out = '';
	for (const node of nodes) {
		if (node.kind === 'text') out += node.text;
		else if (node.kind === 'value') out += escape(formatValue(lookup(node.path, contexts)));
		else {
			const value = lookup(node.path, contexts);
			const empty = value === undefined || value === null || value === false || value === '' || (Array.isArray(value) && value.length === 0);
			if (node.inverted) {
				if (empty) out += renderNodes(node.children, contexts, escape);
			} else if (!empty) {
				const items = Array.isArray(value) ? value : [value];
				for (const item of items) out += renderNodes(node.children, [...contexts, item], escape);
			}
		}
	}
	return out;
}

/** The innermost context that has the first key answers (as in Mustache). */
function lookup(path: readonly string[], contexts: readonly unknown[]): unknown {
	if (path.length === 0) return contexts[contexts.length - 1];
	for (let i = contexts.length - 1; i >= 0; i--) {
		const ctx = contexts[i];
		if (typeof ctx === 'object' && ctx !== null && Object.prototype.hasOwnProperty.call(ctx, path[0])) {
			let current: unknown = ctx;
			for (const key of path) {
				if (typeof current !== 'object' || current === null || !Object.prototype.hasOwnProperty.call(current, key)) return undefined;
				current = (current as Record<string, unknown>)[key];
			}
			return current;
		}
	}
	return undefined;
}

export function formatValue(value: unknown): string {
	if (value === undefined || value === null) return '';
	if (typeof value === 'string') return value;
	if (typeof value === 'number') return Number.isFinite(value) ? String(Math.round(value * 100) / 100) : '';
	if (typeof value === 'boolean') return value ? 'yes' : 'no';
	if (Array.isArray(value)) return value.map(formatValue).filter((s) => s !== '').join(', ');
	if (typeof value === 'object' && typeof (value as { text?: unknown }).text === 'string') return (value as { text: string }).text;
	return '';
}
