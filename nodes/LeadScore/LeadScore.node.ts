import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { withPath } from '../engine/common/paths';
import { compileExperiment, scoreInExperiment, type CompiledExperiment } from '../engine/experiment';
import { compileScorer, leadKeyOf, type LeadScorer } from '../engine/scoring';
import { asOfReader } from '../shared/asOf';
import { clock } from '../shared/clock';
import { processItems } from '../shared/items';
import { parameterReader } from '../shared/ruleViews';
import { storeScopeOf } from '../shared/leadInput';
import { openStoreFor, storeCredentialTest } from '../shared/store';
import { withStoreRun } from '../shared/testRun';
import { propertiesOfVersion } from '../shared/versions';
import { leadScoreProperties } from './description';
import { readScoringRules } from './editorRules';
import { recordAndRescore } from './recordAndRescore';

/**
 * Version 2 shows an engagement rule's content, cap and cap window in the row's Rule Options,
 * only when set (a rule without a cap has none); version 1 keeps them as fields of every row.
 */
export class LeadScore implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Lead Score',
		name: 'leadScore',
		icon: { light: 'file:leadScore.svg', dark: 'file:leadScore.dark.svg' },
		group: ['transform'],
		version: [1, 2],
		subtitle: '={{ ($parameter["mode"] === "recordAndRescore" ? "Record and rescore" : "Score each lead") + ($parameter["rulesSource"] === "json" ? " (JSON)" : "") }}',
		description: 'Scores leads on fit and engagement, with decay, caps, velocity and an A1-D4 grade',
		defaults: { name: 'Lead Score' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [{ name: 'leadHandoffStoreApi', required: true, testedBy: 'leadHandoffStoreConnectionTest', displayOptions: { show: { mode: ['recordAndRescore'] } } }],
		properties: leadScoreProperties,
	};

	methods = { credentialTest: storeCredentialTest };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const zone = this.getTimezone();
		return withStoreRun(this, (run) => processItems(
			this,
			1,
			async () => {
				const options = this.getNodeParameter('options', 0, {}) as { outputField?: string; includeBreakdown?: boolean; scope?: string; experiment?: { settings?: IDataObject } };
				const recording = this.getNodeParameter('mode', 0, 'score') === 'recordAndRescore';
				const scorer = compileScorer(readProtocol(this, this.getNode().typeVersion));
				const experiment = readExperiment(options.experiment?.settings, scorer);
				const store = recording ? await run.use(await openStoreFor(this)) : undefined;
				const scope = storeScopeOf(options.scope);
				const asOfFor = asOfReader(this, zone, 'Score As Of');
				// The report tells the arms apart by model: the store keeps which models ran as which arm,
				// and since when (the time scored for, so a replay of history counts from its own time).
				if (store && experiment) await store.recordExperiment(scope, experimentRecordOf(experiment), Math.min(clock.now(), firstAsOf(asOfFor)));
				return {
					scorer,
					experiment,
					store,
					scope,
					ledgerInOutput: recording && this.getNodeParameter('outputActivities', 0, 'ledger') === 'ledger',
					outputField: options.outputField || 'score',
					includeBreakdown: options.includeBreakdown !== false,
					asOfFor,
				};
			},
			async (item, i, { scorer, experiment, store, scope, ledgerInOutput, outputField, includeBreakdown, asOfFor }) => {
				const { at: asOf, live } = asOfFor(i);
				let json: IDataObject = item.json;
				let score: IDataObject;
				if (store) {
					const leadKey = leadKeyOf(this.getNodeParameter('leadKey', i));
					const result = await recordAndRescore(store, scope, scorer, item.json, leadKey, asOf, zone, { live }, experiment);
					score = run.mark({ ...result.score, ...result.history });
					if (ledgerInOutput) json = withPath(json, scorer.protocol.fields.activities, result.ledger);
				} else if (experiment) {
					const leadKey = leadKeyOf(this.getNodeParameter('options.experiment.settings.leadKey', i), 'Challenger Experiment: Lead Key');
					score = { ...scoreInExperiment(experiment, leadKey, (s) => s.score(item.json, asOf, zone, { live })).score };
				} else {
					score = { ...scorer.score(item.json, asOf, zone, { live }) };
				}
				if (!includeBreakdown) delete score.breakdown;
				return { output: 0, json: { ...json, [outputField]: score } };
			},
		));
	}
}

/** The challenger experiment of the Options, compiled beside the champion; none when not added. */
function readExperiment(settings: IDataObject | undefined, champion: LeadScorer): CompiledExperiment | undefined {
	if (!settings) return undefined;
	return compileExperiment({ name: settings.name, sharePercent: settings.sharePercent ?? 10, challengerRules: settings.challengerRules }, champion);
}

/** The first item's as-of time; now when it has none or a bad one (its own error comes with the item). */
function firstAsOf(asOfFor: (itemIndex: number) => { at: number }): number {
	try {
		return asOfFor(0).at;
	} catch {
		return clock.now();
	}
}

function experimentRecordOf(experiment: CompiledExperiment) {
	return { name: experiment.name, championModelId: experiment.champion.modelId, challengerModelId: experiment.challenger.modelId, sharePercent: experiment.sharePercent };
}

/** The rules from the point table or the JSON parameter, before validation. */
function readProtocol(ctx: IExecuteFunctions, version: number): unknown {
	return readScoringRules(parameterReader(ctx, propertiesOfVersion(leadScoreProperties, version)), version);
}
