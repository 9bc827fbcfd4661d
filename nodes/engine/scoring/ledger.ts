/**
 * Stateful scoring, the pure part: what goes into a lead's activity ledger, how the ledger is
 * read back for rescoring, and what the score says about the lead's history. The node does the
 * store calls in between; nothing here does I/O or reads a clock.
 */
import { createHash } from 'node:crypto';
import stableStringify from 'fast-json-stable-stringify';

import { LeadDataError } from '../common/errors';
import { ownEntry, setOwn } from '../common/paths';
import type { Activity, Lead } from '../common/types';
import type { LeadScoreResult } from './result';
import type { LeadScorer } from './score';

/** One activity as the ledger keeps it: its idempotency key, type, time and the entry as given. */
export interface LedgerEntry {
	key: string;
	type: string;
	at: number;
	data: Record<string, unknown>;
}

/** A stored ledger row, as far as rescoring needs it. */
export type StoredActivity = Pick<LedgerEntry, 'type' | 'at' | 'data'>;

const hash = (value: unknown): string => createHash('sha256').update(stableStringify(value)).digest('hex');

/**
 * The lead key the ledger is filed under: the value given, trimmed. Email addresses are
 * lower-cased, since "Dana@Globex.com" and "dana@globex.com" are one person; other ids (CRM
 * record ids, which can be case-sensitive) are kept as they are.
 */
export function leadKeyOf(value: unknown, field = 'Lead Key'): string {
	const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : typeof value === 'string' ? value.trim() : undefined;
	if (!text) throw new LeadDataError(field, 'the lead\'s email address or CRM id', value);
	return /^[^\s@]+@[^\s@]+$/.test(text) ? text.toLowerCase() : text;
}

/**
 * The lead's incoming activities as ledger entries. The key is the event's own id when it has
 * one, otherwise a hash of what the event is (type, time, url, asset, campaign, title), so a
 * webhook delivered twice adds nothing either way. Throws LeadDataError naming a bad entry.
 */
export function ledgerEntries(scorer: LeadScorer, lead: Lead, zone: string): LedgerEntry[] {
	const field = scorer.protocol.fields.activities;
	return scorer.rawActivities(lead).map((entry, index) => {
		const activity = scorer.readActivity(entry, `${field}[${index}]`, zone);
		const { id, ...what } = activity;
		return {
			key: id !== undefined ? `id:${id}` : `h:${hash(what).slice(0, 32)}`,
			type: activity.type,
			at: activity.at,
			data: entry as Record<string, unknown>,
		};
	});
}

/** Ledger rows back to activities; the stored time wins, so a time zone change cannot move them. */
export function activitiesFromLedger(scorer: LeadScorer, rows: readonly StoredActivity[]): Activity[] {
	return rows.map((row, index) => ({ ...scorer.readActivity(row.data, `ledger[${index}]`, 'UTC'), type: row.type, at: row.at }));
}

/**
 * Identifies the state a score describes: the model, the activities in the ledger and the lead's
 * fit and negative points. Redelivering an event reproduces the same key, so the store keeps one
 * snapshot for it and the "change since last score" stays what it was the first time.
 */
export function snapshotKeyOf(score: Pick<LeadScoreResult, 'modelId' | 'fit' | 'negative'>, ledgerKeys: readonly string[]): string {
	return `s:${hash({ model: score.modelId, fit: score.fit, negative: score.negative, ledger: [...ledgerKeys].sort() }).slice(0, 32)}`;
}

export interface ScoreHistoryInput {
	score: LeadScoreResult;
	leadKey: string;
	thresholds: ReadonlyArray<{ name: string; score: number }>;
	/** The lead's previous score (another state than this one), if any. */
	previous?: { total: number; grade: string | null; asOf: number };
	/** Epoch ms at which the lead first reached each threshold, as the store keeps them. */
	firstCrossed: Readonly<Record<string, number>>;
	ledger: { activities: number; recorded: number; duplicates: number };
}

export interface ScoreHistory {
	leadKey: string;
	/** Since the previous score: null for a lead scored for the first time. */
	change: { points: number; previousTotal: number; previousGrade: string | null; since: string } | null;
	/** Per named threshold: its score, and when the lead first reached it (null: not yet). */
	thresholds: Record<string, { score: number; firstCrossedAt: string | null }>;
	/** The lead's ledger after this event: how many activities, and what this event added. */
	ledger: { activities: number; recorded: number; duplicates: number };
}

export function scoreHistory(input: ScoreHistoryInput): ScoreHistory {
	const { score, previous } = input;
	const thresholds: ScoreHistory['thresholds'] = {};
	for (const { name, score: value } of input.thresholds) {
		// A threshold is named by the protocol: `constructor` or `__proto__` is its name, not an inherited field.
		const at = ownEntry(input.firstCrossed, name);
		setOwn(thresholds, name, { score: value, firstCrossedAt: at === undefined ? null : new Date(at).toISOString() });
	}
	return {
		leadKey: input.leadKey,
		change: previous
			? {
					// In hundredths, like the score itself, so 0.1 + 0.2 shows as 0.3.
					points: Math.round((score.total - previous.total) * 100) / 100,
					previousTotal: previous.total,
					previousGrade: previous.grade,
					since: new Date(previous.asOf).toISOString(),
				}
			: null,
		thresholds,
		ledger: input.ledger,
	};
}
