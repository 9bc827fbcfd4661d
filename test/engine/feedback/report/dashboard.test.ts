/**
 * The hand-off dashboard page: its figures are the report's (response times by rep, team and
 * source against the SLA, SLA met, the funnel), the open timers are listed by who holds them and
 * how late they are, the charts are inline PNGs, and every value from the data is escaped.
 */
import assert from 'node:assert/strict';

import { buildReport, percent, type ReportRow } from '../../../../nodes/engine/feedback/report';
import { dashboardHtml, dashboardTimer, speedAgainstSla, timersByHolder, type DashboardTimer } from '../../../../nodes/engine/feedback/report/dashboard';
import { compilePolicy, DEFAULT_LADDER, makePolicy, type SlaTimer } from '../../../../nodes/engine/sla';

const T0 = Date.parse('2026-11-02T09:00:00Z');
const NOW = Date.parse('2026-11-20T10:00:00Z');
const EVIL = 'Eve <script>alert(1)</script> & "co"';

function rows(): ReportRow[] {
	const out: ReportRow[] = [];
	for (let i = 0; i < 60; i++) {
		const rep = ['Ben Okafor', 'Ana Silva', EVIL][i % 3];
		const touch = rep === 'Ben Okafor' ? 300 : 20;
		const won = i % 6 === 0;
		out.push({
			handedOffAt: T0 + i * 3_600_000,
			score: 40 + (i % 50),
			grade: 'A',
			tier: 'Hot',
			source: i % 2 ? 'Paid Search' : `<b>${EVIL}</b>`,
			campaign: 'Q4',
			rep,
			team: i % 2 ? 'EMEA' : 'Americas',
			slaMinutes: 60,
			slaBasis: 'business',
			firstTouchBusinessMinutes: touch,
			firstTouchClockMinutes: touch * 2,
			metSla: touch <= 60,
			stage: won ? 'won' : 'contacted',
			reached: won ? { won: T0 + i * 3_600_000 + 10 * 86_400_000 } : {},
		});
	}
	return out;
}

const report = buildReport(rows(), { from: T0 });
const timers: DashboardTimer[] = [
	{ lead: 'Dana Lee · Globex', tier: 'Hot', ownerId: '101', owner: 'Ana Silva', team: 'EMEA', dueAt: NOW - 3_600_000, overdue: true, late: 'due 10:00, 1 h overdue' },
	{ lead: EVIL, tier: 'Warm', ownerId: '101', owner: 'Ana Silva', team: 'EMEA', dueAt: NOW + 3_600_000, overdue: false, late: 'due 12:00, 1 h left' },
	{ lead: 'Sam Wu', tier: 'Hot', ownerId: '102', owner: EVIL, dueAt: NOW + 60_000, overdue: false, late: 'due 11:01, 1 min left' },
];
const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
const page = dashboardHtml(report, timers, [{ name: 'funnel', title: 'Funnel <x>', png }], { now: NOW, zone: 'Europe/Berlin', title: `Team ${EVIL}` });

/** The text of the first element carrying data-figure (and data-group). */
function figure(html: string, name: string, group?: string): string | undefined {
	const at = `data-figure="${name}"${group === undefined ? '' : ` data-group="${group.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')}"`}>`;
	const start = html.indexOf(at);
	if (start < 0) return undefined;
	return html.slice(start + at.length, html.indexOf('<', start + at.length));
}

describe('hand-off dashboard page', () => {
	it('is a whole HTML page that reloads itself, titled as asked', () => {
		assert.match(page, /^<!DOCTYPE html>/);
		assert.match(page, /<meta http-equiv="refresh" content="60">/);
		assert.doesNotMatch(dashboardHtml(report, [], [], { now: NOW, zone: 'UTC', refreshSeconds: 0 }), /http-equiv="refresh"/);
	});

	it("shows the report's own figures: hand-offs, SLA met, won and the funnel", () => {
		assert.equal(figure(page, 'total.handoffs'), String(report.total.handoffs));
		assert.equal(figure(page, 'total.slaMet'), percent(report.total.slaMet.rate));
		assert.equal(figure(page, 'total.win'), percent(report.total.win.rate));
		for (const stage of ['handedOff', 'accepted', 'contacted', 'meeting', 'opportunity', 'won'] as const) {
			assert.equal(figure(page, 'funnel', stage), String(report.total.funnel[stage]), stage);
		}
	});

	it('gives response times by rep, team and source against their SLA, the slow rep marked over it', () => {
		for (const dimension of ['rep', 'team', 'source'] as const) {
			for (const g of report.breakdowns[dimension]) {
				assert.equal(figure(page, `${dimension}.handoffs`, g.group), String(g.handoffs), `${dimension} ${g.group}`);
				assert.equal(figure(page, `${dimension}.slaMet`, g.group), percent(g.slaMet.rate));
				assert.equal(figure(page, `${dimension}.sla`, g.group), '1 business hour');
			}
		}
		assert.equal(figure(page, 'rep.speed', 'Ben Okafor'), '5 h (5 h)');
		const ben = report.breakdowns.rep.find((g) => g.group === 'Ben Okafor')!;
		const ana = report.breakdowns.rep.find((g) => g.group === 'Ana Silva')!;
		assert.deepEqual([speedAgainstSla(ben), speedAgainstSla(ana)], ['over', 'within']);
		assert.match(page, /<tr class="over"><td class="name">Ben Okafor<\/td>/);
	});

	it('lists the open timers, soonest due first, and who holds them with their overdue count', () => {
		assert.equal(figure(page, 'open.count'), '3');
		assert.equal(figure(page, 'open.summary'), '3 hand-offs waiting, 1 overdue.');
		assert.deepEqual(timersByHolder(timers).map((h) => [h.owner, h.open, h.overdue]), [['Ana Silva', 2, 1], [EVIL, 1, 0]]);
		assert.equal(figure(page, 'holder.open', 'Ana Silva'), '2');
		assert.equal(figure(page, 'holder.overdue', 'Ana Silva'), '1');
		const list = page.slice(page.indexOf('<h3>Soonest due</h3>'));
		const order = ['Dana Lee · Globex', 'Sam Wu', 'Eve &lt;script&gt;'].map((t) => list.indexOf(`<td class="name">${t}`));
		assert.ok(order.every((at, i) => at > 0 && (i === 0 || at > order[i - 1])), `soonest due first: ${order.join(', ')}`);
	});

	it('shows the charts inline as PNG data URIs', () => {
		assert.ok(page.includes(`<img alt="Funnel &lt;x&gt;" data-chart="funnel" src="data:image/png;base64,${Buffer.from(png).toString('base64')}">`));
	});

	it('escapes every value from the data: no tag of a name, source or lead reaches the page', () => {
		assert.doesNotMatch(page, /<script>|<b>/);
		assert.match(page, /<title>Team Eve &lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; &quot;co&quot;<\/title>/);
		assert.ok(page.includes('&lt;b&gt;Eve &lt;script&gt;'), 'the source, escaped');
	});

	it('says so when nothing is waiting and nothing was handed off', () => {
		const empty = dashboardHtml(buildReport([], {}), [], [], { now: NOW, zone: 'UTC' });
		assert.equal(figure(empty, 'total.handoffs'), '0');
		assert.equal(figure(empty, 'open.summary'), 'No hand-off is waiting.');
		assert.match(empty, /No hand-offs yet\./);
		assert.match(empty, /The charts appear with the first hand-off\./);
	});
});

describe('an open SLA timer on the dashboard', () => {
	const policy = compilePolicy(makePolicy({ hours: 1, basis: 'business', action: 'contact' }, { zone: 'Europe/Berlin', hours: { start: '09:00', end: '18:00' }, keepSlaInOnePeriod: false }, DEFAULT_LADDER));
	const timer = {
		handoffKey: 'h1',
		leadKey: 'dana@globex.com',
		ownerId: '101',
		team: 'emea',
		tier: 'Hot',
		dueAt: Date.parse('2026-11-20T10:00:00Z'),
		details: { lead: { name: 'Dana Lee', company: 'Globex' }, owner: { name: 'Ana Silva' } },
	} as unknown as SlaTimer;

	it('names the lead, its holder and how late it is in business time', () => {
		const row = dashboardTimer(timer, policy, Date.parse('2026-11-20T11:30:00Z'));
		assert.deepEqual([row.lead, row.owner, row.team, row.overdue], ['Dana Lee · Globex', 'Ana Silva', 'emea', true]);
		assert.match(row.late, /1 h 30 min overdue/);
	});

	it('falls back to the lead key and the queue when the timer knows no names', () => {
		const row = dashboardTimer({ ...timer, ownerId: undefined, details: {} } as unknown as SlaTimer, policy, Date.parse('2026-11-20T09:30:00Z'));
		assert.deepEqual([row.lead, row.owner, row.overdue], ['dana@globex.com', 'Unassigned queue', false]);
	});
});
