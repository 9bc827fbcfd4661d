/**
 * The hand-off dashboard: one HTML page from the report's own figures (response times by rep, team
 * and source against their SLA, SLA compliance, the funnel from hand-off to won), the open SLA
 * timers and who holds them, and the report's charts inline. Nothing here counts again: every
 * number is read from the Report, so the page and the report always agree. Every value from the
 * data is escaped.
 */
import { describeSla } from '../../calendar';
import { lateness, type CompiledPolicy, type SlaTimer } from '../../sla';
import { duration, percent } from './format';
import { FUNNEL, type FunnelStage, type GroupFigures, type Report } from './report';
import { escapeHtml } from './summary';
import type { Rate } from './stats';

/** An open SLA timer as the page lists it. */
export interface DashboardTimer {
	lead: string;
	tier: string;
	ownerId?: string;
	owner: string;
	team?: string;
	dueAt: number;
	overdue: boolean;
	/** "due 12:00, 25 min left", in the timer's own calendar. */
	late: string;
}

/** A chart as PNG bytes, shown inline as a data URI. */
export interface DashboardChart {
	name: string;
	title: string;
	png: Uint8Array;
}

export interface DashboardOptions {
	title?: string;
	/** When the page was made (epoch ms) and the zone it is shown in. */
	now: number;
	zone: string;
	/** The browser reloads the page after this many seconds; 0 for never. Default 60. */
	refreshSeconds?: number;
	/** At most this many groups per breakdown (the largest). Default 15. */
	maxGroups?: number;
	/** At most this many open timers listed (soonest due first; all are counted). Default 50. */
	maxTimers?: number;
}

export const FUNNEL_LABELS: Readonly<Record<FunnelStage, string>> = {
	handedOff: 'Handed off',
	accepted: 'Accepted',
	contacted: 'Contacted',
	meeting: 'Meeting',
	opportunity: 'Opportunity',
	won: 'Won',
};

/** A running timer for the page: who holds it, the lead, and how late it is in its own calendar. */
export function dashboardTimer(timer: SlaTimer, policy: CompiledPolicy, now: number): DashboardTimer {
	const lead = (timer.details.lead ?? {}) as { name?: string; company?: string; email?: string };
	const owner = (timer.details.owner ?? {}) as { name?: string };
	const late = lateness(timer.dueAt, now, policy);
	return {
		lead: [lead.name, lead.company].filter(Boolean).join(' · ') || lead.email || timer.leadKey,
		tier: timer.tier,
		...(timer.ownerId ? { ownerId: timer.ownerId } : {}),
		owner: owner.name || timer.ownerId || 'Unassigned queue',
		...(timer.team ? { team: timer.team } : {}),
		dueAt: timer.dueAt,
		overdue: late.overdue,
		late: late.text,
	};
}

/** Open timers per holder, most overdue first, then most open. */
export function timersByHolder(timers: readonly DashboardTimer[]): Array<{ owner: string; team?: string; open: number; overdue: number }> {
	const by = new Map<string, { owner: string; team?: string; open: number; overdue: number }>();
	for (const t of timers) {
		const key = `${t.ownerId ?? ''}\u0000${t.owner}`;
		const held = by.get(key) ?? { owner: t.owner, ...(t.team ? { team: t.team } : {}), open: 0, overdue: 0 };
		held.open++;
		if (t.overdue) held.overdue++;
		by.set(key, held);
	}
	return [...by.values()].sort((a, b) => b.overdue - a.overdue || b.open - a.open || a.owner.localeCompare(b.owner));
}

const rate = (r: Rate) => (r.rate === undefined ? '–' : percent(r.rate));

/** The first touches in the SLA's own basis: business minutes for a business-hours SLA. */
function speedOf(g: GroupFigures): { median?: number; p90?: number; n: number; basis: 'business' | 'clock' } {
	const basis = g.sla?.basis ?? (g.speedBusiness.n > 0 ? 'business' : 'clock');
	const s = basis === 'business' ? g.speedBusiness : g.speedClock;
	return { median: s.median, p90: s.p90, n: s.n, basis };
}

/** 'over' when the median first touch is later than the group's SLA, 'within' when not, '' when unknown. */
export function speedAgainstSla(g: GroupFigures): 'over' | 'within' | '' {
	const s = speedOf(g);
	if (!g.sla || s.median === undefined) return '';
	return s.median > g.sla.minutes ? 'over' : 'within';
}

const td = (text: string, attrs = '') => `<td${attrs}>${escapeHtml(text)}</td>`;
const data = (figure: string, group: string) => ` data-figure="${escapeHtml(figure)}" data-group="${escapeHtml(group)}"`;

function speedTable(title: string, dimension: 'rep' | 'team' | 'source', groups: readonly GroupFigures[], max: number): string {
	const shown = groups.slice(0, max);
	const rows = shown.map((g) => {
		const s = speedOf(g);
		const against = speedAgainstSla(g);
		return (
			`<tr class="${against}">` +
			td(g.group, ' class="name"') +
			td(String(g.handoffs), data(`${dimension}.handoffs`, g.group)) +
			td(String(s.n), data(`${dimension}.firstTouches`, g.group)) +
			td(`${duration(s.median)}${s.p90 === undefined ? '' : ` (${duration(s.p90)})`}`, data(`${dimension}.speed`, g.group)) +
			td(g.sla ? describeSla({ minutes: g.sla.minutes, basis: g.sla.basis === 'clock' ? 'calendar' : 'business' }) : '–', data(`${dimension}.sla`, g.group)) +
			td(rate(g.slaMet), data(`${dimension}.slaMet`, g.group)) +
			td(against === 'over' ? 'over the SLA' : against === 'within' ? 'within' : '–') +
			'</tr>'
		);
	});
	return [
		`<h3>${escapeHtml(title)}</h3>`,
		'<table><tr><th class="name"></th><th>Hand-offs</th><th>First touches</th><th>First touch, median (p90)</th><th>SLA</th><th>SLA met</th><th>Median</th></tr>',
		...(rows.length ? rows : ['<tr><td colspan="7">No hand-offs yet.</td></tr>']),
		'</table>',
		...(groups.length > shown.length ? [`<p class="note">${groups.length - shown.length} smaller groups not shown.</p>`] : []),
	].join('\n');
}

function tile(label: string, value: string, figure: string, note = ''): string {
	return `<div class="tile"><div class="label">${escapeHtml(label)}</div><div class="value" data-figure="${figure}">${escapeHtml(value)}</div>${note ? `<div class="note">${escapeHtml(note)}</div>` : ''}</div>`;
}

const STYLE = `body{font-family:Arial,Helvetica,sans-serif;color:#222;margin:24px;background:#f6f7f9}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px}h3{font-size:15px;margin:18px 0 6px}
.tiles{display:flex;flex-wrap:wrap;gap:12px}.tile{background:#fff;border:1px solid #ddd;border-radius:6px;padding:12px 16px;min-width:150px}
.tile .label{font-size:12px;color:#666}.tile .value{font-size:26px;font-weight:bold}.note{font-size:12px;color:#666}
table{border-collapse:collapse;background:#fff}th,td{padding:4px 10px;border-bottom:1px solid #ddd;text-align:right;font-size:13px}
th.name,td.name{text-align:left}tr.over td{color:#b00020}tr.overdue td{color:#b00020}
.charts{display:flex;flex-wrap:wrap;gap:12px}.charts img{background:#fff;border:1px solid #ddd;max-width:100%;width:720px}
.bar{background:#4C78A8;height:14px;display:inline-block;vertical-align:middle}`;

/** The whole page: a complete HTML document. */
export function dashboardHtml(report: Report, timers: readonly DashboardTimer[], charts: readonly DashboardChart[], o: DashboardOptions): string {
	const title = o.title ?? 'Hand-off dashboard';
	const max = o.maxGroups ?? 15;
	const refresh = o.refreshSeconds ?? 60;
	const t = report.total;
	const open = [...timers].sort((a, b) => a.dueAt - b.dueAt);
	const overdue = open.filter((x) => x.overdue).length;
	const shownTimers = open.slice(0, o.maxTimers ?? 50);
	const asOf = new Date(o.now).toLocaleString('en-GB', { timeZone: o.zone, dateStyle: 'medium', timeStyle: 'short' });
	const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
	const period = report.from !== undefined ? `hand-offs since ${day(report.from)}` : 'all hand-offs';
	const speed = speedOf(t);
	const parts = [
		'<!DOCTYPE html>',
		'<html lang="en"><head><meta charset="utf-8">',
		...(refresh > 0 ? [`<meta http-equiv="refresh" content="${Math.round(refresh)}">`] : []),
		`<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>`,
		`<h1>${escapeHtml(title)}</h1>`,
		`<p class="note">As of ${escapeHtml(asOf)} (${escapeHtml(o.zone)}), ${escapeHtml(period)}.${refresh > 0 ? ` Refreshes every ${Math.round(refresh)} s.` : ''}</p>`,
		'<div class="tiles">',
		tile('Hand-offs', String(t.handoffs), 'total.handoffs', `${t.pending} with nothing heard yet`),
		tile('SLA met', rate(t.slaMet), 'total.slaMet', t.slaMet.of ? `${t.slaMet.count} of ${t.slaMet.of} decided` : 'none decided yet'),
		tile('First touch, median', duration(speed.median), 'total.speed', speed.n ? `${speed.n} first touches, ${speed.basis === 'business' ? 'business time' : 'clock time'}` : 'no first touch yet'),
		tile('Open SLA timers', String(open.length), 'open.count', `${overdue} overdue`),
		tile('Won', rate(t.win), 'total.win', `${t.funnel.won} of ${t.handoffs}`),
		'</div>',
		'<h2>Response times against the SLA</h2>',
		speedTable('By rep', 'rep', report.breakdowns.rep, max),
		speedTable('By team', 'team', report.breakdowns.team, max),
		speedTable('By source', 'source', report.breakdowns.source, max),
		'<h2>Open SLA timers</h2>',
		`<p data-figure="open.summary">${escapeHtml(open.length === 0 ? 'No hand-off is waiting.' : `${open.length} hand-off${open.length === 1 ? '' : 's'} waiting, ${overdue} overdue.`)}</p>`,
	];
	if (open.length > 0) {
		parts.push('<h3>Who holds them</h3>', '<table><tr><th class="name">Owner</th><th class="name">Team</th><th>Open</th><th>Overdue</th></tr>');
		for (const h of timersByHolder(open)) parts.push(`<tr${h.overdue ? ' class="overdue"' : ''}>${td(h.owner, ' class="name"')}${td(h.team ?? '–', ' class="name"')}${td(String(h.open), data('holder.open', h.owner))}${td(String(h.overdue), data('holder.overdue', h.owner))}</tr>`);
		parts.push('</table>', '<h3>Soonest due</h3>', '<table><tr><th class="name">Lead</th><th class="name">Tier</th><th class="name">Owner</th><th class="name">Due</th></tr>');
		for (const x of shownTimers) parts.push(`<tr${x.overdue ? ' class="overdue"' : ''}>${td(x.lead, ' class="name"')}${td(x.tier, ' class="name"')}${td(x.owner, ' class="name"')}${td(x.late, ' class="name"')}</tr>`);
		parts.push('</table>');
		if (open.length > shownTimers.length) parts.push(`<p class="note">${open.length - shownTimers.length} more not listed.</p>`);
	}
	parts.push('<h2>From hand-off to won</h2>', '<table><tr><th class="name">Stage</th><th>Leads</th><th>Of hand-offs</th><th class="name"></th></tr>');
	for (const stage of FUNNEL) {
		const n = t.funnel[stage];
		const share = t.handoffs ? n / t.handoffs : undefined;
		parts.push(`<tr>${td(FUNNEL_LABELS[stage], ' class="name"')}${td(String(n), data('funnel', stage))}${td(percent(share))}<td class="name"><span class="bar" style="width:${Math.round((share ?? 0) * 300)}px"></span></td></tr>`);
	}
	parts.push('</table>', '<h2>Charts</h2>');
	if (charts.length === 0) parts.push('<p class="note">The charts appear with the first hand-off.</p>');
	else parts.push('<div class="charts">', ...charts.map((c) => `<img alt="${escapeHtml(c.title)}" data-chart="${escapeHtml(c.name)}" src="data:image/png;base64,${Buffer.from(c.png).toString('base64')}">`), '</div>');
	parts.push('</body></html>');
	return parts.join('\n') + '\n';
}
