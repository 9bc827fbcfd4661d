/**
 * The protocol document: what marketing and sales agreed on, written out from the configuration
 * that runs (Lead Score, Handoff Gate, Tier Router, SLA Timer and Lead Feedback nodes of one
 * workflow), with the change log at the end. One document model renders to Markdown and to HTML,
 * so both say the same; every configured string (labels, rationales, field names, rep names and
 * emails, values, expressions) is escaped in both, since it may hold lead data or user text.
 */
import type { CalendarSpec, Sla } from '../calendar';
import type { DispositionCode } from '../feedback/dispositions';
import type { LoggedChange } from '../feedback/report/changes';
import type { Condition } from '../gate/condition';
import type { GateProtocol, GateRule } from '../gate/gate';
import type { RoutingProtocol } from '../routing/protocol';
import type { NormalizedAttributeRule, NormalizedEngagementRule, NormalizedProtocol } from '../scoring/compile';
import type { Decay } from '../scoring/protocol';
import { DEFAULT_LADDER, describeStageAt, STAGE_LABELS, STAGES, type EscalationProtocol, type Ladder } from '../sla/ladder';

/** A node's part as read, or why it could not be read. */
export type NodePart<T> = { node: string; disabled?: boolean } & ({ error: string } | ({ error?: undefined } & T));

export interface ScoringPart {
	protocol: NormalizedProtocol;
	modelId: string;
	/** 'score' or 'recordAndRescore'. */
	mode: string;
	leadKey?: string;
	experiment?: { name: string; sharePercent: number; challengerModelId: string; challenger: NormalizedProtocol };
}

export interface SlaTimerPart {
	operation: string;
	/** Start's settings as configured ('' or 'routing' where Tier Router's routing decides). */
	slaMinutes?: number;
	basis?: string;
	action?: string;
	calendar?: CalendarSpec;
	ladder?: Partial<Record<(typeof STAGES)[number], string>>;
	manager?: string;
}

/** A logged scoring change, as the store keeps it: the same record the report reads. */
export type ChangeEntry = LoggedChange;

export interface ProtocolSource {
	title: string;
	workflow: { id?: string; name?: string; version: string; versionId?: string; updatedAt?: string };
	generatedAt: number;
	scoring: Array<NodePart<ScoringPart>>;
	gates: Array<NodePart<{ gate: GateProtocol; cooldownDays: number }>>;
	routers: Array<NodePart<{ routing: RoutingProtocol }>>;
	slaTimers: Array<NodePart<SlaTimerPart>>;
	feedback: Array<NodePart<{ codes: readonly DispositionCode[] }>>;
	/** Parameters set by an expression: resolved per lead at run time, shown as written. */
	expressions: Array<{ node: string; parameter: string; expression: string }>;
	/** The change log, oldest first; undefined when it was not asked for. */
	changes?: ChangeEntry[];
}

/** The document model: blocks that render alike in Markdown and HTML. */
export type Block =
	| { kind: 'heading'; level: 1 | 2 | 3; text: string }
	| { kind: 'paragraph'; text: string }
	| { kind: 'list'; items: string[] }
	| { kind: 'table'; head: string[]; rows: string[][] };

const OPERATOR_WORDS: Record<string, string> = {
	equals: 'is',
	notEquals: 'is not',
	oneOf: 'is one of',
	contains: 'contains',
	startsWith: 'starts with',
	matches: 'matches',
	greaterThan: 'is above',
	lessThan: 'is below',
	between: 'is between',
	exists: 'has a value',
	notExists: 'is empty',
	isTrue: 'is true',
	isFalse: 'is false',
	emailDomainIn: 'email domain is one of',
	freeEmailDomain: 'email domain is free mail',
	seniorityAtLeast: 'title seniority is at least',
	isStudentOrJobSeeker: "is a student's or job seeker's title",
};

function valueWords(value: unknown): string {
	if (value === undefined) return '';
	if (Array.isArray(value)) return value.map((v) => String(v)).join(', ');
	return String(value);
}

function attributeCondition(field: string, operator: string, value: unknown): string {
	const words = OPERATOR_WORDS[operator] ?? operator;
	if (operator === 'between' && Array.isArray(value)) return `${field} is between ${value[0]} and ${value[1]}`;
	if (operator === 'freeEmailDomain') return `${field} is at a free mail domain`;
	if (operator === 'emailDomainIn') return `${field} is at ${valueWords(value) || '(no domain listed yet)'}`;
	if (operator === 'seniorityAtLeast') return `${field} is ${valueWords(value)} level or above`;
	const shown = valueWords(value);
	return shown === '' ? `${field} ${words}` : `${field} ${words} ${shown}`;
}

/** A gate or tier condition in words. */
export function conditionWords(condition: Condition | undefined): string {
	if (condition === undefined) return 'every lead that reaches it';
	const c = condition as Record<string, unknown>;
	const nested = (x: Condition) => {
		const text = conditionWords(x);
		return 'all' in x || 'any' in x ? `(${text})` : text;
	};
	if (Array.isArray(c.all)) return (c.all as Condition[]).map(nested).join(' and ');
	if (Array.isArray(c.any)) return (c.any as Condition[]).map(nested).join(' or ');
	if (c.not !== undefined) return `not ${nested(c.not as Condition)}`;
	if (typeof c.score === 'string') {
		const measure = c.score === 'total' ? 'score' : `${c.score} score`;
		if (c.atLeast !== undefined && c.below !== undefined) return `${measure} ${c.atLeast} to below ${c.below}`;
		if (c.atLeast !== undefined) return `${measure} ${c.atLeast} or more`;
		if (c.below !== undefined) return `${measure} below ${c.below}`;
		return `any ${measure}`;
	}
	if (Array.isArray(c.grade)) return `grade ${(c.grade as string[]).join(', ')}`;
	if (c.fitAtLeast !== undefined) return `fit grade ${String(c.fitAtLeast)} or better`;
	if (c.engagementAtLeast !== undefined) return `engagement grade ${String(c.engagementAtLeast)} or better`;
	if (Array.isArray(c.activity)) {
		const what = typeof c.label === 'string' && c.label ? c.label : (c.activity as string[]).join(' or ');
		const content = Array.isArray(c.contentContains) && c.contentContains.length ? ` (URL, asset or title containing ${(c.contentContains as string[]).map((s) => `"${s}"`).join(' or ')})` : '';
		const url = typeof c.urlMatches === 'string' ? ` (URL matching ${c.urlMatches})` : '';
		const times = typeof c.minCount === 'number' && c.minCount > 1 ? ` at least ${c.minCount} times` : '';
		const within = typeof c.withinDays === 'number' ? ` in the last ${c.withinDays} days` : '';
		return `${what}${content}${url}${times}${within}`;
	}
	if (typeof c.gainedPoints === 'number') return `gained ${c.gainedPoints} or more engagement points in ${String(c.withinDays)} days`;
	if (typeof c.field === 'string') return attributeCondition(typeof c.label === 'string' && c.label ? c.label : c.field, String(c.operator), c.value);
	if (Array.isArray(c.negativeRule)) return `scoring rule ${(c.negativeRule as string[]).map((r) => `"${r}"`).join(' or ')} applied`;
	return JSON.stringify(condition);
}

function decayWords(decay: Decay | undefined): string {
	if (!decay || decay.kind === 'none') return 'no decay';
	if (decay.kind === 'halfLife') return `halves every ${decay.halfLifeDays} days`;
	return `loses ${decay.percent} % every ${decay.periodDays} days`;
}

function slaWords(sla: Sla | null | undefined): string {
	if (!sla) return 'no SLA';
	const minutes = (sla.hours ?? 0) * 60 + (sla.minutes ?? 0);
	const span = minutes % 60 === 0 ? `${minutes / 60} ${minutes === 60 ? 'hour' : 'hours'}` : `${minutes} minutes`;
	return `${span}, ${sla.basis === 'business' ? 'business hours' : 'on the clock'}`;
}

function calendarWords(calendar: CalendarSpec | undefined): string {
	const c = calendar ?? {};
	const days = (c.workingDays ?? ['mon', 'tue', 'wed', 'thu', 'fri']).join(', ');
	const ranges = c.hours === undefined ? [{ start: '09:00', end: '17:00' }] : Array.isArray(c.hours) ? c.hours : [c.hours];
	const hours = ranges.map((r) => `${r.start}-${r.end}`).join(', ');
	const holidays = c.holidays?.length ? `; closed on ${c.holidays.join(', ')}` : '';
	return `${days}, ${hours}${c.zone ? ` (${c.zone})` : " (the workflow's time zone)"}${holidays}`;
}

const pts = (n: number) => (n > 0 ? `+${n}` : String(n));

function scoringBlocks(part: NodePart<ScoringPart>): Block[] {
	const blocks: Block[] = [{ kind: 'heading', level: 3, text: part.node }];
	if (part.error !== undefined) return [...blocks, { kind: 'paragraph', text: `Could not be read: ${part.error}` }];
	const p = part.protocol;
	blocks.push({
		kind: 'paragraph',
		text: `Model ${part.modelId}. ${part.mode === 'recordAndRescore' ? `Keeps each lead's activity history in the store and rescores the whole history${part.leadKey ? ` (lead key ${part.leadKey})` : ''}.` : 'Scores each lead from the activities it arrives with.'}`,
	});
	const attributeRows = (rules: NormalizedAttributeRule[]) => rules.map((r) => [r.label, attributeCondition(r.field, r.operator, r.value), pts(r.points), r.why || '–']);
	if (p.fit.length) blocks.push({ kind: 'paragraph', text: 'Fit: who the lead is.' }, { kind: 'table', head: ['Rule', 'When', 'Points', 'Why'], rows: attributeRows(p.fit) });
	if (p.engagement.length) {
		blocks.push(
			{ kind: 'paragraph', text: `Engagement: what the lead does, per activity; points fade with age (${decayWords(p.decay)}).` },
			{
				kind: 'table',
				head: ['Rule', 'Activity', 'Points', 'Cap', 'Why'],
				rows: p.engagement.map((r: NormalizedEngagementRule) => [
					r.label,
					`${r.activity.join(' or ')}${r.contentContains.length ? ` containing ${r.contentContains.map((s) => `"${s}"`).join(' or ')}` : ''}${r.decay ? ` (${decayWords(r.decay)})` : ''}`,
					pts(r.points),
					r.cap ? `${r.cap.points} points${r.cap.windowDays ? ` per ${r.cap.windowDays} days` : ''}` : '–',
					r.why || '–',
				]),
			},
		);
	}
	if (p.negative.length) blocks.push({ kind: 'paragraph', text: 'Negative: what keeps a lead away from sales.' }, { kind: 'table', head: ['Rule', 'When', 'Points', 'Why'], rows: attributeRows(p.negative) });
	const caps = [
		p.caps.total !== undefined ? `total at most ${p.caps.total}` : undefined,
		p.caps.totalMin !== undefined ? `total at least ${p.caps.totalMin}` : undefined,
		p.caps.fit !== undefined ? `fit at most ${p.caps.fit}` : undefined,
		p.caps.engagement !== undefined ? `engagement at most ${p.caps.engagement}` : undefined,
		p.caps.negative !== undefined ? `negative at least ${p.caps.negative}` : undefined,
	].filter((x): x is string => x !== undefined);
	blocks.push({
		kind: 'list',
		items: [
			`Thresholds: ${p.thresholds.length ? p.thresholds.map((t) => `${t.name} at ${t.score}`).join(', ') : 'none'}.`,
			`Caps: ${caps.length ? caps.join(', ') : 'none'}.`,
			`Grade: fit A, B, C from ${p.grade.fit.join(', ')} points; engagement 1, 2, 3 from ${p.grade.engagement.join(', ')} points (A1 best, D4 worst).`,
			`Velocity: engagement points earned in the last ${p.velocity.windowDays} days.`,
		],
	});
	if (part.experiment) {
		const e = part.experiment;
		blocks.push({
			kind: 'paragraph',
			text: `Experiment "${e.name}": ${e.sharePercent} % of leads, chosen by their lead key, are scored and handed off by a challenger table (model ${e.challengerModelId}); the rest by the table above.`,
		});
		const differs = (list: Array<{ label: string; points: number }>, other: Array<{ label: string; points: number }>) =>
			list.filter((r) => !other.some((o) => o.label === r.label && o.points === r.points)).map((r) => `${r.label} ${pts(r.points)}`);
		const changed = [...differs(e.challenger.fit, p.fit), ...differs(e.challenger.engagement, p.engagement), ...differs(e.challenger.negative, p.negative)];
		if (changed.length) blocks.push({ kind: 'list', items: changed.map((c) => `Challenger: ${c}`) });
	}
	return blocks;
}

function ruleRows(rules: GateRule[] | undefined, extra?: (r: GateRule) => string): string[][] {
	return (rules ?? []).map((r) => [r.name, conditionWords(r.when), ...(extra ? [extra(r)] : [])]);
}

function gateBlocks(part: ProtocolSource['gates'][number]): Block[] {
	const blocks: Block[] = [{ kind: 'heading', level: 3, text: part.node }];
	if (part.error !== undefined) return [...blocks, { kind: 'paragraph', text: `Could not be read: ${part.error}` }];
	const g = part.gate;
	blocks.push({ kind: 'paragraph', text: `A lead goes to sales when an intent or a hand-off trigger holds and no disqualifier does; then not again for ${part.cooldownDays} days (the cool-down).` });
	if (g.disqualifiers?.length) blocks.push({ kind: 'paragraph', text: 'Never to sales:' }, { kind: 'table', head: ['Disqualifier', 'When', 'An intent overrides it'], rows: ruleRows(g.disqualifiers, (r) => (r.yieldsToIntent ? 'yes' : 'no')) });
	if (g.intents?.length) blocks.push({ kind: 'paragraph', text: 'At once, whatever the score:' }, { kind: 'table', head: ['Intent', 'When'], rows: ruleRows(g.intents) });
	if (g.triggers?.length) blocks.push({ kind: 'paragraph', text: 'Hand-off triggers (any one suffices):' }, { kind: 'table', head: ['Trigger', 'When'], rows: ruleRows(g.triggers) });
	return blocks;
}

function ladderRows(escalation: EscalationProtocol | undefined, tiers: string[]): string[][] {
	const base: Ladder = { ...DEFAULT_LADDER, ...(escalation?.ladder ?? {}) } as Ladder;
	return STAGES.map((stage) => [
		STAGE_LABELS[stage],
		describeStageAt(base[stage], 'business'),
		...tiers.map((t) => {
			const own = escalation?.tiers?.[t]?.[stage];
			return own === undefined ? 'as the ladder' : describeStageAt(own, 'business');
		}),
	]);
}

function routingBlocks(part: ProtocolSource['routers'][number]): { tiers: Block[]; routing: Block[] } {
	const head: Block = { kind: 'heading', level: 3, text: part.node };
	if (part.error !== undefined) {
		const failed: Block = { kind: 'paragraph', text: `Could not be read: ${part.error}` };
		return { tiers: [head, failed], routing: [] };
	}
	const r = part.routing;
	const tiers = r.tiers ?? [];
	const a = r.assignment ?? {};
	const tierBlocks: Block[] = [
		head,
		{ kind: 'paragraph', text: 'Each lead that reaches Tier Router takes the first tier whose condition holds.' },
		{
			kind: 'table',
			head: ['Tier', 'When', 'SLA', 'Counts as response', 'Owner'],
			rows: tiers.map((t) => [t.name, conditionWords(t.when), slaWords(t.sla), t.sla ? (t.sla.action === 'acknowledge' ? 'accepting the lead' : 'a first contact') : '–', t.assign === false ? 'none (no owner)' : 'assigned']),
		},
		{ kind: 'paragraph', text: `Business hours: ${calendarWords(r.calendar)}.` },
		{ kind: 'paragraph', text: 'Escalation while the SLA runs (share of the SLA, or minutes on its clock):' },
		{ kind: 'table', head: ['Stage', 'Ladder', ...tiers.filter((t) => r.escalation?.tiers?.[t.name]).map((t) => t.name)], rows: ladderRows(r.escalation, tiers.filter((t) => r.escalation?.tiers?.[t.name]).map((t) => t.name)) },
	];
	const routing: Block[] = [head];
	if (a.namedAccounts?.length) routing.push({ kind: 'paragraph', text: 'Named accounts (checked first):' }, { kind: 'table', head: ['Domain', 'Owner'], rows: a.namedAccounts.map((n) => [n.domain, n.owner]) });
	if (a.rules?.length) {
		routing.push(
			{ kind: 'paragraph', text: 'Assignment rules, in order (the first that matches names the team):' },
			{
				kind: 'table',
				head: ['Rule', 'Team', 'Matches'],
				rows: a.rules.map((rule) => {
					const parts = [
						rule.territory ? Object.entries(rule.territory).map(([k, v]) => `${k} ${valueWords(v)}`).join('; ') : '',
						rule.industry?.length ? `industry ${rule.industry.join(', ')}` : '',
						rule.segment?.length ? `segment ${rule.segment.join(', ')}` : '',
						rule.companySize ? `company size ${rule.companySize.min ?? 0}-${rule.companySize.max ?? '∞'}` : '',
						rule.when ? conditionWords(rule.when) : '',
					].filter(Boolean);
					return [rule.name, rule.team, parts.join('; ') || 'every lead'];
				}),
			},
		);
	}
	const teams = a.teams ?? [];
	if (teams.length) {
		routing.push({
			kind: 'table',
			head: ['Team', 'Members', 'Strategy', 'When nobody is available', 'Manager'],
			rows: teams.map((t) => [
				t.name ?? t.id,
				t.members.join(', '),
				t.strategy === 'weightedRoundRobin' ? 'weighted round-robin' : t.strategy === 'leastOpen' ? 'fewest open hand-offs' : 'round-robin',
				t.fallback ? ('owner' in t.fallback ? `owner ${t.fallback.owner}` : `queue ${t.fallback.queue}`) : 'the default fallback',
				t.manager === undefined ? '–' : typeof t.manager === 'string' ? t.manager : [t.manager.name, t.manager.email].filter(Boolean).join(' '),
			]),
		});
	}
	if (a.roster?.length) {
		routing.push({
			kind: 'table',
			head: ['Rep', 'Name', 'Weight', 'Capacity', 'In rotation'],
			rows: a.roster.map((rep) => [
				rep.id,
				rep.name ?? '–',
				String(rep.weight ?? 1),
				[rep.capacity?.perDay !== undefined ? `${rep.capacity.perDay} a day` : '', rep.capacity?.perWeek !== undefined ? `${rep.capacity.perWeek} a week` : ''].filter(Boolean).join(', ') || 'no limit',
				rep.active === false ? 'no' : 'yes',
			]),
		});
	}
	const fallback = a.fallback ? ('owner' in a.fallback ? `owner ${a.fallback.owner}` : `queue ${a.fallback.queue}`) : 'queue Unassigned';
	routing.push({
		kind: 'list',
		items: [
			`Leads no rule matches go to ${a.defaultTeam ? `team ${a.defaultTeam}` : 'the first team'}; when nobody can take a lead: ${fallback}.`,
			`The lead's current owner is kept: ${a.keepExistingOwner === 'ifActive' ? 'when that rep is active' : a.keepExistingOwner === 'ifAvailable' ? 'when that rep is available now' : 'never'}.`,
		],
	});
	return { tiers: tierBlocks, routing };
}

function slaTimerBlocks(part: NodePart<SlaTimerPart>): Block[] {
	const blocks: Block[] = [{ kind: 'heading', level: 3, text: part.node }];
	if (part.error !== undefined) return [...blocks, { kind: 'paragraph', text: `Could not be read: ${part.error}` }];
	if (part.operation !== 'start') return [...blocks, { kind: 'paragraph', text: `Operation: ${part.operation}.` }];
	const items = [
		`SLA: ${part.slaMinutes ? `${part.slaMinutes} minutes` : "as Tier Router's routing says, else 60 minutes"}, ${part.basis === 'business' ? 'business hours' : part.basis === 'calendar' ? 'on the clock' : "basis as routed (else business hours)"}.`,
		`Counts as response: ${part.action === 'acknowledge' ? 'accepting the lead' : part.action === 'contact' ? 'a first contact' : 'as routed (else a first contact)'}.`,
		`Business hours: ${calendarWords(part.calendar)}.`,
		...(part.ladder ? STAGES.map((s) => `${STAGE_LABELS[s]}: ${part.ladder![s] ?? 'as the ladder'}.`) : []),
		...(part.manager ? [`Manager told when the SLA is missed: ${part.manager}.`] : []),
	];
	return [...blocks, { kind: 'list', items }];
}

function feedbackBlocks(part: ProtocolSource['feedback'][number]): Block[] {
	const blocks: Block[] = [{ kind: 'heading', level: 3, text: part.node }];
	if (part.error !== undefined) return [...blocks, { kind: 'paragraph', text: `Could not be read: ${part.error}` }];
	return [
		...blocks,
		{
			kind: 'table',
			head: ['Code', 'Label', 'Stage', 'Meaning', 'Reasons'],
			rows: part.codes.map((c) => [c.code, c.label, c.stage, c.meaning ?? '–', c.reasons?.map((r) => r.label).join(', ') || '–']),
		},
	];
}

/** Every lead field the configuration reads, with where. */
export function leadFieldsUsed(source: ProtocolSource): Array<{ field: string; usedBy: string[] }> {
	const uses = new Map<string, Set<string>>();
	const add = (field: string | undefined, by: string) => {
		if (!field) return;
		const set = uses.get(field) ?? new Set<string>();
		set.add(by);
		uses.set(field, set);
	};
	const walk = (condition: Condition | undefined, by: string) => {
		if (!condition) return;
		const c = condition as Record<string, unknown>;
		if (Array.isArray(c.all)) (c.all as Condition[]).forEach((x) => walk(x, by));
		if (Array.isArray(c.any)) (c.any as Condition[]).forEach((x) => walk(x, by));
		if (c.not) walk(c.not as Condition, by);
		if (typeof c.field === 'string') add(c.field, by);
	};
	for (const s of source.scoring) {
		if (s.error !== undefined) continue;
		for (const r of [...s.protocol.fit, ...s.protocol.negative]) add(r.field, `${s.node}: ${r.label}`);
		const f = s.protocol.fields;
		add(f.activities, `${s.node}: activities`);
		for (const [key, path] of Object.entries(f)) if (key !== 'activities') add(`${f.activities}[].${path}`, `${s.node}: activity ${key.replace(/^activity/, '').toLowerCase()}`);
	}
	for (const g of source.gates) {
		if (g.error !== undefined) continue;
		for (const rule of [...(g.gate.disqualifiers ?? []), ...(g.gate.intents ?? []), ...(g.gate.triggers ?? [])]) walk(rule.when, `${g.node}: ${rule.name}`);
	}
	for (const r of source.routers) {
		if (r.error !== undefined) continue;
		for (const t of r.routing.tiers ?? []) walk(t.when, `${r.node}: tier ${t.name}`);
		const fields = r.routing.assignment?.fields ?? {};
		const used = { owner: 'ownerId', country: 'country', region: 'region', state: 'state', postalCode: 'postalCode', industry: 'industry', segment: 'segment', companySize: 'companySize', domain: 'website', email: 'email', ...fields };
		const rules = r.routing.assignment?.rules ?? [];
		const needs = new Set<string>(['owner', 'email', 'domain']);
		for (const rule of rules) {
			for (const k of Object.keys(rule.territory ?? {})) needs.add(k === 'postalCodePrefix' ? 'postalCode' : k);
			if (rule.industry) needs.add('industry');
			if (rule.segment) needs.add('segment');
			if (rule.companySize) needs.add('companySize');
			walk(rule.when, `${r.node}: rule ${rule.name}`);
		}
		for (const k of needs) add(used[k as keyof typeof used], `${r.node}: routing by ${k}`);
	}
	for (const e of source.expressions) {
		for (const m of e.expression.matchAll(/\$json(?:\.([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)|\[["']([^"']+)["']\])/g)) add(m[1] ?? m[2], `${e.node}: ${e.parameter}`);
	}
	return [...uses].map(([field, by]) => ({ field, usedBy: [...by] })).sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
}

const EXPECTED_LABELS: Record<string, (v: number) => string> = {
	auc: (v) => `AUC ${v.toFixed(2)}`,
	handoffsPerWeek: (v) => `${v} hand-offs a week`,
	acceptanceRate: (v) => `${(v * 100).toFixed(1)} % accepted`,
	meetingRate: (v) => `${(v * 100).toFixed(1)} % meetings`,
	winRate: (v) => `${(v * 100).toFixed(1)} % won`,
};

export function expectedWords(expected: Record<string, number>): string {
	const parts = Object.entries(expected).map(([k, v]) => (EXPECTED_LABELS[k] ? EXPECTED_LABELS[k](v) : `${k} ${v}`));
	return parts.length ? parts.join(', ') : '–';
}

/** The document as blocks. */
export function protocolBlocks(source: ProtocolSource): Block[] {
	const w = source.workflow;
	const blocks: Block[] = [
		{ kind: 'heading', level: 1, text: source.title },
		{
			kind: 'paragraph',
			text: `Generated ${new Date(source.generatedAt).toISOString().replace('T', ' ').slice(0, 16)} UTC from the ${w.version} configuration of workflow ${w.name ? `"${w.name}"` : ''}${w.id ? ` (id ${w.id}${w.versionId ? `, version ${w.versionId}` : ''})` : ''}${w.updatedAt ? `, last changed ${w.updatedAt}` : ''}. It is what runs: regenerate it when the protocol changes rather than editing it.`,
		},
	];
	const section = (title: string, parts: Block[][], empty: string) => {
		blocks.push({ kind: 'heading', level: 2, text: title });
		if (parts.length === 0) blocks.push({ kind: 'paragraph', text: empty });
		for (const p of parts) blocks.push(...p);
	};
	const active = <T extends { disabled?: boolean }>(list: T[]) => list.filter((p) => !p.disabled);
	section('Scoring criteria', active(source.scoring).map(scoringBlocks), 'No Lead Score node in this workflow.');
	section('Hand-off thresholds and triggers', active(source.gates).map(gateBlocks), 'No Handoff Gate node in this workflow.');
	const routers = active(source.routers).map(routingBlocks);
	section('Tiers, SLAs and escalation', [...routers.map((r) => r.tiers), ...active(source.slaTimers).map(slaTimerBlocks)], 'No Tier Router or SLA Timer node in this workflow.');
	section('Routing', routers.map((r) => r.routing).filter((r) => r.length > 1 || r.length === 0), 'No Tier Router node in this workflow.');
	section('Disposition codes', active(source.feedback).map(feedbackBlocks), 'No Lead Feedback node records outcomes in this workflow.');
	const fields = leadFieldsUsed({ ...source, scoring: active(source.scoring), gates: active(source.gates), routers: active(source.routers) });
	section('Lead fields used', fields.length ? [[{ kind: 'table', head: ['Field', 'Used by'], rows: fields.map((f) => [f.field, f.usedBy.join('; ')]) }]] : [], 'None.');
	if (source.expressions.length) {
		section('Set per lead by expressions', [[{ kind: 'table', head: ['Node', 'Setting', 'Expression'], rows: source.expressions.map((e) => [e.node, e.parameter, e.expression]) }]], '');
	}
	const off = [...source.scoring, ...source.gates, ...source.routers, ...source.slaTimers, ...source.feedback].filter((p) => p.disabled).map((p) => p.node);
	if (off.length) blocks.push({ kind: 'paragraph', text: `Deactivated nodes, not described: ${off.join(', ')}.` });
	if (source.changes !== undefined) {
		section(
			'Change log',
			source.changes.length
				? [
						[
							{
								kind: 'table',
								head: ['Published', 'Version', 'By', 'Why', 'Expected impact'],
								rows: [...source.changes].reverse().map((c) => [new Date(c.at).toISOString().slice(0, 10), `${c.title ? `${c.title} ` : ''}${c.modelId}${c.previousModelId ? ` (replaced ${c.previousModelId})` : ''}`, c.by ?? '–', c.rationale, expectedWords(c.expected)]),
							},
						],
					]
				: [],
			'No scoring change logged yet.',
		);
	}
	return blocks;
}

/** Markdown: text escaped so that nothing configured can add markup, links or HTML. */
export function escapeMarkdownText(text: string): string {
	return text
		.replace(/\r?\n/g, ' ')
		.replace(/([\\`*_[\]|<>#~&])/g, '\\$1')
		.replace(/^(\s*)([-+=])/, '$1\\$2')
		.replace(/^(\s*\d+)([.)])/, '$1\\$2');
}

export function escapeHtmlText(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

export function blocksMarkdown(blocks: readonly Block[]): string {
	const out: string[] = [];
	for (const b of blocks) {
		if (b.kind === 'heading') out.push(`${'#'.repeat(b.level)} ${escapeMarkdownText(b.text)}`, '');
		else if (b.kind === 'paragraph') out.push(escapeMarkdownText(b.text), '');
		else if (b.kind === 'list') out.push(...b.items.map((i) => `- ${escapeMarkdownText(i)}`), '');
		else {
			out.push(`| ${b.head.map(escapeMarkdownText).join(' | ')} |`, `|${b.head.map(() => ' --- ').join('|')}|`);
			for (const r of b.rows) out.push(`| ${r.map(escapeMarkdownText).join(' | ')} |`);
			out.push('');
		}
	}
	return out.join('\n');
}

const CELL = 'style="padding:4px 8px;border:1px solid #ddd;text-align:left;vertical-align:top"';

export function blocksHtml(blocks: readonly Block[], title: string): string {
	const out = [
		'<!DOCTYPE html>',
		'<html lang="en">',
		'<head><meta charset="utf-8">',
		`<title>${escapeHtmlText(title)}</title>`,
		'</head>',
		'<body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#222;max-width:1100px">',
	];
	for (const b of blocks) {
		if (b.kind === 'heading') out.push(`<h${b.level}>${escapeHtmlText(b.text)}</h${b.level}>`);
		else if (b.kind === 'paragraph') out.push(`<p>${escapeHtmlText(b.text)}</p>`);
		else if (b.kind === 'list') out.push('<ul>', ...b.items.map((i) => `<li>${escapeHtmlText(i)}</li>`), '</ul>');
		else {
			out.push('<table style="border-collapse:collapse">', `<tr>${b.head.map((h) => `<th ${CELL}>${escapeHtmlText(h)}</th>`).join('')}</tr>`);
			for (const r of b.rows) out.push(`<tr>${r.map((c) => `<td ${CELL}>${escapeHtmlText(c)}</td>`).join('')}</tr>`);
			out.push('</table>');
		}
	}
	out.push('</body>', '</html>');
	return out.join('\n') + '\n';
}

export function protocolDocument(source: ProtocolSource): { markdown: string; html: string; blocks: Block[] } {
	const blocks = protocolBlocks(source);
	return { markdown: blocksMarkdown(blocks), html: blocksHtml(blocks, source.title), blocks };
}
