/**
 * The scoring change log and the experiments (migration 11). A published scoring version is
 * recorded once per scope and model id, with its rules, the rationale, the impact expected in
 * numbers, who published it and when: recording the same model again changes nothing and returns
 * the first record, so a workflow that logs on every publish run cannot rewrite history. An
 * experiment is recorded once per (scope, name, champion, challenger) and remembers when it was
 * first and last seen running; the Lead Quality Report tells its arms apart by their model ids.
 */
import type { Driver } from './dialect';
import { checkKey, checkNumber, checkTime, invalid, toJson } from './checks';
import type { ExperimentRecordInput, ScoringChange, ScoringChangeInput, ScoringChangeOutcome, StoredExperiment } from './types';

const MAX_TEXT = 10_000;

interface ChangeRow {
	model_id: string;
	published_at: number;
	published_by: string | null;
	title: string | null;
	rationale: string;
	rules: unknown;
	expected: unknown;
	previous_model_id: string | null;
	recorded_at: number;
}

interface ExperimentRow {
	name: string;
	champion_model_id: string;
	challenger_model_id: string;
	share_percent: number;
	first_seen_at: number;
	last_seen_at: number;
}

function checkText(value: unknown, what: string, required: boolean): string | null {
	if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '' && !required)) return null;
	if (typeof value !== 'string' || value.trim() === '') throw invalid(`${what} must be a non-empty text, got ${typeof value === 'string' ? 'an empty text' : typeof value}.`);
	if (value.length > MAX_TEXT) throw invalid(`${what} is ${value.length} characters long; at most ${MAX_TEXT} are kept.`);
	if (value.includes('\u0000')) throw invalid(`${what} contains a NUL character.`);
	return value.trim();
}

function checkExpected(expected: unknown): Record<string, number> {
	if (typeof expected !== 'object' || expected === null || Array.isArray(expected)) throw invalid('Expected impact must be an object of figures, e.g. { "auc": 0.88 }.');
	for (const [key, value] of Object.entries(expected)) checkNumber(value, `Expected impact "${key}"`);
	return expected as Record<string, number>;
}

function toChange(scope: string, row: ChangeRow, driver: Driver): ScoringChange {
	return {
		scope,
		modelId: row.model_id,
		at: Number(row.published_at),
		...(row.published_by === null ? {} : { by: row.published_by }),
		...(row.title === null ? {} : { title: row.title }),
		rationale: row.rationale,
		rules: driver.dialect.readJson(row.rules),
		expected: driver.dialect.readJson(row.expected) as Record<string, number>,
		...(row.previous_model_id === null ? {} : { previousModelId: row.previous_model_id }),
		recordedAt: Number(row.recorded_at),
	};
}

const CHANGE_COLUMNS = 'model_id, published_at, published_by, title, rationale, rules, expected, previous_model_id, recorded_at';

export async function recordScoringChange(driver: Driver, scope: string, input: ScoringChangeInput, now: number): Promise<ScoringChangeOutcome> {
	checkKey(scope, 'Scope');
	if (typeof input !== 'object' || input === null) throw invalid('The scoring change must be an object.');
	const modelId = checkKey(input.modelId, 'Model id');
	const at = checkTime(input.at, 'Published at');
	const rationale = checkText(input.rationale, 'Rationale', true)!;
	const params = [
		scope,
		modelId,
		at,
		checkText(input.by, 'Published by', false),
		checkText(input.title, 'Title', false),
		rationale,
		toJson(input.rules, 'Rules'),
		toJson(checkExpected(input.expected), 'Expected impact'),
		input.previousModelId === undefined || input.previousModelId === '' ? null : checkKey(input.previousModelId, 'Previous model id'),
		now,
	];
	// The first record of a model wins: logging the same publish again keeps what was said then.
	const inserted = await driver.all<ChangeRow>(
		`INSERT INTO lh.scoring_changes (scope, ${CHANGE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (scope, model_id) DO NOTHING RETURNING ${CHANGE_COLUMNS}`,
		params,
	);
	if (inserted.length > 0) return { status: 'recorded', change: toChange(scope, inserted[0], driver) };
	const [existing] = await driver.all<ChangeRow>(`SELECT ${CHANGE_COLUMNS} FROM lh.scoring_changes WHERE scope = $1 AND model_id = $2`, [scope, modelId]);
	return { status: 'duplicate', change: toChange(scope, existing, driver) };
}

export async function listScoringChanges(driver: Driver, scope: string, options: { modelIds?: readonly string[] } = {}): Promise<ScoringChange[]> {
	checkKey(scope, 'Scope');
	const rows = await driver.all<ChangeRow>(`SELECT ${CHANGE_COLUMNS} FROM lh.scoring_changes WHERE scope = $1 ORDER BY published_at, model_id`, [scope]);
	const wanted = options.modelIds ? new Set(options.modelIds) : undefined;
	return rows.filter((r) => !wanted || wanted.has(r.model_id)).map((r) => toChange(scope, r, driver));
}

export async function recordExperiment(driver: Driver, scope: string, input: ExperimentRecordInput, at: number): Promise<void> {
	checkKey(scope, 'Scope');
	if (typeof input !== 'object' || input === null) throw invalid('The experiment must be an object.');
	const share = checkNumber(input.sharePercent, 'Challenger share');
	if (share <= 0 || share >= 100) throw invalid(`Challenger share must be above 0 and below 100 percent, got ${share}.`);
	// One statement: concurrent executions widen the seen period, never narrow it; the latest share wins.
	await driver.run(
		`INSERT INTO lh.experiments (scope, name, champion_model_id, challenger_model_id, share_percent, first_seen_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $6, $6)
		ON CONFLICT (scope, name, champion_model_id, challenger_model_id) DO UPDATE SET
			first_seen_at = CASE WHEN excluded.first_seen_at < lh.experiments.first_seen_at THEN excluded.first_seen_at ELSE lh.experiments.first_seen_at END,
			share_percent = CASE WHEN excluded.last_seen_at > lh.experiments.last_seen_at THEN excluded.share_percent ELSE lh.experiments.share_percent END,
			last_seen_at = CASE WHEN excluded.last_seen_at > lh.experiments.last_seen_at THEN excluded.last_seen_at ELSE lh.experiments.last_seen_at END`,
		[scope, checkKey(input.name, 'Experiment name'), checkKey(input.championModelId, 'Champion model id'), checkKey(input.challengerModelId, 'Challenger model id'), share, checkTime(at, 'Seen at')],
	);
}

export async function listExperiments(driver: Driver, scope: string): Promise<StoredExperiment[]> {
	checkKey(scope, 'Scope');
	const rows = await driver.all<ExperimentRow>(
		'SELECT name, champion_model_id, challenger_model_id, share_percent, first_seen_at, last_seen_at FROM lh.experiments WHERE scope = $1 ORDER BY first_seen_at, name, champion_model_id, challenger_model_id',
		[scope],
	);
	return rows.map((r) => ({
		scope,
		name: r.name,
		championModelId: r.champion_model_id,
		challengerModelId: r.challenger_model_id,
		sharePercent: Number(r.share_percent),
		firstSeenAt: Number(r.first_seen_at),
		lastSeenAt: Number(r.last_seen_at),
	}));
}
