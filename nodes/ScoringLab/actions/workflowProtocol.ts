/**
 * The protocol as a workflow's nodes hold it: reads the saved parameters of its Lead Score,
 * Handoff Gate, Tier Router, SLA Timer and Lead Feedback nodes (workflow JSON as n8n's API or
 * its n8n node gives it) through the same readers the nodes themselves use, with n8n's defaults
 * filled in for the node's version, so the document says what those nodes would run. A parameter
 * set by an expression is resolved per lead at run time: it is listed as written, and a node whose
 * rules cannot be read without it says so instead of stopping the document.
 */
import { NodeHelpers, type IDataObject, type IExecuteFunctions, type INodeParameters, type INodeProperties, type INodeTypeDescription } from 'n8n-workflow';

import { ProtocolError } from '../../engine/common/errors';
import { compileExperiment } from '../../engine/experiment';
import { compileGate, type GateProtocol } from '../../engine/gate';
import type { NodePart, ProtocolSource, ScoringPart, SlaTimerPart } from '../../engine/lab/protocolDocument';
import type { RoutingProtocol } from '../../engine/routing/protocol';
import { compileScorer } from '../../engine/scoring';
import { handoffGateProperties } from '../../HandoffGate/description';
import { readGateRules } from '../../HandoffGate/editorRules';
import { dispositionsOf } from '../../LeadFeedback/actions/outcome/dispositions';
import { LeadFeedback } from '../../LeadFeedback/LeadFeedback.node';
import { leadScoreProperties } from '../../LeadScore/description';
import { readScoringRules } from '../../LeadScore/editorRules';
import { parameterReader } from '../../shared/ruleViews';
import { propertiesOfVersion } from '../../shared/versions';
import { slaTimerProperties } from '../../SlaTimer/router';
import { tierRouterProperties } from '../../TierRouter/description';
import { readRouting } from '../../TierRouter/editorRules';

/** A node as workflow JSON holds it. */
export interface WorkflowNode {
	name: string;
	type: string;
	typeVersion: number;
	parameters?: INodeParameters;
	disabled?: boolean;
}

export interface WorkflowJson {
	id?: string;
	name?: string;
	nodes: WorkflowNode[];
	versionId?: string;
	updatedAt?: string;
}

type Kind = 'leadScore' | 'handoffGate' | 'tierRouter' | 'slaTimer' | 'leadFeedback';
const KINDS: Kind[] = ['leadScore', 'handoffGate', 'tierRouter', 'slaTimer', 'leadFeedback'];

/** The node's kind by its type name (`<package>.<name>`), whatever the package is installed as. */
export function kindOf(type: string): Kind | undefined {
	const name = type.slice(type.lastIndexOf('.') + 1);
	return KINDS.find((k) => k === name);
}

const PROPERTIES: Record<Kind, () => INodeProperties[]> = {
	leadScore: () => leadScoreProperties,
	handoffGate: () => handoffGateProperties,
	tierRouter: () => tierRouterProperties,
	slaTimer: () => slaTimerProperties,
	leadFeedback: () => new LeadFeedback().description.properties,
};

const isExpression = (value: unknown): value is string => typeof value === 'string' && value.startsWith('=');

/** Every parameter set by an expression, by its dot path. */
export function expressionsOf(value: unknown, path = ''): Array<{ parameter: string; expression: string }> {
	if (isExpression(value)) return [{ parameter: path, expression: value.slice(1).trim() }];
	if (Array.isArray(value)) return value.flatMap((v, i) => expressionsOf(v, `${path}[${i}]`));
	if (typeof value === 'object' && value !== null) return Object.entries(value).flatMap(([k, v]) => expressionsOf(v, path ? `${path}.${k}` : k));
	return [];
}

function getPath(object: unknown, path: string): unknown {
	let value: unknown = object;
	for (const key of path.split('.')) {
		if (typeof value !== 'object' || value === null) return undefined;
		value = (value as Record<string, unknown>)[key];
	}
	return value;
}

/**
 * An execution context for reading a node of the workflow: its parameters with n8n's defaults for
 * its version, read as its own `getNodeParameter` reads them (expressions left as written).
 */
function contextOf(node: WorkflowNode, properties: INodeProperties[]): Pick<IExecuteFunctions, 'getNodeParameter' | 'getNode'> & { filled: INodeParameters } {
	const description = { properties } as INodeTypeDescription;
	const filled = NodeHelpers.getNodeParameters(properties, node.parameters ?? {}, true, false, { typeVersion: node.typeVersion }, description) ?? {};
	const inode = { id: node.name, name: node.name, type: node.type, typeVersion: node.typeVersion, position: [0, 0] as [number, number], parameters: filled };
	return {
		filled,
		getNode: () => inode,
		getNodeParameter: ((name: string, _itemIndex: number, fallback?: unknown) => {
			const value = getPath(filled, name);
			return value === undefined ? fallback : value;
		}) as IExecuteFunctions['getNodeParameter'],
	};
}

function messageOf(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

function scoringPart(node: WorkflowNode, ctx: ReturnType<typeof contextOf>): ScoringPart {
	const version = node.typeVersion;
	const scorer = compileScorer(readScoringRules(parameterReader(ctx as unknown as IExecuteFunctions, propertiesOfVersion(leadScoreProperties, version)), version));
	const mode = String(ctx.getNodeParameter('mode', 0, 'score'));
	const settings = (ctx.getNodeParameter('options', 0, {}) as { experiment?: { settings?: IDataObject } }).experiment?.settings;
	const part: ScoringPart = { protocol: scorer.protocol, modelId: scorer.modelId, mode };
	if (mode === 'recordAndRescore') {
		const key = node.parameters?.leadKey ?? ctx.getNodeParameter('leadKey', 0, '');
		part.leadKey = isExpression(key) ? key.slice(1).trim() : String(key);
	}
	if (settings) {
		const e = compileExperiment({ name: settings.name, sharePercent: settings.sharePercent ?? 10, challengerRules: settings.challengerRules }, scorer);
		part.experiment = { name: e.name, sharePercent: e.sharePercent, challengerModelId: e.challenger.modelId, challenger: e.challenger.protocol };
	}
	return part;
}

function gatePart(node: WorkflowNode, ctx: ReturnType<typeof contextOf>): { gate: GateProtocol; cooldownDays: number } {
	const version = node.typeVersion;
	const gate = readGateRules(parameterReader(ctx as unknown as IExecuteFunctions, propertiesOfVersion(handoffGateProperties, version)), version) as GateProtocol;
	return { gate, cooldownDays: compileGate(gate).cooldownDays };
}

function routerPart(ctx: ReturnType<typeof contextOf>): { routing: RoutingProtocol } {
	return { routing: readRouting(parameterReader(ctx as unknown as IExecuteFunctions, tierRouterProperties)) };
}

function slaTimerPart(ctx: ReturnType<typeof contextOf>): SlaTimerPart {
	const operation = String(ctx.getNodeParameter('operation', 0, 'markContacted'));
	if (operation !== 'start') return { operation };
	const settings = (ctx.getNodeParameter('timerSettings', 0, {}) ?? {}) as Record<string, unknown>;
	const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
	const hours = text(settings.workingHours);
	const holidays = text(settings.holidays);
	return {
		operation,
		slaMinutes: Number(ctx.getNodeParameter('slaMinutes', 0, 0)) || undefined,
		basis: String(ctx.getNodeParameter('slaBasis', 0, 'routing')),
		action: String(ctx.getNodeParameter('slaAction', 0, 'routing')),
		calendar: {
			...(text(settings.calendarZone) ? { zone: text(settings.calendarZone) } : {}),
			...(Array.isArray(settings.workingDays) ? { workingDays: settings.workingDays as CalendarDays } : {}),
			...(hours ? { hours: hours.split(',').map((r) => r.trim()).filter(Boolean).map((r) => ({ start: r.split('-')[0].trim(), end: (r.split('-')[1] ?? '').trim() })) } : {}),
			...(holidays ? { holidays: holidays.split(',').map((h) => h.trim()).filter(Boolean) } : {}),
		},
		ladder: Object.fromEntries(
			(['reminder', 'manager', 'reassign', 'lastAlert'] as const).flatMap((stage) => {
				const value = text(settings[`${stage}At`]);
				return value ? [[stage, value]] : [];
			}),
		),
		...(text(settings.manager) ? { manager: text(settings.manager) } : {}),
	};
}

type CalendarDays = NonNullable<import('../../engine/calendar').CalendarSpec['workingDays']>;

function read<T>(node: WorkflowNode, build: () => T): NodePart<T> {
	const base = { node: node.name, ...(node.disabled ? { disabled: true } : {}) };
	try {
		return { ...base, ...build() } as NodePart<T>;
	} catch (error) {
		const expressions = expressionsOf(node.parameters ?? {});
		const hint = expressions.length ? ` (set by expression, resolved per lead at run time: ${expressions.map((e) => e.parameter).join(', ')})` : '';
		return { ...base, error: `${messageOf(error)}${error instanceof ProtocolError ? hint : ''}` };
	}
}

/** The protocol parts of a workflow's nodes, in the order the workflow lists them. */
export function protocolOfWorkflow(workflow: WorkflowJson): Omit<ProtocolSource, 'title' | 'workflow' | 'generatedAt' | 'changes'> {
	const parts: Omit<ProtocolSource, 'title' | 'workflow' | 'generatedAt' | 'changes'> = { scoring: [], gates: [], routers: [], slaTimers: [], feedback: [], expressions: [] };
	for (const node of workflow.nodes) {
		const kind = kindOf(node.type);
		if (!kind) continue;
		const ctx = contextOf(node, PROPERTIES[kind]());
		if (kind === 'leadScore') parts.scoring.push(read(node, () => scoringPart(node, ctx)));
		else if (kind === 'handoffGate') parts.gates.push(read(node, () => gatePart(node, ctx)));
		else if (kind === 'tierRouter') parts.routers.push(read(node, () => routerPart(ctx)));
		else if (kind === 'slaTimer') parts.slaTimers.push(read(node, () => slaTimerPart(ctx)));
		else {
			// Lead Feedback: only where it records outcomes are disposition codes configured.
			if (ctx.getNodeParameter('resource', 0, 'outcome') !== 'outcome' || ctx.getNodeParameter('operation', 0, 'record') !== 'record') continue;
			parts.feedback.push(read(node, () => ({ codes: dispositionsOf(ctx as unknown as IExecuteFunctions).codes })));
		}
		// The expressions of the parameters that apply (defaults included), as the node runs them.
		if (!node.disabled) for (const e of expressionsOf(ctx.filled)) parts.expressions.push({ node: node.name, ...e });
	}
	return parts;
}
