/**
 * Lead Enrich in one call: compile the options once per execution, then `enrich` each lead.
 * Pure: the node fetches firmographics (with `firmographicsTarget`, `providerUrl`,
 * `mapProviderResponse` and `retryDecision`) and passes the outcome in the context.
 */
import { createHash } from 'node:crypto';
import stableStringify from 'fast-json-stable-stringify';
import { IANAZone } from 'luxon';

import { activitiesAsOf, ignoredNote } from '../common/asOf';
import { LeadDataError, ProtocolError } from '../common/errors';
import { compilePath, type PathGetter } from '../common/paths';
import { assertMatchesSchema } from '../common/schema';
import type { Activity, Lead } from '../common/types';
import type { LeadScoreResult } from '../scoring/result';
import { compileClassifier, normalizeType } from './activities';
import { attribute, type Attribution, type AttributionModel } from './attribution';
import { BRIEF_KEYS, buildBrief, type BriefConfig, type SalesBrief } from './brief';
import schema from './enrich.schema.json';
import {
	compileFirmographicsMapping,
	compileLookupTable,
	compileProviderUrl,
	isFreeMailDomain,
	emailDomain,
	lookupDomain,
	providerName,
	readProviderBody,
	type Firmographics,
	type FirmographicsMapper,
	type FirmographicsOutcome,
} from './firmographics';
import { compileActivityReader, readReasons, readScore } from './leadData';
import {
	DEFAULT_ACTIVITY_FIELDS,
	DEFAULT_ACTIVITY_TYPES,
	DEFAULT_LEAD_FIELDS,
	DEFAULT_TALKING_POINTS,
	type EnrichOptions,
	type LeadFields,
	type TemplateOverrides,
} from './options';
import { buildProfile, type BehaviouralProfile, type ProfileConfig } from './profile';
import { buildRecency, type Recency, type RecencyConfig } from './recency';
import { renderCrmNote } from './render/crm';
import { renderEmail, type EmailRendering } from './render/email';
import { renderSlack, type SlackMessage } from './render/slack';
import { renderSms, type SmsOptions } from './render/sms';
import { compileTemplate, type Template } from './template';
import { compileTopics, DEFAULT_TOPICS, wordsRegExp } from './topics';

export interface EnrichContext {
	/** Epoch ms: the time of the hand-off; every "2 hours ago" is measured from it. */
	now: number;
	/**
	 * True when `now` is the time of the run (Enrich As Of empty): activity stamped within the clock
	 * skew after it counts as just now (common/asOf.ts). Otherwise later activity does not count.
	 */
	live?: boolean;
	/** IANA zone for the times in the brief (the workflow's time zone). */
	timezone: string;
	/** Why the lead goes to sales (from Handoff Gate): "Requested a demo". */
	handoffReasons?: string[];
	/** Overrides the options' CRM URL template for this call. */
	crmUrlTemplate?: string;
	/** The firmographics the node fetched: an outcome, or the company data itself. */
	firmographics?: FirmographicsOutcome | Firmographics;
	/** The tier (hot, warm, ...) when it is known before enrichment; else the lead's tier field. */
	tier?: string;
}

export interface Renderings {
	slack: SlackMessage;
	email: EmailRendering;
	sms: string;
	crmNote: string;
}

export interface EnrichResult {
	profile: BehaviouralProfile;
	recency: Recency;
	attribution: Attribution;
	firmographics: FirmographicsOutcome;
	brief: SalesBrief;
	renderings: Renderings;
}

export interface CompiledEnrichment {
	enrich(lead: Lead, activities: readonly Activity[], score: LeadScoreResult | undefined, context: EnrichContext): EnrichResult;
	/** The domain to look the lead's company up by, or why not to (free mail, no domain). */
	firmographicsTarget(lead: Lead): { domain: string } | { skip: string };
	/** The provider URL for a domain; undefined when no URL template is configured. */
	providerUrl(domain: string): string | undefined;
	/** A provider's JSON response in our shape; undefined when it names no company. */
	mapProviderResponse(response: unknown): Firmographics | undefined;
	/** The lead's activities, read with the activity field paths (times without offset in `zone`). */
	readActivities(lead: Lead, zone: string): Activity[];
	/** Lead Score's result on the lead, or undefined when it was not scored. */
	readScore(lead: Lead): LeadScoreResult | undefined;
	/** The hand-off reasons on the lead (Handoff Gate's), or none. */
	readHandoffReasons(lead: Lead): string[];
	/** A company from the lookup table, when one is configured and has the domain. */
	fromTable(domain: string): Firmographics | undefined;
	/** The HTTP provider's settings, when a URL template is configured. */
	readonly provider?: ProviderSettings;
}

export interface ProviderSettings {
	/** Identifies the provider and its mapping, so a cache never serves another provider's answer. */
	key: string;
	/** The URL template's host, for briefs and errors. */
	name: string;
	timeoutMs: number;
	retry: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
	/** 0: nothing is cached. */
	cacheTtlMs: number;
	/** A 2xx body (text or parsed) read into an outcome: found, no company, or not JSON. */
	read(body: unknown, domain: string): FirmographicsOutcome;
}

const TEMPLATE_KEYS: Array<keyof TemplateOverrides> = ['slack', 'emailSubject', 'emailText', 'emailHtml', 'sms', 'crmNote'];

/** Validates options against enrich.schema.json (errors name the JSON path) and compiles them. */
export function compileEnrichment(input: unknown = {}): CompiledEnrichment {
	assertMatchesSchema<EnrichOptions>(schema, input, 'The Lead Enrich options');
	const options = input as EnrichOptions;

	const fields: LeadFields = { ...DEFAULT_LEAD_FIELDS, ...options.fields };
	const get = Object.fromEntries(Object.entries(fields).map(([k, p]) => [k, compilePath(p)])) as Record<keyof LeadFields, PathGetter>;
	const topicRules = options.topics ?? DEFAULT_TOPICS;
	const topicIds = new Set<string>();
	topicRules.forEach((t, i) => {
		if (topicIds.has(t.id) || t.id === 'other') throw ProtocolError.at(`/topics/${i}/id`, t.id === 'other' ? '"other" is the topic of unmatched pages; choose another id' : `the topic id "${t.id}" is used twice`);
		topicIds.add(t.id);
	});
	const topics = compileTopics(topicRules);
	const classify = compileClassifier({ ...DEFAULT_ACTIVITY_TYPES, ...options.activityTypes }, topics, options.activityLabels ?? {});

	const profileConfig: ProfileConfig = {
		stageWindowDays: options.stage?.windowDays ?? 30,
		pricingDaysForReady: options.stage?.pricingDaysForReady ?? 2,
		comparingTopics: options.stage?.comparingTopics ?? ['pricing', 'caseStudies', 'product', 'docs'],
	};
	profileConfig.comparingTopics.forEach((id, i) => {
		if (!topicIds.has(id)) throw ProtocolError.at(`/stage/comparingTopics/${i}`, `no topic has the id "${id}"; topics are ${[...topicIds].join(', ')}`);
	});
	const recencyConfig: RecencyConfig = {
		goneDarkDays: options.recency?.goneDarkDays ?? 21,
		goneDarkMinActivities: options.recency?.goneDarkMinActivities ?? 3,
		trendWindowDays: options.recency?.trendWindowDays ?? 14,
		trendRatio: options.recency?.trendRatio ?? 1.5,
		trendMinChange: options.recency?.trendMinChange ?? 2,
	};
	const attributionOptions = { halfLifeDays: options.attribution?.halfLifeDays ?? 7, sessionMinutes: options.attribution?.sessionMinutes ?? 30 };
	const model: AttributionModel = options.attribution?.model ?? 'uShaped';

	// The default points name default topics; with topics of one's own, those not defined drop out.
	const pointRules = options.brief?.talkingPoints ?? DEFAULT_TALKING_POINTS.filter((p) => p.topic === undefined || topicIds.has(p.topic));
	const briefConfig: BriefConfig = {
		signals: options.brief?.signals ?? 5,
		topRules: options.brief?.topRules ?? 3,
		interests: options.brief?.interests ?? 3,
		maxTalkingPoints: options.brief?.maxTalkingPoints ?? 3,
		model,
		talkingPoints: pointRules.map((rule, i) => {
			const path = `/brief/talkingPoints/${i}`;
			if (rule.topic === undefined && rule.activity === undefined && rule.keywords === undefined) {
				throw ProtocolError.at(path, 'say when the point applies: a topic, activity types or keywords');
			}
			if (rule.topic !== undefined && !topicIds.has(rule.topic)) throw ProtocolError.at(`${path}/topic`, `no topic has the id "${rule.topic}"; topics are ${[...topicIds].join(', ')}`);
			const types = rule.activity ? new Set(rule.activity.map(normalizeType)) : undefined;
			const words = rule.keywords ? wordsRegExp(rule.keywords) : undefined;
			const point = compileTemplate(rule.point, `${path}/point`, ['title']);
			return {
				matches: (a: Activity) =>
					classify.kind(a) !== 'passive' &&
					(rule.topic === undefined || classify.topic(a).id === rule.topic) &&
					(types === undefined || types.has(normalizeType(a.type))) &&
					(words === undefined || words.test(`${a.title ?? ''} ${a.asset ?? ''} ${a.url ?? ''}`)),
				point: (title: string) => point.render({ title }, (s) => s),
			};
		}),
	};

	const templates: Partial<Record<keyof TemplateOverrides, Template>> = {};
	for (const key of TEMPLATE_KEYS) {
		const source = options.templates?.[key];
		if (source !== undefined) templates[key] = compileTemplate(source, `/templates/${key}`, BRIEF_KEYS);
	}
	const sms: SmsOptions = { maxSegments: options.sms?.maxSegments ?? 1, includePersonalData: options.sms?.includePersonalData ?? true };
	const crmFormat = options.crmNote?.format ?? 'markdown';

	const crmUrls = new Map<string, (lead: Lead) => string | undefined>();
	const crmUrlFor = (template: string, path: string) => {
		let compiled = crmUrls.get(template);
		if (!compiled) {
			compiled = compileCrmUrl(template, path);
			if (crmUrls.size > 100) crmUrls.clear();
			crmUrls.set(template, compiled);
		}
		return compiled;
	};
	if (options.crmUrlTemplate !== undefined) crmUrlFor(options.crmUrlTemplate, '/crmUrlTemplate');

	const fm = options.firmographics ?? {};
	const skipFreeMail = fm.skipFreeMail ?? true;
	const table = fm.table ? compileLookupTable(fm.table) : undefined;
	const providerUrl = fm.urlTemplate !== undefined ? compileProviderUrl(fm.urlTemplate) : undefined;
	const mapper: FirmographicsMapper = compileFirmographicsMapping(fm.preset ?? 'clearbit', fm.mapping);
	const firmographicsTarget = (lead: Lead) => lookupDomain(get.email(lead), get.website(lead), skipFreeMail);
	const provider: ProviderSettings | undefined =
		fm.urlTemplate === undefined
			? undefined
			: {
					key: `p_${createHash('sha256').update(stableStringify({ url: fm.urlTemplate.trim(), preset: fm.preset ?? 'clearbit', mapping: fm.mapping ?? {} })).digest('hex').slice(0, 24)}`,
					name: providerName(fm.urlTemplate),
					timeoutMs: (fm.timeoutSeconds ?? 10) * 1000,
					retry: { maxAttempts: fm.maxAttempts ?? 3, baseDelayMs: 500, maxDelayMs: (fm.maxRetryWaitSeconds ?? 15) * 1000 },
					cacheTtlMs: (fm.cacheTtlHours ?? 720) * 3_600_000,
					read: (body, domain) => readProviderBody(body, mapper, domain, providerName(fm.urlTemplate!)),
				};
	const readActivitiesOf = compileActivityReader({ ...DEFAULT_ACTIVITY_FIELDS, ...options.activityFields });

	const zones = new Set<string>();

	return {
		firmographicsTarget,
		providerUrl: (domain) => providerUrl?.({ domain }),
		mapProviderResponse: mapper,
		readActivities: readActivitiesOf,
		readScore: (lead) => readScore(get.score(lead), fields.score),
		readHandoffReasons: (lead) => readReasons(get.handoffReasons(lead), fields.handoffReasons),
		fromTable: (domain) => table?.(domain),
		...(provider ? { provider } : {}),
		enrich(lead, given, score, context) {
			const { now } = context;
			if (!Number.isFinite(now)) throw new ProtocolError('The enrichment context needs `now` as epoch milliseconds');
			if (!zones.has(context.timezone)) {
				if (!IANAZone.isValidZone(context.timezone)) throw ProtocolError.at('/timezone', `"${context.timezone}" is not an IANA time zone such as Europe/Berlin`);
				zones.add(context.timezone);
			}
			given.forEach((a, i) => {
				if (typeof a?.type !== 'string') throw new LeadDataError(`activities[${i}].type`, 'an activity type', a?.type);
				if (typeof a.at !== 'number' || !Number.isFinite(a.at)) throw new LeadDataError(`activities[${i}].at`, 'a time in epoch milliseconds', a.at);
			});
			// As of `now`, as Lead Score and the gate read it: nothing later, except within the clock skew of a live run.
			const { counted: activities, ignored } = activitiesAsOf(given, now, context.live);
			const note = ignoredNote(ignored, context.live);

			const profile = buildProfile(activities, now, classify, profileConfig);
			const recency: Recency = { ...buildRecency(activities, now, classify, recencyConfig), ...(note === undefined ? {} : { ignored: note }) };
			const attribution = attribute(activities, attributionOptions);
			const firmographics = resolveFirmographics(context.firmographics, firmographicsTarget(lead), table);
			const email = text(get.email(lead));
			const crmTemplate = context.crmUrlTemplate ?? options.crmUrlTemplate;
			const crmUrl = crmTemplate === undefined ? undefined : crmUrlFor(crmTemplate, context.crmUrlTemplate !== undefined ? '/context/crmUrlTemplate' : '/crmUrlTemplate')(lead);
			const tier = context.tier ?? text(get.tier(lead));

			const brief = buildBrief(
				{
					lead,
					who: whoOf(get, lead),
					...(tier ? { tier } : {}),
					activities,
					...(score ? { score } : {}),
					profile,
					recency,
					attribution,
					firmographics,
					handoffReasons: context.handoffReasons ?? [],
					...(crmUrl ? { crmUrl } : {}),
					freeMail: isFreeMailDomain(emailDomain(email)),
					now,
					timezone: context.timezone,
				},
				classify,
				briefConfig,
			);

			return {
				profile,
				recency,
				attribution,
				firmographics,
				brief,
				renderings: {
					slack: renderSlack(brief, templates.slack),
					email: renderEmail(brief, { subject: templates.emailSubject, html: templates.emailHtml, text: templates.emailText }),
					sms: renderSms(brief, sms, templates.sms),
					crmNote: renderCrmNote(brief, crmFormat, templates.crmNote),
				},
			};
		},
	};
}

/** Convenience for one lead; a node compiles once with `compileEnrichment` instead. */
export function enrichLead(
	lead: Lead,
	activities: readonly Activity[],
	score: LeadScoreResult | undefined,
	context: EnrichContext & { options?: EnrichOptions },
): EnrichResult {
	const { options, ...rest } = context;
	return compileEnrichment(options ?? {}).enrich(lead, activities, score, rest);
}

function resolveFirmographics(
	given: FirmographicsOutcome | Firmographics | undefined,
	target: { domain: string } | { skip: string },
	table: ((domain: string) => Firmographics | undefined) | undefined,
): FirmographicsOutcome {
	if (given !== undefined) return 'status' in given ? (given as FirmographicsOutcome) : { status: 'found', data: given, source: 'provider' };
	if ('skip' in target) return { status: 'skipped', reason: target.skip };
	if (!table) return { status: 'skipped', reason: 'no company data provider configured' };
	const row = table(target.domain);
	return row ? { status: 'found', data: row, source: 'lookup table' } : { status: 'notFound', reason: `${target.domain} is not in the lookup table` };
}

function whoOf(get: Record<keyof LeadFields, PathGetter>, lead: Lead): SalesBrief['who'] {
	const name = text(get.name(lead)) ?? ([text(get.firstName(lead)), text(get.lastName(lead))].filter(Boolean).join(' ') || undefined);
	const rawSize = get.companySize(lead);
	const size = typeof rawSize === 'number' && Number.isFinite(rawSize) ? `${rawSize.toLocaleString('en-US')} employees` : text(rawSize);
	const email = text(get.email(lead));
	const entries: Array<[string, string | undefined]> = [
		['name', name],
		['title', text(get.title(lead))],
		['company', text(get.company(lead))],
		['size', size],
		['industry', text(get.industry(lead))],
		['country', text(get.country(lead))],
		['email', email],
		['phone', text(get.phone(lead))],
		['domain', emailDomain(email)],
	];
	return Object.fromEntries(entries.filter(([, v]) => v !== undefined)) as SalesBrief['who'];
}

function text(value: unknown): string | undefined {
	if (typeof value === 'string') return value.trim() || undefined;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return undefined;
}

/**
 * A CRM record link: `{{path}}` reads the lead and is URL-encoded, so lead data cannot change
 * where the link points. A lead without the value gets no link rather than a broken one.
 */
export function compileCrmUrl(template: string, path = '/crmUrlTemplate'): (lead: Lead) => string | undefined {
	const trimmed = template.trim();
	if (!/^https?:\/\/[^\s{}/]+/i.test(trimmed)) throw ProtocolError.at(path, 'the CRM URL must start with http:// or https:// and a host name');
	const parts = trimmed.split(/\{\{\s*([^{}]*?)\s*\}\}/);
	if (/\{\{|\}\}/.test(parts.filter((_, i) => i % 2 === 0).join(''))) throw ProtocolError.at(path, 'an unfinished {{placeholder}}');
	const getters = parts.map((part, i) => (i % 2 === 1 ? compilePath(part) : undefined));
	return (lead) => {
		let out = '';
		for (let i = 0; i < parts.length; i++) {
			const getter = getters[i];
			if (!getter) {
				out += parts[i];
				continue;
			}
			const value = text(getter(lead));
			if (value === undefined) return undefined;
			out += encodeURIComponent(value);
		}
		return out;
	};
}
