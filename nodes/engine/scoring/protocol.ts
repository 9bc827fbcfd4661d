/**
 * The scoring part of the hand-off protocol, as marketing and sales agree on it.
 * The editor's point table and the JSON form both compile to this shape; the JSON Schema in
 * scoring.schema.json describes it for people who keep it in version control.
 */
import type { SeniorityLevel } from './seniority';

export type AttributeOperator =
	| 'equals'
	| 'notEquals'
	| 'oneOf'
	| 'contains'
	| 'matches'
	| 'greaterThan'
	| 'lessThan'
	| 'between'
	| 'exists'
	| 'notExists'
	| 'isTrue'
	| 'emailDomainIn'
	| 'freeEmailDomain'
	| 'seniorityAtLeast'
	/** The title is a student's, intern's, trainee's or job seeker's (titleRole.ts); takes no value. */
	| 'isStudentOrJobSeeker';

/** A fit or negative rule: a condition on one field of the lead. */
export interface AttributeRule {
	/** Stable id shown in breakdowns; derived from the label when left out. */
	id?: string;
	label?: string;
	field: string;
	operator: AttributeOperator;
	/** equals/notEquals/greaterThan/lessThan: one value; oneOf/emailDomainIn: a list;
	 * contains: words or phrases, matched as whole words (one or a list);
	 * between: [min, max] inclusive; matches: a regular expression; seniorityAtLeast: a level. */
	value?: string | number | boolean | Array<string | number> | SeniorityLevel;
	points: number;
	why?: string;
}

export type Decay =
	| { kind: 'none' }
	/** Points halve every `halfLifeDays`. */
	| { kind: 'halfLife'; halfLifeDays: number }
	/** Points fall by `percent` of their value per `periodDays`, in a straight line, to zero. */
	| { kind: 'linear'; percent: number; periodDays: number };

/** An engagement rule: points for each matching activity. */
export interface EngagementRule {
	id?: string;
	label?: string;
	/** Activity types it counts (compared case-insensitively; spaces and dashes count as `_`). */
	activity: string[];
	/** When set, the activity's URL, asset or title must contain one of these (case-insensitive). */
	contentContains?: string[];
	points: number;
	/** At most `points` from this rule per window of `windowDays` (or in all, without a window). */
	cap?: { points: number; windowDays?: number };
	/** Overrides the protocol's decay for this rule. */
	decay?: Decay;
	why?: string;
}

export interface FieldMapping {
	/** Path of the activities array on the lead. */
	activities: string;
	/** Paths inside each activity. */
	activityId: string;
	activityType: string;
	activityTime: string;
	activityUrl: string;
	activityAsset: string;
	activityCampaign: string;
	activityTitle: string;
}

export interface ScoringProtocol {
	fit: AttributeRule[];
	engagement: EngagementRule[];
	negative: AttributeRule[];
	decay: Decay;
	caps: { total?: number; totalMin?: number; fit?: number; engagement?: number; negative?: number };
	velocity: { windowDays: number };
	/** Minimum points for fit letters A, B, C (fit here includes the negative points) and
	 * engagement digits 1, 2, 3; anything lower is D or 4. */
	grade: { fit: [number, number, number]; engagement: [number, number, number] };
	/** Named score thresholds; the stateful mode records when a lead first crossed each. */
	thresholds: Array<{ name: string; score: number }>;
	fields: FieldMapping;
}

export const DEFAULT_FIELDS: FieldMapping = {
	activities: 'activities',
	activityId: 'id',
	activityType: 'type',
	activityTime: 'timestamp',
	activityUrl: 'url',
	activityAsset: 'asset',
	activityCampaign: 'campaign',
	activityTitle: 'title',
};

/**
 * The point table from the standard hand-off guide, with the negative rules it recommends.
 * Target industries are an example list: every team replaces it with its own.
 */
export const DEFAULT_PROTOCOL: ScoringProtocol = {
	fit: [
		{ label: 'Director+ title', field: 'jobTitle', operator: 'seniorityAtLeast', value: 'director', points: 15, why: 'Decision-making authority' },
		{ label: 'Target industry', field: 'industry', operator: 'oneOf', value: ['Software', 'SaaS', 'Technology', 'Financial Services'], points: 10, why: 'Product-market fit' },
		{ label: 'Company size 50-500', field: 'companySize', operator: 'between', value: [50, 500], points: 10, why: 'Ideal customer profile' },
	],
	engagement: [
		{ label: 'Pricing page visit', activity: ['page_view'], contentContains: ['/pricing'], points: 20, why: 'High purchase intent' },
		{ label: 'Case study download', activity: ['content_download'], contentContains: ['case study', 'case-study', 'case_study', 'casestudy', 'customer story'], points: 15, why: 'Evaluating solutions' },
		{ label: 'Webinar attendance', activity: ['webinar_attended'], points: 15, why: 'Active research phase' },
		{ label: 'Blog post read', activity: ['page_view'], contentContains: ['/blog/'], points: 3, cap: { points: 15, windowDays: 30 }, why: 'Awareness building' },
		{ label: 'Email open', activity: ['email_open'], points: 1, cap: { points: 5, windowDays: 30 }, why: 'Basic engagement' },
	],
	negative: [
		{ label: 'Unsubscribed', field: 'unsubscribed', operator: 'isTrue', points: -25, why: 'Asked not to be contacted by marketing' },
		{ label: 'Student or job-seeker title', field: 'jobTitle', operator: 'isStudentOrJobSeeker', points: -20, why: 'Not a buyer' },
		{ label: 'Free email domain (B2B)', field: 'email', operator: 'freeEmailDomain', points: -10, why: 'Personal address: weaker company signal' },
		{ label: 'Competitor domain', field: 'email', operator: 'emailDomainIn', value: [], points: -50, why: 'Researching our positioning, not buying' },
		{ label: 'Bounced email', field: 'emailBounced', operator: 'isTrue', points: -15, why: 'Cannot be reached by email' },
	],
	decay: { kind: 'halfLife', halfLifeDays: 30 },
	caps: { total: 100 },
	velocity: { windowDays: 7 },
	grade: { fit: [25, 15, 5], engagement: [40, 20, 5] },
	thresholds: [
		{ name: 'MQL', score: 50 },
		{ name: 'SQL', score: 70 },
	],
	fields: DEFAULT_FIELDS,
};

/** A partial protocol as users write it: everything but the rule lists has a default. */
export type ScoringProtocolInput = Partial<Omit<ScoringProtocol, 'fields' | 'caps' | 'grade' | 'velocity'>> & {
	fields?: Partial<FieldMapping>;
	caps?: ScoringProtocol['caps'];
	grade?: Partial<ScoringProtocol['grade']>;
	velocity?: Partial<ScoringProtocol['velocity']>;
};
