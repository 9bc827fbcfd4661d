/**
 * The Lead Enrich part of the protocol as users write it (JSON form: enrich.schema.json).
 * Everything has a default; `compileEnrichment({})` gives the behaviour of the standard guide.
 */
import type { FirmographicsMapping, FirmographicsPreset, Firmographics } from './firmographics';
import type { AttributionModel } from './attribution';
import type { TopicRule } from './topics';

/** Where the brief finds who the lead is. Paths into the lead, e.g. `properties.jobtitle`. */
export interface LeadFields {
	id: string;
	name: string;
	firstName: string;
	lastName: string;
	title: string;
	company: string;
	companySize: string;
	industry: string;
	country: string;
	email: string;
	phone: string;
	website: string;
	tier: string;
	/** Lead Score's output on the lead: total, grade and breakdown feed the brief. */
	score: string;
	/** Why the lead goes to sales now (Handoff Gate's reasons): a list of texts, or one text. */
	handoffReasons: string;
}

export const DEFAULT_LEAD_FIELDS: LeadFields = {
	id: 'id',
	name: 'name',
	firstName: 'firstName',
	lastName: 'lastName',
	title: 'jobTitle',
	company: 'company',
	companySize: 'companySize',
	industry: 'industry',
	country: 'country',
	email: 'email',
	phone: 'phone',
	website: 'website',
	tier: 'tier',
	score: 'score',
	handoffReasons: 'handoff.reasons',
};

/** Where the activities are on the lead and the paths inside each one (Lead Score's defaults). */
export interface ActivityFields {
	activities: string;
	id: string;
	type: string;
	time: string;
	url: string;
	asset: string;
	title: string;
	campaign: string;
	source: string;
	medium: string;
	referrer: string;
}

export const DEFAULT_ACTIVITY_FIELDS: ActivityFields = {
	activities: 'activities',
	id: 'id',
	type: 'type',
	time: 'timestamp',
	url: 'url',
	asset: 'asset',
	title: 'title',
	campaign: 'campaign',
	source: 'source',
	medium: 'medium',
	referrer: 'referrer',
};

/** Which activity types are which (compared after lower-casing; spaces and dashes read as `_`). */
export interface ActivityTypes {
	page: string[];
	email: string[];
	emailClick: string[];
	content: string[];
	/** Asking for sales: the lead is ready to talk whatever else it did. */
	intent: string[];
	/** Things done to the lead, not by it (a sent email): they are not engagement. */
	passive: string[];
}

export const DEFAULT_ACTIVITY_TYPES: ActivityTypes = {
	page: ['page_view', 'pageview', 'visit', 'web_visit'],
	email: ['email_open', 'email_opened', 'email_click', 'email_clicked', 'email_reply', 'email_replied'],
	emailClick: ['email_click', 'email_clicked'],
	content: ['content_download', 'download', 'webinar_attended', 'webinar_registered', 'video_watched', 'event_attended'],
	intent: ['demo_request', 'contact_sales', 'meeting_booked', 'trial_signup'],
	passive: ['email_sent', 'email_delivered', 'email_bounced', 'email_bounce', 'sms_sent', 'unsubscribe', 'unsubscribed'],
};

/** A talking point for sales, offered when the lead read something of a topic or with these words.
 * `point` may name `{{title}}`: the latest matching title. */
export interface TalkingPointRule {
	topic?: string;
	activity?: string[];
	keywords?: string[];
	point: string;
}

export const DEFAULT_TALKING_POINTS: TalkingPointRule[] = [
	{ activity: ['demo_request', 'contact_sales', 'meeting_booked'], point: 'Asked to talk to sales: confirm what they want to see and who else should join.' },
	{ topic: 'pricing', point: 'Looked at pricing: ask about team size, budget timing and which plan they are weighing.' },
	{ topic: 'caseStudies', point: 'Read “{{title}}”: ask which of those results they want for their own team.' },
	{ activity: ['webinar_attended'], point: 'Attended “{{title}}”: follow up on the questions it raised for them.' },
	{ topic: 'docs', point: 'Read the docs (“{{title}}”): a technical evaluation may be under way, offer a solutions engineer.' },
	{ topic: 'product', point: 'Explored “{{title}}”: ask what problem sent them looking and what they use today.' },
	{ topic: 'blog', point: 'Reads the blog (“{{title}}”): open with that topic rather than a pitch.' },
];

export interface TemplateOverrides {
	/** Slack mrkdwn for the body (the header and CRM button stay). */
	slack?: string;
	emailSubject?: string;
	emailText?: string;
	/** The HTML body; every placeholder is HTML-escaped. */
	emailHtml?: string;
	sms?: string;
	crmNote?: string;
}

export interface EnrichOptions {
	fields?: Partial<LeadFields>;
	/** Paths of the activities; a missing source, medium or campaign is read from utm_* fields or the URL's utm parameters. */
	activityFields?: Partial<ActivityFields>;
	activityTypes?: Partial<ActivityTypes>;
	/** Replaces the default topic rules (first match wins; unmatched pages are "Other"). */
	topics?: TopicRule[];
	/** How a lead's activity type reads in a brief ("requested a demo"); the title follows. */
	activityLabels?: Record<string, string>;
	stage?: {
		/** Only activity this recent counts for the buying stage (default 30). */
		windowDays?: number;
		/** Pricing visits on this many different days mean "ready to talk" (default 2). */
		pricingDaysForReady?: number;
		/** Topics whose visits mean the lead is comparing (default pricing, case studies, product, docs). */
		comparingTopics?: string[];
	};
	recency?: {
		/** Silent for this many days after engaging: gone dark (default 21). */
		goneDarkDays?: number;
		/** Engaged means at least this many activities before the silence (default 3). */
		goneDarkMinActivities?: number;
		/** Trend compares the last N days with the N days before (default 14). */
		trendWindowDays?: number;
		/** One window must have this many times the other's activities (default 1.5)... */
		trendRatio?: number;
		/** ...and at least this many more (default 2), so 1 vs 0 is not a trend. */
		trendMinChange?: number;
	};
	attribution?: {
		/** The model the brief quotes (default uShaped). */
		model?: AttributionModel;
		/** Time-decay half-life in days (default 7). */
		halfLifeDays?: number;
		/** Touches with the same source, medium and campaign this close together are one visit (default 30). */
		sessionMinutes?: number;
	};
	brief?: {
		/** Latest signals in "why now" (default 5). */
		signals?: number;
		/** Scoring rules quoted (default 3). */
		topRules?: number;
		/** Interests quoted (default 3). */
		interests?: number;
		talkingPoints?: TalkingPointRule[];
		/** Talking points quoted (default 3). */
		maxTalkingPoints?: number;
	};
	/** Link to the lead's CRM record; `{{path}}` reads the lead, URL-encoded. */
	crmUrlTemplate?: string;
	sms?: {
		/** Segments the SMS may use (default 1: 160 GSM-7 or 70 UCS-2 characters). */
		maxSegments?: number;
		/** Name, company, phone, reasons and the CRM link in the SMS (default true); false sends only tier, grade, score and stage. */
		includePersonalData?: boolean;
	};
	/** markdown (default), text, or html for CRMs whose notes are rich text (HubSpot, Pipedrive). */
	crmNote?: { format?: 'markdown' | 'text' | 'html' };
	templates?: TemplateOverrides;
	firmographics?: {
		/** A lookup table keyed by company domain; answers without any HTTP call. */
		table?: Record<string, Firmographics>;
		/** For the HTTP provider: the URL, `{{domain}}` is URL-encoded into it. */
		urlTemplate?: string;
		/** Response shape: a preset or field paths of your own (a preset plus overrides). */
		preset?: FirmographicsPreset;
		mapping?: Partial<FirmographicsMapping>;
		/** Free-mail addresses (gmail.com, ...) say nothing about a company: skip the lookup (default true). */
		skipFreeMail?: boolean;
		/** One provider call gives up after this long (default 10). */
		timeoutSeconds?: number;
		/** Calls per domain in all, retries included (default 3). */
		maxAttempts?: number;
		/** The longest wait before a retry; a Retry-After asking for longer is given up on (default 15). */
		maxRetryWaitSeconds?: number;
		/** How long an answer is cached in the store (default 720 hours; 0 caches nothing). */
		cacheTtlHours?: number;
	};
}
