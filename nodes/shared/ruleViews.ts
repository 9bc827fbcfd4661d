/**
 * A node's rules have two views, the tables and one JSON parameter, chosen by a mode parameter.
 *
 * n8n's editor (2.41) keeps only what the panel shows. When the mode changes it removes the
 * value of every parameter that leaves the panel's list (a parameter of type `hidden` is never
 * in the list, so a hidden twin of the same name does not save it), and it removes a table or a
 * collection whose display depends by name on the changed parameter as soon as the change shows
 * it again. So each view's parameters are kept this way:
 *
 * - the view's own properties depend on the mode through the root path (`/rulesSource`), which
 *   the editor's clean-up after a change does not follow;
 * - each has a twin of the same name and default: a notice, listed while the other view is
 *   chosen and the value differs from its default. The notice says that the value is kept and
 *   not used; being listed, it keeps the value in the panel, and n8n saves it. A value at its
 *   default needs no keeping: the twin is not listed, and the default comes back.
 *
 * Switching there and back gives back what the view held; test/nodes/editor-switch.test.ts
 * replays the editor's steps and test/editor/editor.test.ts makes the switches in n8n.
 *
 * A view that holds only its defaults while the other view holds the user's rules is what a
 * switch leaves behind: the node then refuses to run and says what the other view has, rather
 * than run on defaults (an empty roster sends every lead to the fallback queue).
 */
import stableStringify from 'fast-json-stable-stringify';
import { NodeHelpers, type DisplayCondition, type IDisplayOptions, type IExecuteFunctions, type INodeParameters, type INodeProperties, type NodeParameterValue } from 'n8n-workflow';

import { ProtocolError } from '../engine/common/errors';

/** Reads a node parameter of the first item, with n8n's default filled in. */
export type ParameterReader = (name: string) => unknown;

/**
 * The view's properties, shown while the `mode` parameter is not one of `otherModes`, each
 * followed by its twins that keep the value while it is.
 */
export function keptInOtherMode(properties: INodeProperties[], mode: string, otherModes: string[]): INodeProperties[] {
	return properties.flatMap((property) => [shownThroughRoot(property, mode), ...keptTwins(property, mode, otherModes)]);
}

/** The property with its display condition on `mode` read from the root (`/mode`). */
export function shownThroughRoot(property: INodeProperties, mode: string): INodeProperties {
	const display = property.displayOptions;
	if (!display) return property;
	const moved = (conditions: IDisplayOptions['show']) => (conditions && mode in conditions ? Object.fromEntries(Object.entries(conditions).map(([k, v]) => [k === mode ? `/${mode}` : k, v])) : conditions);
	return { ...property, displayOptions: { ...display, ...(display.show ? { show: moved(display.show) } : {}), ...(display.hide ? { hide: moved(display.hide) } : {}) } };
}

/**
 * The twins that keep a property's value while `mode` is one of `otherModes`, both with the
 * property's name and default and its other display conditions (a version, another parameter):
 * - a `hidden` one, so that n8n fills the value in (and saves it) while the other view is shown;
 * - a notice, listed in the panel while the value is not the default (as saved, or as the editor
 *   fills it in), so that the editor keeps it; it says the value is kept and not used. A value at
 *   its default needs no keeping: the editor drops it and the default comes back.
 */
export function keptTwins(property: INodeProperties, mode: string, otherModes: string[]): INodeProperties[] {
	const { [mode]: _mode, [`/${mode}`]: _root, ...otherShow } = property.displayOptions?.show ?? {};
	const { [mode]: _hideMode, [`/${mode}`]: _hideRoot, ...otherHide } = property.displayOptions?.hide ?? {};
	const inOtherMode = { ...otherShow, [`/${mode}`]: otherModes };
	const isDefault = defaultForms(property).map((value): DisplayCondition => ({ _cnd: { eq: value as NodeParameterValue } }));
	const hidden: INodeProperties = { displayName: property.displayName, name: property.name, type: 'hidden', default: property.default, displayOptions: { show: inOtherMode, ...(Object.keys(otherHide).length ? { hide: otherHide } : {}) } };
	const notice: INodeProperties = {
		displayName: `${property.displayName}: kept as set in the other mode, not used while this one is chosen`,
		name: property.name,
		type: 'notice',
		default: property.default,
		displayOptions: { show: inOtherMode, hide: { ...otherHide, [property.name]: isDefault } },
	};
	return [hidden, notice];
}

/** Whether a property is a twin that keeps another property's value (see keptTwins). */
export function isKeptTwin(property: INodeProperties, properties: INodeProperties[]): boolean {
	return (property.type === 'notice' || property.type === 'hidden') && properties.some((p) => p.name === property.name && p.type !== 'notice' && p.type !== 'hidden');
}

/**
 * The property's default in the forms the editor holds it: as declared, with the defaults of a
 * row's fields filled in (while shown), and without them (as saved, and as kept while hidden).
 */
function defaultForms(property: INodeProperties): unknown[] {
	const { displayOptions: _display, ...bare } = property;
	const filled = NodeHelpers.getNodeParameters([bare], {}, true, false, null, null)?.[property.name] ?? property.default;
	const sparse = NodeHelpers.getNodeParameters([bare], { [property.name]: filled } as INodeParameters, false, false, null, null)?.[property.name] ?? property.default;
	const forms: unknown[] = [];
	for (const form of [property.default, filled, sparse]) if (!forms.some((f) => stableStringify(f) === stableStringify(form))) forms.push(form);
	return forms;
}

/**
 * Reads the first item's parameters. A view's parameter comes as n8n saved it: absent while the
 * other view is chosen and it holds its default (its twin is not shown then), and without the
 * defaults n8n leaves out of a kept row (a row's "Test: Score"). Both are filled in from the
 * shown property of the node's version, by n8n's own rules, so a kept view reads as it did
 * when shown.
 */
export function parameterReader(ctx: IExecuteFunctions, properties: INodeProperties[]): ParameterReader {
	return (name) => {
		const value = ctx.getNodeParameter(name, 0, null) ?? undefined;
		if (!properties.some((p) => p.name === name && isKeptTwin(p, properties))) return value;
		if (value !== undefined && typeof value !== 'object') return value;
		const node = ctx.getNode();
		const ofVersion = (p: INodeProperties) => {
			const versions = p.displayOptions?.show?.['@version'];
			return !versions || NodeHelpers.checkConditions(versions, [node.typeVersion]);
		};
		const shown = properties.find((p) => p.name === name && !isKeptTwin(p, properties) && ofVersion(p));
		if (!shown) return value;
		const filled = NodeHelpers.getNodeParameters([shown], (value === undefined ? {} : { [name]: value }) as INodeParameters, true, true, node, null);
		return filled?.[name] ?? value ?? shown.default;
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
