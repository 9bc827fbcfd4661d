/**
 * A parameter change in n8n's node panel, replayed without a browser, as the 2.41 editor makes it:
 *
 * 1. the panel sets the value on the node's parameters (those that differ from the defaults),
 *    then removes "mismatched option values": every parameter with options (an options list, a
 *    collection or a fixed collection) whose display depends on the changed parameter by name,
 *    that is displayed after the change, and whose value is not among its options. For a
 *    collection or a fixed collection the editor compares the keys of ALL the node's parameters
 *    with the option names, so such a parameter is always removed when the change shows it;
 * 2. it fills in the defaults of what is now displayed (NodeHelpers.getNodeParameters);
 * 3. the parameter list then removes the value of every parameter it showed before and no longer
 *    shows (a `hidden` parameter is never shown), and fills in the defaults again, until
 *    nothing more leaves the list.
 *
 * The authentication parameter and the parameters the credentials depend on are shown in the
 * credentials dialog, not in the list, so they never leave it. test/editor/editor.test.ts makes
 * the same switches in the real editor.
 */
import { NodeHelpers, deepCopy, type INode, type INodeParameters, type INodeProperties, type INodeType, type INodeTypeDescription, type NodeParameterValueType } from 'n8n-workflow';

/** The parameters the editor holds for a node with these saved parameters (defaults filled in). */
export function inPanel(type: INodeType, saved: INodeParameters, typeVersion = 1): INodeParameters {
	return filled(type.description, saved, typeVersion);
}

/** Sets one top-level parameter in the panel; returns the parameters the editor then holds. */
export function setInPanel(type: INodeType, parameters: INodeParameters, name: string, value: NodeParameterValueType, typeVersion = 1): INodeParameters {
	const description = type.description;
	let current = filled(description, parameters, typeVersion);
	let listed = shownInList(description, current, typeVersion);
	current = update(description, current, name, value, typeVersion);
	for (let round = 0; round < 10; round++) {
		const now = shownInList(description, current, typeVersion);
		const gone = [...listed].filter((n) => !now.has(n));
		if (!gone.length) return current;
		for (const parameter of gone) current = update(description, current, parameter, undefined, typeVersion);
		listed = now;
	}
	return current;
}

/** What the workflow saves: the parameters that differ from their defaults. */
export function saved(type: INodeType, parameters: INodeParameters, typeVersion = 1): INodeParameters {
	return NodeHelpers.getNodeParameters(type.description.properties, parameters, false, false, node(type.description, parameters, typeVersion), type.description)!;
}

const node = (description: INodeTypeDescription, parameters: INodeParameters, typeVersion: number) =>
	({ id: 'panel', name: description.defaults.name ?? 'node', type: description.name, typeVersion, position: [0, 0], parameters }) as INode;

function filled(description: INodeTypeDescription, parameters: INodeParameters, typeVersion: number): INodeParameters {
	return NodeHelpers.getNodeParameters(description.properties, parameters, true, false, node(description, parameters, typeVersion), description)!;
}

function update(description: INodeTypeDescription, parameters: INodeParameters, name: string, value: NodeParameterValueType | undefined, typeVersion: number): INodeParameters {
	const values = deepCopy(NodeHelpers.getNodeParameters(description.properties, parameters, false, false, node(description, parameters, typeVersion), description)!);
	if (value === undefined) delete values[name];
	else {
		values[name] = value;
		removeMismatchedOptionValues(description, values, name, typeVersion);
	}
	return filled(description, values, typeVersion);
}

function removeMismatchedOptionValues(description: INodeTypeDescription, values: INodeParameters, changed: string, typeVersion: number): void {
	for (const property of description.properties) {
		const display = property.displayOptions;
		if (!Object.prototype.hasOwnProperty.call(values, property.name) || !display || !property.options) continue;
		if (display.show?.[changed] === undefined && display.hide?.[changed] === undefined) continue;
		const options = property.options as Array<{ name: string; value?: unknown }>;
		const listsFields = property.type === 'collection' || property.type === 'fixedCollection';
		const valid = listsFields ? Object.keys(values).every((key) => options.some((o) => o.name === key)) : options.some((o) => o.value === values[property.name]);
		if (!valid && NodeHelpers.displayParameter(values, property, node(description, values, typeVersion), description)) delete values[property.name];
	}
}

/** Names of the top-level parameters the panel's list shows. */
function shownInList(description: INodeTypeDescription, values: INodeParameters, typeVersion: number): Set<string> {
	const inDialog = new Set((description.credentials ?? []).flatMap((c) => Object.keys(c.displayOptions?.show ?? {})));
	const listed = (p: INodeProperties) => p.type !== 'hidden' && !inDialog.has(p.name) && NodeHelpers.displayParameter(values, p, node(description, values, typeVersion), description);
	return new Set(description.properties.filter(listed).map((p) => p.name));
}
