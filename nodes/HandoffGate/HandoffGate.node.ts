import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type ILoadOptionsFunctions,
	type INodeExecutionData,
	type INodePropertyOptions,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { getPath } from '../engine/common/paths';
import { parseTimestamp } from '../engine/common/time';
import { compileGate, redeliveredVerdict, verdictAfter, type GateOutput, type GateVerdict, type LastHandoff } from '../engine/gate';
import { processItems } from '../shared/items';
import { parameterReader } from '../shared/ruleViews';
import { leadReader, type LeadInputOptions } from '../shared/leadInput';
import { openStoreFor, storeCredentialTest } from '../shared/store';
import { withStoreRun } from '../shared/testRun';
import { propertiesOfVersion } from '../shared/versions';
import type { HandoffState } from '../store';
import { handoffGateProperties } from './description';
import { readGateRules } from './editorRules';
import { scoringRuleOptions } from './scoringRules';

const OUTPUT: Record<GateOutput, number> = { handoff: 0, notYet: 1, disqualified: 2, alreadyHandedOff: 3 };
/** Under "Continue (regular output)" a failed item waits on Disqualified: it sends the lead to neither sales nor nurture. */
const FAILED_OUTPUT = OUTPUT.disqualified;

/**
 * Version 3 shows a rule row as its name and conditions, with what is optional (Match "any", a
 * rule id, Yields to Intent, an activity's content, count, window and words) in the row's
 * options, and picks scoring rules by label; versions 1-2 keep their flat rows (editorRules.ts).
 *
 * Version 2 adds Already Handed Off: a lead sales has (its event delivered again, or within the
 * cool-down) leaves there, not on Not Yet, which users wire to nurture. Runs in n8n's expression
 * sandbox (stringified into `outputs`), so it is self-contained.
 */
export const gateOutputs = (version: number) =>
	['Hand Off', 'Not Yet', 'Disqualified', ...(version >= 2 ? ['Already Handed Off'] : [])].map((displayName) => ({ type: 'main', displayName }));

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
		version: [1, 2, 3],
		subtitle: '={{ "Decide hand-off" + ($parameter["rulesSource"] === "json" ? " (JSON)" : "") }}',
		description: 'Decides whether a scored lead goes to sales now: thresholds, required actions, intent triggers, disqualifiers, fire once',
		defaults: { name: 'Handoff Gate' },
		inputs: [NodeConnectionTypes.Main],
		// n8n ends an expression at the first "}}", so closing braces of the function are spaced.
		outputs: `={{(${String(gateOutputs).replace(/\}\}/g, '} }')})($nodeVersion)}}`,
		usableAsTool: true,
		credentials: [{ name: 'leadHandoffStoreApi', required: true, testedBy: 'leadHandoffStoreConnectionTest' }],
		properties: handoffGateProperties,
	};

	methods = {
		credentialTest: storeCredentialTest,
		loadOptions: {
			/** The scoring rules a Score Rule Applied test can name, by label. */
			async scoringRules(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
				return scoringRuleOptions(this.getCurrentNodeParameters());
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const zone = this.getTimezone();
		const version = this.getNode().typeVersion;
		return withStoreRun(this, (run) => processItems(
			this,
			gateOutputs(version).length,
			async () => {
				const options = this.getNodeParameter('options', 0, {}) as GateOptions;
				const gate = compileGate(readProtocol(this, version));
				return { gate, options, reader: leadReader(options, zone), outputField: options.outputField || 'handoff', store: await run.use(await openStoreFor(this)) };
			},
			async (item, i, { gate, options, reader, outputField, store }) => {
				const lead = item.json;
				const leadKey = reader.leadKey(this.getNodeParameter('leadKey', i));
				const { at: now, live } = reader.asOf(lead, this.getNodeParameter('options.evaluateAt', i, ''));
				const eventKey = reader.eventKey(lead, this.getNodeParameter('options.eventKey', i, ''), [outputField, 'routing']);
				if (options.recycledAtField) {
					const recycled = getPath(lead, options.recycledAtField);
					if (recycled !== undefined && recycled !== null && recycled !== '') {
						await store.recycleLead(reader.scope, leadKey, parseTimestamp(recycled, options.recycledAtField, zone));
					}
				}
				const result = gate.evaluate(lead, reader.score(lead), reader.activities(lead), now, { live });
				let verdict: GateVerdict = { result, output: result.decision };
				let handedOff: IDataObject = {};
				if (result.decision === 'handoff') {
					const outcome = await store.decideHandoff({ scope: reader.scope, leadKey, eventKey, at: now }, (state) => {
						verdict = verdictAfter(result, lastHandoff(state), gate.cooldownDays, now);
						return { handoff: verdict.output === 'handoff', details: { reasons: verdict.result.reasons, fired: verdict.result.fired } };
					});
					if (outcome.status === 'duplicate') {
						const { at, eventKey: earlierEvent, details } = outcome.record;
						verdict = redeliveredVerdict(result, { at, eventKey: earlierEvent, ...(Array.isArray(details.reasons) ? { reasons: details.reasons as string[] } : {}) });
					} else if (outcome.status === 'handedOff') {
						handedOff = { handedOffAt: new Date(now).toISOString(), ...(outcome.previous?.lastHandoffAt ? { previousHandoffAt: new Date(outcome.previous.lastHandoffAt).toISOString() } : {}) };
					}
				} else if (result.decision === 'notYet' && version >= 2) {
					verdict = verdictAfter(result, lastHandoff(await store.handoffState(reader.scope, leadKey)), gate.cooldownDays, now);
				}
				// Version 1 has no Already Handed Off output: those leads leave on Not Yet, as they always did.
				const output: GateOutput = version < 2 && verdict.output === 'alreadyHandedOff' ? 'notYet' : verdict.output;
				const { result: final, earlier } = verdict;
				const decision: IDataObject = {
					decision: output,
					reasons: final.reasons,
					fired: final.fired.map((f) => ({ ...f, ...(f.at === undefined ? {} : { at: new Date(f.at).toISOString() }) })),
					...(final.cooldownUntil === undefined ? {} : { cooldownUntil: new Date(final.cooldownUntil).toISOString() }),
					...(verdict.redelivery ? { duplicate: true } : {}),
					...(earlier && version >= 2 ? { earlierHandoff: { ...earlier, at: new Date(earlier.at).toISOString() } } : {}),
					...handedOff,
					leadKey,
					eventKey,
					evaluatedAt: new Date(now).toISOString(),
				};
				return { output: OUTPUT[output], json: { ...lead, [outputField]: run.mark(decision) } };
			},
			FAILED_OUTPUT,
		));
	}
}

function lastHandoff(state: HandoffState | undefined): LastHandoff | undefined {
	if (state?.lastHandoffAt === undefined) return undefined;
	return { at: state.lastHandoffAt, ...(state.lastEventKey === undefined ? {} : { eventKey: state.lastEventKey }), ...(state.recycledAt === undefined ? {} : { recycledAt: state.recycledAt }) };
}

/** The rules from the rule table or the JSON parameter, before validation. */
function readProtocol(ctx: IExecuteFunctions, version: number): unknown {
	return readGateRules(parameterReader(ctx, propertiesOfVersion(handoffGateProperties, version)), version);
}
