/**
 * Findings: what the figures say, in words a review meeting can act on, each shown only when its
 * numbers carry it. The rule, as the report states it:
 *
 * - every group a finding names has at least `minCount` hand-offs (for speed: first touches);
 * - the 95 % confidence interval supports the claim: Wilson score intervals for rates, a
 *   distribution-free interval (order statistics) for medians.
 *
 * The rules:
 * 1. Score bands (win rate, each band against the one below it, some wins among them):
 *    "converts worse than" when the higher band's interval lies wholly below the lower band's;
 *    "converts no better than" when the higher band's interval reaches down to the lower band's
 *    rate (the data does not show the higher score converting better).
 * 2. Rejection reasons by source and campaign: a group rejected for a reason at least `ratio`
 *    times the average rate, with the interval's low end above the average.
 * 3. Speed: a rep's (or team's) median first touch, in its SLA's basis, over the SLA with the
 *    median's interval wholly above it.
 * 4. Above or below average: acceptance and win rates by tier, source and campaign; SLA met and win
 *    rates by rep and team; when the group's interval lies wholly above or below the overall rate.
 */
import { NO_SCORE, NONE, type Dimension, type GroupFigures, type Report } from './report';
import { duration, percent, trim } from './format';
import { wilson, type Rate } from './stats';

export type FindingRule = 'scoreBandWorse' | 'scoreBandNoBetter' | 'rejectionReason' | 'slowFirstTouch' | 'belowAverage' | 'aboveAverage';

export interface Finding {
	rule: FindingRule;
	dimension: Dimension;
	group: string;
	/** The group compared with, for score bands. */
	versus?: string;
	metric: string;
	/** The finding in words, with its numbers. */
	text: string;
	/** How strong it is (for ordering): the ratio of the figures compared, 1 is none. */
	strength: number;
	/** The counts behind it. */
	n: number[];
}

export function findingsRule(minCount: number): string {
	return (
		`A finding is shown only when every group it names has at least ${minCount} hand-offs (first touches, for speed) ` +
		'and the 95 % confidence interval supports it: Wilson score intervals for rates, a distribution-free interval for medians.'
	);
}

function subject(dimension: Dimension, group: string): string {
	switch (dimension) {
		case 'campaign':
			return `Leads from the ${group} campaign`;
		case 'rep':
			return `${group}'s leads`;
		case 'team':
			return `Team ${group}'s leads`;
		case 'grade':
			return `Grade ${group} leads`;
		case 'scoreBand':
			return `Leads scoring ${group}`;
		default:
			return `${group} leads`;
	}
}

function possessive(dimension: Dimension, group: string): string {
	return dimension === 'team' ? `Team ${group}'s` : `${group}'s`;
}

const METRIC_WORDS: Record<'acceptance' | 'win' | 'slaMet', string> = {
	acceptance: 'are accepted',
	win: 'convert to won',
	slaMet: 'get a first touch within the SLA',
};

const RATE_CHECKS: Array<{ metric: 'acceptance' | 'win' | 'slaMet'; dimensions: Dimension[] }> = [
	{ metric: 'acceptance', dimensions: ['tier', 'source', 'campaign'] },
	{ metric: 'win', dimensions: ['tier', 'source', 'campaign', 'rep', 'team'] },
	{ metric: 'slaMet', dimensions: ['rep', 'team'] },
];

const named = (g: GroupFigures) => g.group !== NONE && g.group !== NO_SCORE;

export function findings(report: Report): Finding[] {
	const { minCount, ratio } = report.options;
	const out: Finding[] = [];

	// 1. Score bands.
	const bands = report.breakdowns.scoreBand.filter(named);
	for (let i = 1; i < bands.length; i++) {
		const low = bands[i - 1];
		const high = bands[i];
		if (low.handoffs < minCount || high.handoffs < minCount || low.win.count + high.win.count === 0) continue;
		const h = high.win as Required<Rate>;
		const l = low.win as Required<Rate>;
		const numbers = `(${percent(h.rate)} vs ${percent(l.rate)}, n = ${high.handoffs} / ${low.handoffs})`;
		if (h.high < l.low) {
			out.push({ rule: 'scoreBandWorse', dimension: 'scoreBand', group: high.group, versus: low.group, metric: 'win', n: [high.handoffs, low.handoffs], strength: l.rate / Math.max(h.rate, 1e-9), text: `Leads scoring ${high.group} convert worse than ${low.group} ${numbers}` });
		} else if (h.low <= l.rate) {
			out.push({ rule: 'scoreBandNoBetter', dimension: 'scoreBand', group: high.group, versus: low.group, metric: 'win', n: [high.handoffs, low.handoffs], strength: 1 + Math.max(0, l.rate - h.rate) / Math.max(l.rate, 1e-9), text: `Leads scoring ${high.group} convert no better than ${low.group} ${numbers}` });
		}
	}

	// 2. Rejection reasons by source and campaign.
	const total = report.total;
	for (const dimension of ['source', 'campaign'] as const) {
		for (const g of report.breakdowns[dimension]) {
			if (!named(g) || g.handoffs < minCount) continue;
			for (const { reason, count } of g.rejectionReasons) {
				const overall = (total.rejectionReasons.find((r) => r.reason === reason)?.count ?? 0) / total.handoffs;
				const rate = count / g.handoffs;
				if (rate < ratio * overall) continue;
				const { low } = wilson(count, g.handoffs);
				if (low <= overall) continue;
				const times = rate / overall;
				out.push({
					rule: 'rejectionReason',
					dimension,
					group: g.group,
					metric: `rejected: ${reason}`,
					n: [g.handoffs],
					strength: times,
					text: `${subject(dimension, g.group)} are rejected as ${reason} ${trim(times)}x more than average (${percent(rate)} vs ${percent(overall)}, n = ${g.handoffs})`,
				});
			}
		}
	}

	// 3. Speed to first touch against the SLA.
	for (const s of report.speedBySla) {
		const sp = s.speed;
		if (sp.n < minCount || sp.medianLow === undefined || sp.median === undefined || sp.medianLow <= s.slaMinutes) continue;
		const basis = s.basis === 'business' ? ' business' : '';
		out.push({
			rule: 'slowFirstTouch',
			dimension: s.dimension,
			group: s.group,
			metric: 'speed',
			n: [sp.n],
			strength: sp.median / s.slaMinutes,
			text:
				`${possessive(s.dimension, s.group)} median first touch is ${duration(sp.median)} against a ${duration(s.slaMinutes)}${basis} SLA ` +
				`(n = ${sp.n}; 95 % interval of the median ${duration(sp.medianLow)} to ${duration(sp.medianHigh)})`,
		});
	}

	// 4. Above or below the overall rate.
	for (const { metric, dimensions } of RATE_CHECKS) {
		const overall = total[metric].rate;
		if (overall === undefined) continue;
		for (const dimension of dimensions) {
			for (const g of report.breakdowns[dimension]) {
				const r = g[metric];
				if (!named(g) || r.of < minCount || r.rate === undefined || r.low === undefined || r.high === undefined) continue;
				const below = r.high < overall;
				const above = r.low > overall;
				if (!below && !above) continue;
				out.push({
					rule: below ? 'belowAverage' : 'aboveAverage',
					dimension,
					group: g.group,
					metric,
					n: [r.of],
					strength: below ? overall / Math.max(r.rate, 1e-9) : r.rate / overall,
					text: `${subject(dimension, g.group)} ${METRIC_WORDS[metric]} ${percent(r.rate)} of the time against ${percent(overall)} overall (n = ${r.of}; ${below ? 'below' : 'above'} average)`,
				});
			}
		}
	}

	return out.sort((a, b) => b.strength - a.strength || (a.text < b.text ? -1 : 1));
}

