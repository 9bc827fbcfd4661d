/** What Lead Score attaches to each lead as `score`, and what later nodes read. */

export type FitLetter = 'A' | 'B' | 'C' | 'D';
export type EngagementDigit = 1 | 2 | 3 | 4;
/** Fit letter and engagement digit: A1 is the best fit with the hottest engagement, D4 the worst. */
export type Grade = `${FitLetter}${EngagementDigit}`;

/** 'cap' is the line that brings the total down to its cap (group caps are lines of their group). */
export type RuleGroup = 'fit' | 'engagement' | 'negative' | 'cap';

export interface ScoreLine {
	/** Id of the rule that gave the points (stable across runs; the rule's own id or its label). */
	rule: string;
	/** The rule's name as shown in the point table, e.g. "Pricing page visit". */
	label: string;
	group: RuleGroup;
	points: number;
	/** The rule's rationale, in words sales and marketing agreed on. */
	why: string;
	/**
	 * For engagement rules: the activity that earned the points, `at` the time it counted at (its
	 * stamp, or the as-of time for activity stamped within the clock skew after a live as-of).
	 */
	activity?: { type: string; at: string; url?: string; asset?: string; campaign?: string };
}

export interface LeadScoreResult {
	total: number;
	fit: number;
	engagement: number;
	/** Sum of negative points (zero or below). */
	negative: number;
	/** Points (after decay) earned in the velocity window. */
	velocity: number;
	velocityWindowDays: number;
	grade: Grade;
	/** Every line that counted; the points add up to `total` (caps appear as their own lines). */
	breakdown: ScoreLine[];
	/** Content hash of the normalized rules: the same rules give the same id anywhere. */
	modelId: string;
	/** ISO time the score was computed for (decay and windows are measured from it). */
	asOf: string;
	/**
	 * True when `asOf` is the time the lead was scored (Score As Of empty) rather than a time set to
	 * replay history: activity stamped within the clock skew after it counted as happening then.
	 */
	asOfLive?: boolean;
	/** Why activities were not counted, when some were: "1 activity dated after now (clock skew over 5 min)". */
	ignored?: string;
}
