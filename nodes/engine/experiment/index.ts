/**
 * Champion/challenger experiments: a challenger point table runs beside the champion on a share
 * of the leads. A lead's arm is a pure function of the experiment's name and the lead key (a
 * SHA-256 bucket), so every worker, every restart and every replay puts a lead in the same arm;
 * nothing is drawn at random and nothing is remembered. Both tables score the lead; the arm's
 * score is the one that goes on (and that Handoff Gate gates on).
 */
import { createHash } from 'node:crypto';

import { ProtocolError } from '../common/errors';
import { compileScorer, type LeadScorer } from '../scoring';
import type { LeadScoreResult } from '../scoring/result';

export type Arm = 'champion' | 'challenger';
export const ARMS: readonly Arm[] = ['champion', 'challenger'];

const TWO_TO_52 = 2 ** 52;

/**
 * Where a lead falls in [0, 1) for an experiment: the first 52 bits of SHA-256 over the name and
 * the key (a NUL between them, so "ab"+"c" and "a"+"bc" differ). Uniform, and independent from
 * one experiment to the next, so a new experiment does not reuse the last one's challenger group.
 */
export function bucketOf(experiment: string, leadKey: string): number {
	const hex = createHash('sha256').update(`${experiment}\u0000${leadKey}`).digest('hex');
	return parseInt(hex.slice(0, 13), 16) / TWO_TO_52;
}

/** The lead's arm: challenger when its bucket is below the challenger's share (0..1). */
export function armOf(experiment: string, leadKey: string, share: number): Arm {
	return bucketOf(experiment, leadKey) < share ? 'challenger' : 'champion';
}

export interface ExperimentInput {
	/** Names the experiment; with the lead key, it decides the arm. */
	name: unknown;
	/** The challenger's share of leads, in percent (above 0, below 100). */
	sharePercent: unknown;
	/** The challenger's rules, in the schema Lead Score reads (an object or its JSON text). */
	challengerRules: unknown;
}

/** What the score carries about the experiment (and the snapshot keeps). */
export interface ExperimentTag {
	name: string;
	arm: Arm;
	sharePercent: number;
	championModelId: string;
	challengerModelId: string;
	/** Both tables' totals and grades, so the other arm's verdict can be read later. */
	champion: { total: number; grade: string };
	challenger: { total: number; grade: string };
}

export interface CompiledExperiment {
	name: string;
	/** 0..1 */
	share: number;
	/** The share as set, in percent. */
	sharePercent: number;
	champion: LeadScorer;
	challenger: LeadScorer;
	/** The scorer of the lead's arm. */
	scorerFor(leadKey: string): { arm: Arm; scorer: LeadScorer };
	/** The experiment's tag for a lead, from both tables' scores. */
	tag(arm: Arm, championScore: LeadScoreResult, challengerScore: LeadScoreResult): ExperimentTag;
}

function parseRules(value: unknown): unknown {
	if (typeof value !== 'string') return value;
	if (value.trim() === '') throw ProtocolError.at('/challengerRules', 'the challenger table is empty: paste the challenger\'s rules as JSON (the schema Lead Score reads)');
	try {
		return JSON.parse(value);
	} catch (error) {
		throw ProtocolError.at('/challengerRules', `the challenger table is not valid JSON: ${(error as Error).message}`);
	}
}

/**
 * Compiles an experiment beside the champion's scorer. The challenger reads the lead the same way
 * as the champion (its `fields` default to the champion's, and may not differ: it is the same lead).
 * Throws a ProtocolError naming the setting that is wrong.
 */
export function compileExperiment(input: ExperimentInput, champion: LeadScorer): CompiledExperiment {
	const name = typeof input.name === 'string' ? input.name.trim() : '';
	if (name === '') throw ProtocolError.at('/experiment/name', 'an experiment needs a name: it decides, with the lead key, which arm each lead is in');
	const percent = typeof input.sharePercent === 'string' ? Number(input.sharePercent.trim()) : input.sharePercent;
	if (typeof percent !== 'number' || !Number.isFinite(percent) || percent <= 0 || percent >= 100) {
		throw ProtocolError.at('/experiment/sharePercent', `the challenger's share is a percentage above 0 and below 100, got ${JSON.stringify(input.sharePercent)}`);
	}
	const rules = parseRules(input.challengerRules);
	if (typeof rules !== 'object' || rules === null || Array.isArray(rules)) throw ProtocolError.at('/challengerRules', 'the challenger table must be a JSON object with fit, engagement and negative rules');
	const own = rules as Record<string, unknown>;
	let challenger: LeadScorer;
	try {
		challenger = compileScorer(own.fields === undefined ? { ...own, fields: champion.protocol.fields } : own);
	} catch (error) {
		if (error instanceof ProtocolError) throw new ProtocolError(`Challenger table: ${error.message}`, `/challengerRules${error.path}`);
		throw error;
	}
	const differing = Object.keys(champion.protocol.fields).filter((k) => champion.protocol.fields[k as keyof typeof champion.protocol.fields] !== challenger.protocol.fields[k as keyof typeof challenger.protocol.fields]);
	if (differing.length > 0) {
		throw ProtocolError.at('/challengerRules/fields', `the challenger reads the lead's fields differently from the champion (${differing.join(', ')}); leave "fields" out of the challenger table so it reads them as the champion does`);
	}
	if (challenger.modelId === champion.modelId) {
		throw ProtocolError.at('/challengerRules', `the challenger table gives the same points as the champion (model ${champion.modelId}): change a rule, or end the experiment`);
	}
	const share = percent / 100;
	return {
		name,
		share,
		sharePercent: percent,
		champion,
		challenger,
		scorerFor(leadKey) {
			const arm = armOf(name, leadKey, share);
			return { arm, scorer: arm === 'challenger' ? challenger : champion };
		},
		tag(arm, a, b) {
			return {
				name,
				arm,
				sharePercent: percent,
				championModelId: champion.modelId,
				challengerModelId: challenger.modelId,
				champion: { total: a.total, grade: a.grade },
				challenger: { total: b.total, grade: b.grade },
			};
		},
	};
}

/** A lead's score in an experiment: the arm's score, tagged with the experiment, and the arm's scorer. */
export function scoreInExperiment(
	experiment: CompiledExperiment,
	leadKey: string,
	scoreWith: (scorer: LeadScorer) => LeadScoreResult,
): { score: LeadScoreResult & { experiment: ExperimentTag }; scorer: LeadScorer } {
	const { arm, scorer } = experiment.scorerFor(leadKey);
	const champion = scoreWith(experiment.champion);
	const challenger = scoreWith(experiment.challenger);
	const own = arm === 'challenger' ? challenger : champion;
	return { score: { ...own, experiment: experiment.tag(arm, champion, challenger) }, scorer };
}

/** An experiment as the store records it: which models ran as which arm, and since when. */
export interface ExperimentRecord {
	name: string;
	championModelId: string;
	challengerModelId: string;
	sharePercent: number;
	firstSeenAt?: number;
	lastSeenAt?: number;
}
