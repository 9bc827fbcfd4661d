/**
 * A node's rules have two views, the tables and one JSON parameter, chosen by a mode parameter.
 *
 * n8n keeps only the parameters the chosen mode shows: when the mode changes, the editor drops
 * every parameter the new mode hides, whatever its value. So each view's parameters get a
 * twin of type `hidden`, with the same name and default, shown (to n8n, not on screen) in the
 * other mode: n8n then keeps the user's rows while JSON is chosen and the JSON while the
 * tables are. Nothing is lost on switching back.
 *
 * A view that holds only its defaults while the other view holds the user's rules is what a
 * switch leaves behind: the node then refuses to run and says what the other view has, rather
 * than run on defaults (an empty roster sends every lead to the fallback queue).
 */
import stableStringify from 'fast-json-stable-stringify';
import { NodeHelpers, type IExecuteFunctions, type INodeParameters, type INodeProperties } from 'n8n-workflow';

import { ProtocolError } from '../engine/common/errors';

/** Reads a node parameter of the first item, with n8n's default filled in. */
export type ParameterReader = (name: string) => unknown;

/**
 * The view's properties, each followed by a hidden twin that keeps its value while `mode`
 * parameter shows the other view (`otherModes`).
 */
export function keptInOtherMode(properties: INodeProperties[], mode: string, otherModes: string[]): INodeProperties[] {
	return properties.flatMap((property) => [property, hiddenTwin(property, mode, otherModes)]);
}

/** A property's twin that keeps its value, unseen, while `mode` is one of `otherModes`. */
export function hiddenTwin(property: INodeProperties, mode: string, otherModes: string[]): INodeProperties {
	return { displayName: property.displayName, name: property.name, type: 'hidden', default: property.default, displayOptions: { show: { [mode]: otherModes } } };
}

/**
 * Reads the first item's parameters. A value kept by a hidden twin is as n8n saved it, without
 * the defaults it leaves out (a row's "Test: Score"); they are filled in from the shown
 * property, by n8n's own rules, so the kept rows read as they did when shown.
 */
export function parameterReader(ctx: IExecuteFunctions, properties: INodeProperties[]): ParameterReader {
	return (name) => {
		const value = ctx.getNodeParameter(name, 0, null) ?? undefined;
		const shown = properties.find((p) => p.name === name && p.type !== 'hidden');
		if (value === undefined || !shown || !properties.some((p) => p.name === name && p.type === 'hidden') || typeof value !== 'object') return value;
		const node = ctx.getNode();
		const filled = NodeHelpers.getNodeParameters([shown], { [name]: value } as INodeParameters, true, true, node, null);
		return filled?.[name] ?? value;
	};
}

export interface RuleViews<T> {
	/** The node, as the user knows it: "Tier Router". */
	node: string;
	/** The mode parameter, as the panel names it ("Rules Source"), and the view it chooses. */
	modeParameter: string;
	source: 'editor' | 'json';
	/** The views by name, as the mode options say them, and the rules as a sentence names them. */
	table: { mode: string; rules: string; read: () => T; defaults: () => T };
	json: { mode: string; rules: string; read: () => T; defaults: () => T };
	/** What a set of rules holds, e.g. "4 reps, 2 teams and 3 tiers". */
	summary: (rules: T) => string;
}

/**
 * The rules of the chosen view. Refuses when the chosen view holds only its defaults while the
 * other one holds other rules: the user switched modes, and running on the defaults would
 * silently drop what they set.
 */
export function rulesInUse<T>(views: RuleViews<T>): T {
	const [chosen, other] = views.source === 'json' ? [views.json, views.table] : [views.table, views.json];
	const rules = chosen.read();
	if (!same(rules, chosen.defaults())) return rules;
	let otherRules: T | undefined;
	let otherReadable = true;
	try {
		otherRules = other.read();
	} catch {
		otherReadable = false;
	}
	if (otherReadable && same(otherRules, other.defaults())) return rules;
	const held = otherReadable ? views.summary(otherRules as T) : 'rules that do not read';
	throw new ProtocolError(
		`${views.node} is set to ${chosen.mode} but the ${chosen.rules} hold only the defaults, while the ${other.rules} (kept, not used) hold ${held}. ` +
			`Switch ${views.modeParameter} back to ${other.mode}, or change the ${chosen.rules} to the rules you want.`,
	);
}

/** Equal as JSON: key order and keys without a value do not count. */
const same = (a: unknown, b: unknown) => stableStringify(a) === stableStringify(b);

/** "3 fit rules", "1 rep", "no teams" */
export function count(n: number, singular: string, plural = `${singular}s`): string {
	return `${n === 0 ? 'no' : n} ${n === 1 ? singular : plural}`;
}

/** "a, b and c" */
export function inWords(parts: string[]): string {
	return parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}
