/** The sales brief: what a rep needs for a good first conversation, as plain data. */
import { DateTime } from 'luxon';

import { relativeTime } from '../common/time';
import type { Activity, Lead } from '../common/types';
import type { LeadScoreResult } from '../scoring/result';
import type { Classifier } from './activities';
import { MODEL_LABELS, type Attribution, type AttributionModel, type Touch } from './attribution';
import { describeSize, type FirmographicsOutcome } from './firmographics';
import type { BehaviouralProfile } from './profile';
import type { Recency } from './recency';

export interface Signal {
	label: string;
	/** How often the lead did this in all. */
	count: number;
	at: number;
	ago: string;
	/** In the workflow's time zone: "Mon 16 Mar, 10:00". */
	when: string;
	/** "pricing page, 2 hours ago". */
	text: string;
}

export interface SalesBrief {
	who: { name?: string; title?: string; company?: string; size?: string; industry?: string; country?: string; email?: string; phone?: string; domain?: string };
	tier?: string;
	whyNow: { reasons: string[]; signals: Signal[] };
	score?: { total: number; grade: string; fit: number; engagement: number; topRules: Array<{ rule: string; label: string; points: number; why: string; text: string }> };
	stage: { stage: string; label: string; reason: string };
	interests: string[];
	activity: { last?: string; trend: string; trendReason: string; goneDark: boolean; goneDarkReason: string; last7Days: number; last30Days: number; last90Days: number };
	source: { model: string; firstTouch?: string; lastTouch?: string; campaigns: Array<{ campaign: string; share: string; text: string }>; channels: Array<{ channel: string; share: string; text: string }> };
	company: { techStack?: string[]; funding?: string; description?: string; lookup: string };
	talkingPoints: string[];
	/** Things a rep must not miss: gone dark, possible job seeker, company data unavailable. */
	flags: string[];
	crmUrl?: string;
	asOf: string;
	asOfLocal: string;
}

/** The top-level keys of the brief: what a template may name. */
export const BRIEF_KEYS: readonly string[] = ['who', 'tier', 'whyNow', 'score', 'stage', 'interests', 'activity', 'source', 'company', 'talkingPoints', 'flags', 'crmUrl', 'asOf', 'asOfLocal'];

export interface BriefInput {
	lead: Lead;
	who: SalesBrief['who'];
	tier?: string;
	activities: readonly Activity[];
	score?: LeadScoreResult;
	profile: BehaviouralProfile;
	recency: Recency;
	attribution: Attribution;
	firmographics: FirmographicsOutcome;
	handoffReasons: readonly string[];
	crmUrl?: string;
	freeMail: boolean;
	now: number;
	timezone: string;
}

export interface BriefConfig {
	signals: number;
	topRules: number;
	interests: number;
	maxTalkingPoints: number;
	model: AttributionModel;
	talkingPoints: ReadonlyArray<{ matches(a: Activity): boolean; point: (title: string) => string }>;
}

export function buildBrief(input: BriefInput, classify: Classifier, config: BriefConfig): SalesBrief {
	const { now, timezone } = input;
	const engaged = input.activities.filter((a) => classify.kind(a) !== 'passive').sort((a, b) => b.at - a.at);
	const local = (ms: number, format: string) => DateTime.fromMillis(ms, { zone: timezone }).setLocale('en-GB').toFormat(format);

	// The latest signals, each kind once with how often it happened.
	const byLabel = new Map<string, Signal>();
	for (const a of engaged) {
		const label = classify.label(a);
		const seen = byLabel.get(label);
		if (seen) seen.count++;
		else byLabel.set(label, { label, count: 1, at: a.at, ago: relativeTime(a.at, now), when: local(a.at, 'ccc d LLL, HH:mm'), text: '' });
	}
	const signals = [...byLabel.values()].slice(0, config.signals).map((s) => ({ ...s, text: `${s.label}, ${s.ago}${s.count > 1 ? ` (${s.count} times)` : ''}` }));

	const model = input.attribution.models[config.model];
	const share = (c: number) => `${Math.round(c * 100)}%`;
	const touchText = (t: Touch | undefined) => (t ? `${t.campaign === '(no campaign)' ? t.sourceMedium : `${t.campaign} (${t.sourceMedium})`}, ${relativeTime(t.at, now)}` : undefined);

	const firm = input.firmographics.status === 'found' ? input.firmographics.data : undefined;
	const flags: string[] = [];
	if (input.profile.jobSeeker.likely && input.profile.jobSeeker.reason) flags.push(`Possible job seeker: ${input.profile.jobSeeker.reason.replace(/: possibly a job seeker$/, '')}`);
	if (input.recency.goneDark.goneDark) flags.push(`Gone dark: ${input.recency.goneDark.reason}`);
	if (input.recency.trend.trend === 'cooling') flags.push(`Cooling: ${input.recency.trend.reason}`);
	if (input.freeMail) flags.push('Personal (free-mail) email address');
	// What went wrong is for whoever runs the workflow (the item's firmographics.reason), not for sales.
	if (input.firmographics.status === 'failed') flags.push(COMPANY_DATA_UNAVAILABLE);

	const funding = firm?.funding
		? [firm.funding.stage, firm.funding.totalUsd !== undefined ? `${formatUsd(firm.funding.totalUsd)} raised` : undefined].filter(Boolean).join(', ')
		: undefined;
	const who = {
		...input.who,
		...(!input.who.company && firm?.name ? { company: firm.name } : {}),
		...(!input.who.size && describeSize(firm) ? { size: describeSize(firm) } : {}),
		...(!input.who.industry && firm?.industry ? { industry: firm.industry } : {}),
		...(!input.who.country && firm?.country ? { country: firm.country } : {}),
	};

	return {
		who,
		...(input.tier ? { tier: input.tier } : {}),
		whyNow: { reasons: [...input.handoffReasons], signals },
		...(input.score ? { score: scorePart(input.score, config.topRules) } : {}),
		stage: { ...input.profile.stage },
		interests: input.profile.interests.slice(0, config.interests).map((i) => i.label),
		activity: {
			...(input.recency.lastActivity ? { last: `${input.recency.lastActivity.label}, ${input.recency.lastActivity.ago}` } : {}),
			trend: input.recency.trend.label,
			trendReason: input.recency.trend.reason,
			goneDark: input.recency.goneDark.goneDark,
			goneDarkReason: input.recency.goneDark.reason,
			last7Days: input.recency.counts.last7Days,
			last30Days: input.recency.counts.last30Days,
			last90Days: input.recency.counts.last90Days,
		},
		source: {
			model: MODEL_LABELS[config.model],
			...(input.attribution.firstTouch ? { firstTouch: touchText(input.attribution.firstTouch) } : {}),
			...(input.attribution.lastTouch ? { lastTouch: touchText(input.attribution.lastTouch) } : {}),
			campaigns: model.byCampaign.slice(0, 3).map((c) => ({ campaign: c.key, share: share(c.credit), text: `${c.key} ${share(c.credit)}` })),
			channels: model.bySourceMedium.slice(0, 3).map((c) => ({ channel: c.key, share: share(c.credit), text: `${c.key} ${share(c.credit)}` })),
		},
		company: {
			...(firm?.techStack ? { techStack: firm.techStack.slice(0, 10) } : {}),
			...(funding ? { funding } : {}),
			...(firm?.description ? { description: firm.description } : {}),
			lookup: lookupText(input.firmographics),
		},
		talkingPoints: talkingPoints(engaged, config, classify),
		flags,
		...(input.crmUrl ? { crmUrl: input.crmUrl } : {}),
		asOf: new Date(now).toISOString(),
		asOfLocal: local(now, 'd LLL yyyy, HH:mm ZZZZ'),
	};
}

/** The only words a brief has for a failed company lookup; the reason stays in the item's firmographics. */
export const COMPANY_DATA_UNAVAILABLE = 'Company data unavailable';

/** Where the company facts came from, in words for sales: no status codes, no error text. */
function lookupText(outcome: FirmographicsOutcome): string {
	switch (outcome.status) {
		case 'found':
			return `from ${outcome.source}`;
		case 'failed':
			return COMPANY_DATA_UNAVAILABLE;
		case 'notFound':
			return 'No company data found';
		case 'skipped':
			return outcome.reason;
	}
}

/** Score lines grouped by rule (an engagement rule has a line per activity), largest effect first. */
function scorePart(score: LeadScoreResult, topRules: number): NonNullable<SalesBrief['score']> {
	const byRule = new Map<string, { rule: string; label: string; points: number; why: string; lines: number }>();
	for (const line of score.breakdown) {
		if (line.group === 'cap') continue;
		const entry = byRule.get(line.rule) ?? { rule: line.rule, label: line.label || line.rule, points: 0, why: line.why, lines: 0 };
		entry.points += line.points;
		entry.lines++;
		byRule.set(line.rule, entry);
	}
	const rules = [...byRule.values()]
		.filter((r) => r.points !== 0)
		.sort((a, b) => Math.abs(b.points) - Math.abs(a.points) || a.label.localeCompare(b.label))
		.slice(0, topRules)
		.map((r) => {
			const points = Math.round(r.points * 10) / 10;
			const sign = points > 0 ? `+${points}` : `${points}`;
			return { rule: r.rule, label: r.label, points, why: r.why, text: `${r.label}${r.lines > 1 ? ` ×${r.lines}` : ''} ${sign}${r.why ? ` (${r.why})` : ''}` };
		});
	const round = (n: number) => Math.round(n * 10) / 10;
	return { total: round(score.total), grade: score.grade, fit: round(score.fit), engagement: round(score.engagement), topRules: rules };
}

/** One point per rule, in rule order, filled with the latest matching title. */
function talkingPoints(engagedNewestFirst: readonly Activity[], config: BriefConfig, classify: Classifier): string[] {
	const points: string[] = [];
	for (const rule of config.talkingPoints) {
		if (points.length >= config.maxTalkingPoints) break;
		const hit = engagedNewestFirst.find((a) => rule.matches(a));
		if (hit) points.push(rule.point(classify.title(hit) ?? classify.topic(hit).label));
	}
	return points;
}

function formatUsd(n: number): string {
	if (n >= 1e9) return `$${trim(n / 1e9)}B`;
	if (n >= 1e6) return `$${trim(n / 1e6)}M`;
	if (n >= 1e3) return `$${trim(n / 1e3)}K`;
	return `$${n}`;
}

function trim(n: number): string {
	return String(Math.round(n * 10) / 10);
}

/**
 * The brief for a channel that must not carry personal data (an SMS on a rep's phone): the tier,
 * the grade and score, the buying stage and the activity counts, nothing else. Left out is
 * everything that is the lead's data or quotes it: who they are (a company can be one person),
 * the CRM link and record id, the reasons and signals (they name pages, assets, form answers),
 * interests, talking points, sources, campaigns and company facts.
 */
export function withoutPersonalData(brief: SalesBrief): SalesBrief {
	const { score, stage, activity } = brief;
	return {
		who: {},
		...(brief.tier ? { tier: brief.tier } : {}),
		whyNow: { reasons: [], signals: [] },
		...(score ? { score: { total: score.total, grade: score.grade, fit: score.fit, engagement: score.engagement, topRules: [] } } : {}),
		stage: { stage: stage.stage, label: stage.label, reason: '' },
		interests: [],
		activity: { trend: activity.trend, trendReason: '', goneDark: activity.goneDark, goneDarkReason: '', last7Days: activity.last7Days, last30Days: activity.last30Days, last90Days: activity.last90Days },
		source: { model: brief.source.model, campaigns: [], channels: [] },
		company: { lookup: '' },
		talkingPoints: [],
		flags: [],
		asOf: brief.asOf,
		asOfLocal: brief.asOfLocal,
	};
}
