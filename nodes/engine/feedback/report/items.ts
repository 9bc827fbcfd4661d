/** The report as rows for a spreadsheet or a database: one per group of each breakdown, and one for all hand-offs. */
import { DIMENSION_LABELS, DIMENSIONS, type GroupFigures, type Report } from './report';

export type ReportItem = Record<string, string | number | null>;

const round = (value: number | undefined, digits = 4): number | null => (value === undefined ? null : Math.round(value * 10 ** digits) / 10 ** digits);
const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

export function reasonsText(reasons: GroupFigures['rejectionReasons'], max = 3): string {
	return reasons
		.slice(0, max)
		.map((r) => `${r.reason} ${r.count}`)
		.join(', ');
}

export function groupItem(report: Report, g: GroupFigures): ReportItem {
	return {
		periodFrom: iso(report.from),
		periodTo: iso(report.to),
		breakdown: DIMENSION_LABELS[g.dimension],
		dimension: g.dimension,
		group: g.group,
		handoffs: g.handoffs,
		pending: g.pending,
		// Leading indicators
		accepted: g.acceptance.count,
		acceptanceRate: round(g.acceptance.rate),
		acceptanceRateLow: round(g.acceptance.low),
		acceptanceRateHigh: round(g.acceptance.high),
		rejected: g.rejection.count,
		rejectionRate: round(g.rejection.rate),
		firstTouches: g.speedClock.n,
		firstTouchBusinessMinutesMedian: round(g.speedBusiness.median, 1),
		firstTouchBusinessMinutesP90: round(g.speedBusiness.p90, 1),
		firstTouchClockMinutesMedian: round(g.speedClock.median, 1),
		firstTouchClockMinutesP90: round(g.speedClock.p90, 1),
		slaDecided: g.slaMet.of,
		slaMet: g.slaMet.count,
		slaMetRate: round(g.slaMet.rate),
		meetings: g.meeting.count,
		meetingRate: round(g.meeting.rate),
		// Lagging indicators
		opportunities: g.opportunity.count,
		opportunityRate: round(g.opportunity.rate),
		won: g.win.count,
		winRate: round(g.win.rate),
		winRateLow: round(g.win.low),
		winRateHigh: round(g.win.high),
		lost: g.close.of - g.close.count,
		closeRate: round(g.close.rate),
		cycleDaysMedian: round(g.cycleDays.median, 1),
		cycleDaysP90: round(g.cycleDays.p90, 1),
		revenue: round(g.revenue, 2),
		revenuePerLead: round(g.revenuePerLead, 2),
		currency: g.currency ?? null,
		rejectionReasons: reasonsText(g.rejectionReasons, 10),
		lostReasons: reasonsText(g.lostReasons, 10),
	};
}

/** All hand-offs first, then each breakdown in order (score band, grade, tier, source, campaign, rep, team). */
export function reportItems(report: Report): ReportItem[] {
	const items = [groupItem(report, report.total)];
	for (const dimension of DIMENSIONS) for (const g of report.breakdowns[dimension]) items.push(groupItem(report, g));
	return items;
}
