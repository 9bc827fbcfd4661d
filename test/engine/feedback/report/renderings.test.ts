/** The report's renderings: items per breakdown row, Markdown and HTML (escaped), and PNG charts. */
import assert from 'node:assert/strict';

import { buildReport, DIMENSIONS, findings, reportHtml, reportItems, reportMarkdown, wilson, type ReportRow } from '../../../../nodes/engine/feedback/report';
import { conversionByScoreBandOption, funnelOption, repSpeeds, reportCharts, speedToContactByRepOption } from '../../../../nodes/engine/feedback/report/charts';

const T0 = Date.parse('2026-11-02T09:00:00Z');
const DAY = 86_400_000;

function data(): ReportRow[] {
	const out: ReportRow[] = [];
	const reps = ['Ben Okafor', 'Ana Silva', 'Evil | <script>alert(1)</script>'];
	for (let i = 0; i < 300; i++) {
		const score = (i * 37) % 100;
		const won = i % 7 === 0 || (score >= 60 && i % 3 === 0);
		const rejected = !won && i % 5 === 0;
		const rep = reps[i % 3];
		const touch = rep === 'Ben Okafor' ? 300 : 30;
		out.push({
			handedOffAt: T0 + i * 60_000,
			score,
			grade: 'ABC'[i % 3],
			tier: score >= 60 ? 'Hot' : 'Warm',
			source: i % 4 === 0 ? 'Organic' : 'Paid Search',
			campaign: 'Q4',
			rep,
			team: 'EMEA',
			slaMinutes: 60,
			slaBasis: 'business',
			firstTouchBusinessMinutes: rejected ? undefined : touch,
			firstTouchClockMinutes: rejected ? undefined : touch * 2,
			metSla: rejected ? undefined : touch <= 60,
			stage: won ? 'won' : rejected ? 'rejected' : 'contacted',
			reached: won ? { won: T0 + i * 60_000 + 12 * DAY } : {},
			wonAmount: won ? 2000 : undefined,
			currency: won ? 'EUR' : undefined,
			rejectionReason: rejected ? 'not qualified' : undefined,
		});
	}
	return out;
}

const report = buildReport(data(), { from: T0, to: T0 + 30 * DAY });
const found = findings(report);

describe('items', () => {
	const items = reportItems(report);

	it('one for all hand-offs, then one per group of each breakdown, in order', () => {
		const expected = 1 + DIMENSIONS.reduce((n, d) => n + report.breakdowns[d].length, 0);
		assert.equal(items.length, expected);
		assert.equal(items[0].dimension, 'total');
		assert.deepEqual(
			items.filter((i) => i.dimension === 'scoreBand').map((i) => i.group),
			['< 40', '40-59', '60-79', '80+'],
		);
	});

	it('flat fields a sheet can take: counts, rates with their interval, minutes, days, money', () => {
		const total = items[0];
		assert.equal(total.handoffs, 300);
		assert.equal(total.periodFrom, '2026-11-02T09:00:00.000Z');
		assert.equal(total.won, report.total.win.count);
		assert.equal(total.winRate, Math.round((report.total.win.count / 300) * 1e4) / 1e4);
		assert.equal(total.winRateLow, Math.round(wilson(report.total.win.count, 300).low * 1e4) / 1e4);
		assert.equal(total.cycleDaysMedian, 12);
		assert.equal(total.currency, 'EUR');
		assert.match(String(total.rejectionReasons), /^not qualified \d+$/);
		for (const item of items) for (const value of Object.values(item)) assert.ok(value === null || typeof value === 'string' || typeof value === 'number');
	});
});

describe('Markdown and HTML', () => {
	const md = reportMarkdown(report, found, { title: 'November review' });
	const html = reportHtml(report, found, { title: 'November <review>' });

	it('lead with the period and leading before lagging indicators, then the findings and their rule', () => {
		assert.match(md, /^# November review\n\nHand-offs from 2026-11-02 to 2026-12-02: 300, 0 with nothing heard from sales yet\.\nLeading: .*\nLagging: /);
		assert.match(md, /## Findings\n\n- /);
		assert.ok(md.includes("- Ben Okafor's median first touch is 5 h against a 1 h business SLA"));
		assert.match(md, /_A finding is shown only when every group it names has at least 30 hand-offs/);
	});

	it('a table per breakdown', () => {
		for (const title of ['By score band', 'By grade', 'By tier', 'By source', 'By campaign', 'By rep', 'By team']) assert.ok(md.includes(`## ${title}\n`), title);
		assert.match(md, /\| Score band \| Hand-offs \| Accepted \|/);
		assert.match(md, /\n\| 80\+ \| \d+ \| \d+ % \|/);
	});

	it('escape what comes from the data', () => {
		assert.ok(md.includes('Evil \\| \\<script\\>alert(1)\\</script\\>'));
		assert.ok(!md.includes('<script>'));
		assert.ok(!html.includes('<script>'));
		assert.ok(html.includes('Evil | &lt;script&gt;alert(1)&lt;/script&gt;'));
		assert.ok(html.includes('<h1 style="font-size:20px">November &lt;review&gt;</h1>'));
	});

	it('cap findings and groups, and say how many more there are', () => {
		const short = reportMarkdown(report, found, { maxFindings: 1, maxGroups: 1 });
		assert.equal((short.match(/\n- /g) ?? []).length, 2);
		assert.match(short, /- and \d+ more/);
		assert.match(short, /2 smaller groups not shown\./);
	});

	it('say so when no finding is carried', () => {
		assert.match(reportMarkdown(buildReport([]), []), /No finding is carried by the numbers of this period\./);
	});
});

describe('charts', () => {
	it('conversion by score band: the win rate per band and its Wilson interval as whiskers', () => {
		const option = conversionByScoreBandOption(report) as { series: Array<{ data: unknown[] }>; xAxis: { data: string[] } };
		const bands = report.breakdowns.scoreBand;
		assert.deepEqual(option.xAxis.data, bands.map((b) => `${b.group}\nn = ${b.handoffs}`));
		assert.deepEqual(option.series[0].data, bands.map((b) => b.win.rate));
		assert.deepEqual(option.series[1].data, bands.map((b, i) => [i, wilson(b.win.count, b.handoffs).low, wilson(b.win.count, b.handoffs).high]));
	});

	it('speed by rep: median in the SLA basis, red when over the SLA, the SLA as a mark', () => {
		const speeds = repSpeeds(report);
		assert.deepEqual(speeds.find((s) => s.rep === 'Ben Okafor'), { rep: 'Ben Okafor', n: 89, median: 300, p90: 300, slaMinutes: 60, basis: 'business' });
		const option = speedToContactByRepOption(report) as { series: Array<{ data: Array<{ value: number; itemStyle: { color: string } } | number | null> }>; yAxis: { data: string[] } };
		const ben = option.yAxis.data.indexOf('Ben Okafor (n = 89)');
		const bar = option.series[0].data[ben] as { value: number; itemStyle: { color: string } };
		assert.equal(bar.value, 5);
		assert.equal(bar.itemStyle.color, '#E45756');
		assert.equal(option.series[2].data[ben], 1);
	});

	it('the funnel: hand-offs reaching each stage', () => {
		const option = funnelOption(report) as { series: Array<{ data: Array<{ value: number }> }> };
		const f = report.total.funnel;
		assert.deepEqual(
			option.series[0].data.map((d) => d.value),
			[f.handedOff, f.accepted, f.contacted, f.meeting, f.opportunity, f.won],
		);
	});

	it('render as PNG at twice the size, the same bytes for the same report', () => {
		const charts = reportCharts(report, { width: 600, height: 400 });
		assert.deepEqual(
			charts.map((c) => c.fileName),
			['conversion-by-score-band.png', 'speed-to-contact-by-rep.png', 'funnel.png'],
		);
		for (const chart of charts) {
			assert.deepEqual([...chart.png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
			assert.equal(chart.png.readUInt32BE(16), 1200, 'width');
			assert.ok(chart.png.readUInt32BE(20) >= 800, 'height');
			assert.ok(chart.svg.startsWith('<svg'));
		}
		// The SVG holds the words, escaped by the renderer.
		assert.ok(charts[0].svg.includes('80+'));
		assert.ok(charts[1].svg.includes('Ben Okafor (n = 89)'));
		assert.ok(!charts[1].svg.includes('<script>'));
		assert.ok(reportCharts(report, { width: 600, height: 400 })[2].png.equals(charts[2].png));
	});
});
