/**
 * "Record activities and rescore": the store calls around the pure scoring engine. Append the
 * item's activities to the lead's ledger (a repeated event changes nothing), score the whole
 * ledger, keep a snapshot, and say what changed since the last score. All of it within the
 * node's store scope: another scope's lead with the same key is another lead.
 */
import {
	activitiesFromLedger,
	ledgerEntries,
	scoreHistory,
	snapshotKeyOf,
	type LeadScorer,
	type LeadScoreResult,
	type ScoreHistory,
} from '../engine/scoring';
import type { AsOfOptions } from '../engine/common/asOf';
import { scoreInExperiment, type CompiledExperiment } from '../engine/experiment';
import type { Lead } from '../engine/common/types';
import type { HandoffStore } from '../store';

export async function recordAndRescore(
	store: HandoffStore,
	scope: string,
	scorer: LeadScorer,
	lead: Lead,
	leadKey: string,
	asOf: number,
	zone: string,
	options: AsOfOptions = {},
	experiment?: CompiledExperiment,
): Promise<{ score: LeadScoreResult; history: ScoreHistory; ledger: Array<Record<string, unknown>> }> {
	const incoming = ledgerEntries(scorer, lead, zone);
	const recorded = await store.recordActivities(scope, leadKey, incoming);
	const ledger = await store.listActivities(scope, leadKey);
	// In an experiment both tables score the ledger; the arm's score is kept (with the arm and both models).
	const scored = experiment
		? scoreInExperiment(experiment, leadKey, (s) => s.scoreWith(lead, activitiesFromLedger(s, ledger), asOf, options))
		: { score: scorer.scoreWith(lead, activitiesFromLedger(scorer, ledger), asOf, options), scorer };
	const score = scored.score;
	const snapshotKey = snapshotKeyOf(score, ledger.map((row) => row.key));
	const previous = await store.latestScore(scope, leadKey, { excluding: snapshotKey });
	const { firstCrossed } = await store.saveScore(
		scope,
		leadKey,
		{ snapshotKey, modelId: score.modelId, asOf, total: score.total, fit: score.fit, engagement: score.engagement, negative: score.negative, velocity: score.velocity, grade: score.grade, score: { ...score } },
		scored.scorer.thresholdsReached(score.total).map((name) => ({ name, at: asOf })),
	);
	const history = scoreHistory({
		score,
		leadKey,
		thresholds: scored.scorer.protocol.thresholds,
		previous,
		firstCrossed,
		ledger: { activities: ledger.length, recorded: recorded.inserted, duplicates: recorded.duplicates },
	});
	return { score, history, ledger: ledger.map((row) => row.data) };
}
