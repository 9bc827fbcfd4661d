import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { getPath } from '../engine/common/paths';
import { parseProtocolJson } from '../engine/common/schema';
import { parseTimestamp } from '../engine/common/time';
import { applyCooldown, compileGate, redelivered, type GateResult } from '../engine/gate';
import { processItems } from '../shared/items';
import { leadReader, type LeadInputOptions } from '../shared/leadInput';
import { openStoreFor, storeCredentialTest } from '../shared/store';
import { handoffGateProperties } from './description';
import { editorRowsToGate, type GateRuleRow } from './editorRules';

const OUTPUT = { handoff: 0, notYet: 1, disqualified: 2 } as const;

interface GateOptions extends LeadInputOptions {
	outputField?: string;
	recycledAtField?: string;
}

export class HandoffGate implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Handoff Gate',
		name: 'handoffGate',
		icon: { light: 'file:handoffGate.svg', dark: 'file:handoffGate.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ "Decide hand-off" + ($parameter["rulesSource"] === "json" ? " (JSON)" : "") }}',
		description: 'Decides whether a scored lead goes to sales now: thresholds, required actions, intent triggers, disqualifiers, fire once',
		defaults: { name: 'Handoff Gate' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Hand Off', 'Not Yet', 'Disqualified'],
		usableAsTool: true,
		credentials: [{ name: 'leadHandoffStoreApi', required: true, testedBy: 'leadHandoffStoreConnectionTest' }],
		properties: handoffGateProperties,
	};

	methods = { credentialTest: storeCredentialTest };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const zone = this.getTimezone();
		return processItems(
			this,
			3,
			async () => {
				const options = this.getNodeParameter('options', 0, {}) as GateOptions;
				const gate = compileGate(readProtocol(this));
				return { gate, options, reader: leadReader(options, zone), outputField: options.outputField || 'handoff', store: await openStoreFor(this) };
			},
			async (item, i, { gate, options, reader, outputField, store }) => {
				const lead = item.json;
				const leadKey = reader.leadKey(this.getNodeParameter('leadKey', i));
				const now = reader.evaluateAt(lead, this.getNodeParameter('options.evaluateAt', i, ''));
				const eventKey = reader.eventKey(lead, this.getNodeParameter('options.eventKey', i, ''), [outputField, 'routing']);
				if (options.recycledAtField) {
					const recycled = getPath(lead, options.recycledAtField);
					if (recycled !== undefined && recycled !== null && recycled !== '') {
						await store.recycleLead(reader.scope, leadKey, parseTimestamp(recycled, options.recycledAtField, zone));
					}
				}
				const result = gate.evaluate(lead, reader.score(lead), reader.activities(lead), now);
				let final: GateResult = result;
				let extra: IDataObject = {};
				if (result.decision === 'handoff') {
					const outcome = await store.decideHandoff({ scope: reader.scope, leadKey, eventKey, at: now }, (state) => {
						const last = state?.lastHandoffAt === undefined ? undefined : { at: state.lastHandoffAt, ...(state.recycledAt === undefined ? {} : { recycledAt: state.recycledAt }) };
						final = applyCooldown(result, last, gate.cooldownDays, now);
						return { handoff: final.decision === 'handoff', details: { reasons: final.reasons, fired: final.fired } };
					});
					if (outcome.status === 'duplicate') {
						final = redelivered(result, outcome.record.at);
						extra = { duplicate: true };
					} else if (outcome.status === 'handedOff') {
						extra = { handedOffAt: new Date(now).toISOString(), ...(outcome.previous?.lastHandoffAt ? { previousHandoffAt: new Date(outcome.previous.lastHandoffAt).toISOString() } : {}) };
					}
				}
				const decision: IDataObject = {
					decision: final.decision,
					reasons: final.reasons,
					fired: final.fired.map((f) => ({ ...f, ...(f.at === undefined ? {} : { at: new Date(f.at).toISOString() }) })),
					...(final.cooldownUntil === undefined ? {} : { cooldownUntil: new Date(final.cooldownUntil).toISOString() }),
					...extra,
					leadKey,
					eventKey,
					evaluatedAt: new Date(now).toISOString(),
				};
				return { output: OUTPUT[final.decision], json: { ...lead, [outputField]: decision } };
			},
		);
	}
}

/** The rules from the rule table or the JSON parameter, before validation. */
function readProtocol(ctx: IExecuteFunctions): unknown {
	const source = ctx.getNodeParameter('rulesSource', 0) as 'editor' | 'json';
	if (source === 'json') return parseProtocolJson(ctx.getNodeParameter('rulesJson', 0), 'Rules (JSON)');
	const rows = (name: string) => (ctx.getNodeParameter(name, 0, {}) as { rules?: GateRuleRow[] }).rules ?? [];
	return editorRowsToGate({
		disqualifiers: rows('disqualifiers'),
		intents: rows('intents'),
		triggers: rows('triggers'),
		cooldownDays: ctx.getNodeParameter('cooldownDays', 0, undefined) as number | undefined,
	});
}
