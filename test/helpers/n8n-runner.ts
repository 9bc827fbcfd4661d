/**
 * Runs this package's nodes inside n8n-core's real execution engine, in-process, for node tests.
 *
 * How: each run builds a `Workflow` (n8n-workflow) of a harness "Input" node and the node(s)
 * under test and runs it with `WorkflowExecute` (n8n-core), execution order v1, in a live mode
 * ('webhook', as leads arrive) unless `mode` says otherwise ('manual' is a test run from the editor).
 * The Input node starts from the execution stack with the test items and returns them, so the
 * node under test has a real parent: pairedItem, `$('Input').item` and the error output's merge
 * of the input item's fields behave as in n8n. Parameters get n8n's default-filling and
 * expression resolution (`={{ $json.email }}`), the engine applies `onError`, `getTimezone()`
 * returns the workflow setting, and a small credentialsHelper serves the credential data given.
 * `outputs` are the node's first run, padded with [] to its number of main outputs (n8n leaves
 * out an error output nothing reached). n8n-core loads once per test file (~0.6 s); a run of a
 * few items takes ~0.1-0.3 ms.
 *
 * n8n behaviours worth knowing (2.41.1): an output item with `error` set leaves with its json
 * replaced by `{ error: message }`; a node that throws under either "continue" setting passes
 * its input items on unchanged (the error is only in the run data).
 *
 * A webhook trigger's `webhook()` runs in n8n-core's WebhookContext with a request and response
 * object given by the test (`webhookNode`); n8n's HTTP server, body parsing and response sending
 * are not involved.
 *
 * Limits: binary data untested (no binary data service configured); no sub-workflows,
 * wait/resume, task runners (Code node) or static data between runs; credential data is served
 * as given (no expressions, no defaults from the credential type, no OAuth). Without `timezone`
 * the workflow uses n8n's default zone, America/New_York. `InstanceSettings` is replaced in
 * @n8n/di's Container, so nothing is written to disk.
 */
import { Container } from '@n8n/di';
import { ExecutionLifecycleHooks, InstanceSettings, PollContext, WebhookContext, WorkflowExecute } from 'n8n-core';
import {
	NodeConnectionTypes,
	NodeHelpers,
	Workflow,
	createRunExecutionData,
	type ExecutionError,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type IHttpRequestOptions,
	type ICredentialsHelper,
	type IConnections,
	type IDataObject,
	type IExecuteFunctions,
	type INode,
	type INodeCredentialsDetails,
	type INodeExecutionData,
	type INodeParameters,
	type INodeType,
	type INodeTypes,
	type IRun,
	type IRunData,
	type IVersionedNodeType,
	type IWorkflowBase,
	type IWebhookData,
	type IWebhookResponseData,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

// n8n logs every node error through its ErrorReporter; keep test output clean unless asked.
process.env.N8N_LOG_LEVEL ??= 'silent';

// The real InstanceSettings writes ~/.n8n/config on first use; tests must not touch disk.
Container.set(InstanceSettings, {
	encryptionKey: 'lead-handoff-test-key',
	instanceId: 'lead-handoff-test-instance',
	n8nFolder: '/nonexistent/.n8n',
	staticCacheDir: '/nonexistent/.cache/n8n',
	hmacSignatureSecret: 'lead-handoff-test-hmac',
	instanceType: 'main',
	instanceRole: 'leader',
	isWorker: false,
	isLeader: true,
	isMultiMain: false,
} as unknown as InstanceSettings);

/** Name of the harness node that feeds the test items; expressions may use `$('Input')`. */
export const INPUT_NODE_NAME = 'Input';
/** Package prefix of node type names, as n8n names a community package's nodes. */
export const TYPE_PREFIX = 'n8n-nodes-lead-handoff.';
const INPUT_TYPE = 'n8n-nodes-lead-handoff-test.input';

export type OnError = 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
/** An input item: an n8n item (`{ json, pairedItem?, ... }`) or a plain object, taken as its json. */
export type InputItem = INodeExecutionData | IDataObject;

/** One node in a test workflow. */
export interface NodeSpec {
	/** An INodeType instance or a versioned node type (`new LeadScore()`). */
	node: INodeType | IVersionedNodeType;
	/** Node parameters as in workflow JSON; n8n fills in defaults for the rest. */
	parameters?: INodeParameters;
	/** Node name in the workflow; defaults to the node's default name (e.g. 'Lead Score'). */
	name?: string;
	/** The node's "On Error" setting; defaults to n8n's 'stopWorkflow'. */
	onError?: OnError;
	/** Defaults to the node's latest version (`defaultVersion` for versioned types). */
	typeVersion?: number;
}

interface RunSettings {
	/** Decrypted credential data by credential type name, e.g. `{ leadHandoffStoreApi: {...} }`. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** Credential types whose `authenticate` function applies to httpRequestWithAuthentication (else requests go as they are). */
	credentialTypes?: ICredentialType[];
	/** The workflow's time zone setting: what `this.getTimezone()` returns. */
	timezone?: string;
	/** How the execution was started, what `this.getMode()` returns: 'webhook' unless given ('manual' is the editor's test run, 'cli' is `n8n execute`). */
	mode?: WorkflowExecuteMode;
}

export interface RunNodeOptions extends NodeSpec, RunSettings {
	items?: InputItem[];
}

export interface RunNodeResult {
	/** One array per main output, the error output last when onError is continueErrorOutput. */
	outputs: INodeExecutionData[][];
	/** The execution's error when the run failed (onError stopWorkflow), else undefined. */
	error?: ExecutionError;
	/** Raw run data of every node, keyed by node name. */
	runData: IRunData;
	/** The whole run as WorkflowExecute returned it. */
	run: IRun;
}

export interface RunWorkflowOptions extends RunSettings {
	/** The nodes; the Input node feeds the first one. Names must be unique. */
	nodes: NodeSpec[];
	/** Edges between nodes by name; defaults to a chain: each node's output 0 into the next. */
	connections?: Array<{ from: string; to: string; output?: number; input?: number }>;
	items?: InputItem[];
}

export interface RunWorkflowResult {
	/** Per node name: its first run's outputs, one array per main output. */
	outputs: Record<string, INodeExecutionData[][]>;
	error?: ExecutionError;
	runData: IRunData;
	run: IRun;
}

/** Runs one node on the items and returns its outputs (or the error that stopped the run). */
export async function runNode(options: RunNodeOptions): Promise<RunNodeResult> {
	const { items, credentials, credentialTypes, timezone, mode, ...spec } = options;
	const result = await runWorkflow({ nodes: [spec], items, credentials, credentialTypes, timezone, mode });
	const name = nodeName(spec);
	return { outputs: result.outputs[name] ?? [], error: result.error, runData: result.runData, run: result.run };
}

/** Runs several nodes wired together (a chain by default), fed by the Input node. */
export async function runWorkflow(options: RunWorkflowOptions): Promise<RunWorkflowResult> {
	const mode = options.mode ?? 'webhook';
	const built = buildWorkflow(options, true, mode);
	const [input] = built.nodes;
	const items = structuredClone(options.items ?? [{ json: {} }]).map(toItem);
	return await execute(built, mode, { node: input, data: { main: [items] } });
}

export interface PollNodeOptions extends NodeSpec, RunSettings {
	/** Nodes after the trigger, and edges from it (by output) and between them; none by default. */
	after?: NodeSpec[];
	connections?: Array<{ from: string; to: string; output?: number; input?: number }>;
}

export interface PollNodeResult {
	/** What `poll()` returned, one array per output; null when it had nothing to emit (no execution starts). */
	emitted: INodeExecutionData[][] | null;
	/** Per node name: its outputs in the execution the poll started (manual: the test run); {} when none started. */
	outputs: Record<string, INodeExecutionData[][]>;
	error?: ExecutionError;
	runData: IRunData;
}

/**
 * A poll trigger's poll, as n8n runs it. Live (mode 'trigger', the default: a published workflow
 * on its poll times): `poll()` is called with n8n-core's PollContext, and what it returns starts
 * an execution from the trigger, its outputs as the trigger's outputs (what n8n's
 * ActiveWorkflowManager does with `__emit`); null starts nothing. Manual (mode 'manual', the
 * editor's "Fetch Test Event" and test runs): the execution runs the trigger itself, and
 * WorkflowExecute calls `poll()` in manual mode.
 */
export async function pollNode(options: PollNodeOptions): Promise<PollNodeResult> {
	const { after = [], connections, credentials, credentialTypes, timezone, mode = 'trigger', ...spec } = options;
	const built = buildWorkflow({ nodes: [spec, ...after], connections, credentials, credentialTypes, timezone }, false, mode);
	const [trigger] = built.nodes;
	const name = trigger.name;
	if (mode === 'manual') {
		const result = await execute(built, mode, { node: trigger, data: { main: [[{ json: {} }]] } });
		return { emitted: result.outputs[name] ?? null, ...result };
	}
	const nodeType = built.workflow.nodeTypes.getByNameAndVersion(trigger.type, trigger.typeVersion);
	if (!nodeType.poll) throw new Error(`pollNode: ${trigger.type} has no poll()`);
	const context = new PollContext(built.workflow, trigger, built.additionalData, mode, 'activate');
	const emitted = await nodeType.poll.call(context);
	if (emitted === null) return { emitted, outputs: {}, runData: {} };
	const result = await execute(built, mode, { node: trigger, data: { main: emitted } });
	return { emitted, ...result };
}

export interface WebhookNodeOptions extends NodeSpec, RunSettings {
	/** The request as n8n's server hands it to the node: headers (lower-case names), body, rawBody, originalUrl, query. */
	request: Record<string, unknown>;
	/** The response object the node answers on (status, setHeader, json, end, ...). */
	response: Record<string, unknown>;
	/** Nodes after the trigger, fed with what it emits. */
	after?: NodeSpec[];
	connections?: RunWorkflowOptions['connections'];
}

export interface WebhookNodeResult extends Partial<RunWorkflowResult> {
	/** What `webhook()` returned; `thrown` when it threw instead (n8n answers 500 then). */
	response?: IWebhookResponseData;
	thrown?: unknown;
}

/**
 * Calls a webhook trigger's `webhook()` in n8n-core's WebhookContext, live (mode 'webhook'), as
 * n8n's webhook server does; when it returns workflowData, runs the workflow from the trigger
 * with it, through the `after` nodes.
 */
export async function webhookNode(options: WebhookNodeOptions): Promise<WebhookNodeResult> {
	const { after = [], connections, credentials, credentialTypes, timezone, request, response, ...spec } = options;
	const built = buildWorkflow({ nodes: [spec, ...after], connections, credentials, credentialTypes, timezone }, false, 'webhook');
	const trigger = built.workflow.getNode(built.nodes[0].name)!;
	// n8n gives every webhook node an id when it is added; its URL is built from it.
	trigger.webhookId ??= 'lead-handoff-test-webhook';
	const nodeType = built.workflow.nodeTypes.getByNameAndVersion(trigger.type, trigger.typeVersion);
	if (!nodeType.webhook) throw new Error(`webhookNode: ${trigger.type} has no webhook()`);
	const additionalData = { ...built.additionalData, httpRequest: request, httpResponse: response } as unknown as IWorkflowExecuteAdditionalData;
	const description = nodeType.description.webhooks?.[0];
	const webhookData = { httpMethod: 'POST', node: trigger.name, path: 'hook', webhookDescription: description, workflowId: built.workflow.id, isTest: false } as unknown as IWebhookData;
	const context = new WebhookContext(built.workflow, trigger, additionalData, 'webhook', webhookData, [], null);
	let answer: IWebhookResponseData;
	try {
		answer = await nodeType.webhook.call(context);
	} catch (thrown) {
		return { thrown };
	}
	if (!answer.workflowData) return { response: answer };
	const result = await execute(built, 'webhook', { node: trigger, data: { main: answer.workflowData } });
	return { response: answer, ...result };
}

interface BuiltWorkflow {
	workflow: Workflow;
	nodes: INode[];
	additionalData: IWorkflowExecuteAdditionalData;
	executionId: string;
}

/**
 * The Workflow and n8n's additional data for a run: with `input`, the Input node first, feeding
 * the first node; without it, the first node starts the workflow (a trigger).
 */
function buildWorkflow(options: Omit<RunWorkflowOptions, 'items' | 'mode'>, input: boolean, mode: WorkflowExecuteMode): BuiltWorkflow {
	const types = new Map<string, INodeType | IVersionedNodeType>(input ? [[INPUT_TYPE, inputNodeType]] : []);
	const nodes: INode[] = input ? [{ id: 'input', name: INPUT_NODE_NAME, type: INPUT_TYPE, typeVersion: 1, position: [0, 0], parameters: {} }] : [];
	for (const [index, spec] of options.nodes.entries()) {
		const type = TYPE_PREFIX + spec.node.description.name;
		types.set(type, spec.node);
		const node: INode = {
			id: `node-${index}`,
			name: nodeName(spec),
			type,
			typeVersion: spec.typeVersion ?? latestVersion(spec.node),
			position: [(index + 1) * 200, 0],
			// Copied: the Workflow constructor writes defaults into it.
			parameters: structuredClone(spec.parameters ?? {}),
			onError: spec.onError,
		};
		const declared = NodeHelpers.getVersionedNodeType(spec.node, node.typeVersion).description.credentials ?? [];
		const given = declared.filter((c) => options.credentials?.[c.name] !== undefined);
		if (given.length) node.credentials = Object.fromEntries(given.map((c) => [c.name, { id: c.name, name: c.name }]));
		nodes.push(node);
	}
	if (new Set(nodes.map((n) => n.name)).size !== nodes.length) throw new Error('runWorkflow: node names must be unique; set `name`');

	const first = input ? 1 : 0;
	const edges: NonNullable<RunWorkflowOptions['connections']> = options.connections ?? nodes.slice(first + 1).map((n, i) => ({ from: nodes[first + i].name, to: n.name }));
	const connections: IConnections = {};
	for (const { from, to, output = 0, input: index = 0 } of [...(input ? [{ from: INPUT_NODE_NAME, to: nodes[1].name }] : []), ...edges]) {
		const main = ((connections[from] ??= {}).main ??= []);
		while (main.length <= output) main.push([]);
		(main[output] ??= []).push({ node: to, type: NodeConnectionTypes.Main, index });
	}

	const nodeTypes: INodeTypes = {
		getByName: (type) => known(types, type),
		getByNameAndVersion: (type, version) => NodeHelpers.getVersionedNodeType(known(types, type), version),
		getKnownTypes: () => ({}),
	};
	const settings = { executionOrder: 'v1' as const, ...(options.timezone ? { timezone: options.timezone } : {}) };
	const workflow = new Workflow({ id: 'lead-handoff-test', name: 'Lead hand-off test', nodes, connections, active: false, nodeTypes, settings });

	const executionId = String(++executionCount);
	const workflowData: IWorkflowBase = {
		id: workflow.id,
		name: 'Lead hand-off test',
		active: false,
		activeVersionId: null,
		isArchived: false,
		nodes,
		connections,
		settings,
		createdAt: new Date(0),
		updatedAt: new Date(0),
	};
	const additionalData = {
		executionId,
		hooks: new ExecutionLifecycleHooks(mode, executionId, workflowData),
		credentialsHelper: credentialsHelper(options.credentials ?? {}, options.credentialTypes ?? []),
		currentNodeExecutionIndex: 0,
		variables: {},
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		formBaseUrl: 'http://localhost:5678/form',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		formTestBaseUrl: 'http://localhost:5678/form-test',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		mcpBaseUrl: 'http://localhost:5678/mcp',
		mcpTestBaseUrl: 'http://localhost:5678/mcp-test',
		executeWorkflow: unsupported('executeWorkflow (sub-workflows)'),
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: unsupported('startRunnerTask (task runners)'),
	} as unknown as IWorkflowExecuteAdditionalData;
	return { workflow, nodes, additionalData, executionId };
}

/** Runs the workflow from one node with its data, and collects every node's first run's outputs. */
async function execute(built: BuiltWorkflow, mode: WorkflowExecuteMode, start: { node: INode; data: { main: INodeExecutionData[][] } }): Promise<RunWorkflowResult> {
	const { workflow, nodes, additionalData } = built;
	const runExecutionData = createRunExecutionData({
		executionData: { nodeExecutionStack: [{ node: start.node, data: start.data, source: null }] },
	});
	const run = await new WorkflowExecute(additionalData, mode, runExecutionData).processRunExecutionData(workflow);
	const runData = run.data.resultData.runData;
	const outputs: Record<string, INodeExecutionData[][]> = {};
	for (const node of nodes) {
		if (node.type === INPUT_TYPE) continue;
		const main = runData[node.name]?.[0]?.data?.main;
		if (!main) continue;
		// n8n leaves out trailing outputs nothing reached (e.g. the error output after a throw).
		const description = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion).description;
		const count = NodeHelpers.getConnectionTypes(NodeHelpers.getNodeOutputs(workflow, node, description)).filter((t) => t === NodeConnectionTypes.Main).length;
		outputs[node.name] = Array.from({ length: Math.max(count, main.length) }, (_, i) => main[i] ?? []);
	}
	return { outputs, error: run.data.resultData.error, runData, run };
}

let executionCount = 0;

/** Returns its input items unchanged, as a trigger would emit them. */
const inputNodeType: INodeType = {
	description: {
		displayName: 'Input',
		name: 'input',
		group: ['input'],
		version: 1,
		description: 'Feeds the test items',
		defaults: { name: INPUT_NODE_NAME },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	},
	async execute(this: IExecuteFunctions) {
		return [this.getInputData()];
	},
};

function toItem(item: InputItem): INodeExecutionData {
	const json = (item as { json?: unknown }).json;
	// An object with a `json` object is an n8n item already; anything else is the json itself.
	return json !== null && typeof json === 'object' && !Array.isArray(json) ? (item as INodeExecutionData) : { json: item as IDataObject };
}

function nodeName(spec: NodeSpec): string {
	const { description } = NodeHelpers.getVersionedNodeType(spec.node, spec.typeVersion ?? latestVersion(spec.node));
	return spec.name ?? description.defaults.name ?? description.displayName;
}

function latestVersion(node: INodeType | IVersionedNodeType): number {
	if ('nodeVersions' in node) return node.description.defaultVersion ?? node.currentVersion;
	const version = node.description.version;
	return Array.isArray(version) ? Math.max(...version) : version;
}

function known(types: Map<string, INodeType | IVersionedNodeType>, type: string): INodeType | IVersionedNodeType {
	const nodeType = types.get(type);
	if (!nodeType) throw new Error(`Unknown node type ${type}`);
	return nodeType;
}

function unsupported(what: string): () => never {
	return () => {
		throw new Error(`The test harness does not support ${what}`);
	};
}

/** Serves the test's decrypted credential data by type; any other call is a harness gap. */
function credentialsHelper(byType: Record<string, ICredentialDataDecryptedObject>, types: ICredentialType[]): ICredentialsHelper {
	return {
		getParentTypes: () => [],
		isCredentialUsableByNode: () => true,
		getDecrypted: async (_additionalData: unknown, _details: INodeCredentialsDetails, type: string) => {
			const data = byType[type];
			if (!data) throw new Error(`No test credentials of type "${type}"`);
			return structuredClone(data);
		},
		getCredentialsProperties: () => [],
		authenticate: async (credentials: ICredentialDataDecryptedObject, type: string, requestOptions: IHttpRequestOptions) => {
			const authenticate = types.find((t) => t.name === type)?.authenticate;
			return typeof authenticate === 'function' ? await authenticate(credentials, requestOptions) : requestOptions;
		},
		preAuthentication: async () => undefined,
		runPreAuthentication: async () => undefined,
		getCredentials: unsupported('getCredentials'),
		updateCredentials: unsupported('updateCredentials'),
		updateCredentialsOauthTokenData: unsupported('updateCredentialsOauthTokenData'),
	} as unknown as ICredentialsHelper;
}
