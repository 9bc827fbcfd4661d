/**
 * The change log beside the report: for each logged scoring version (its model id), the impact
 * expected when it was published next to what the report measured for the hand-offs that model
 * scored. Actual figures, for the model's hand-offs in the report's period from its publish time:
 * hand-offs a week (over the weeks from the later of the period start and the publish time to the
 * earlier of the period end, or its last hand-off, and the next version's publish time), accepted,
 * meeting and win rates (with Wilson intervals), and the AUC of the score at hand-off against won
 * among the closed hand-offs (won against lost or rejected).
 */
import { auc } from '../../lab/metrics';
import { buildReport } from './report';
import type { ReportRow } from './rows';
import type { Rate } from './stats';

const WEEK = 7 * 86_400_000;
const DAY = 86_400_000;

/** The figures a change may state an expectation for, with how the report measures each. */
export const IMPACT_METRICS = {
	handoffsPerWeek: { label: 'Hand-offs a week', kind: 'count' },
	acceptanceRate: { label: 'Accepted', kind: 'rate' },
	meetingRate: { label: 'Meetings', kind: 'rate' },
	winRate: { label: 'Won (conversion)', kind: 'rate' },
	auc: { label: 'AUC (score at hand-off against won, closed hand-offs)', kind: 'ratio' },
} as const;
export type ImpactMetric = keyof typeof IMPACT_METRICS;
export const IMPACT_METRIC_NAMES = Object.keys(IMPACT_METRICS) as ImpactMetric[];

/** A logged change, as the store keeps it (the fields the report reads). */
export interface LoggedChange {
	modelId: string;
	at: number;
	by?: string;
	title?: string;
	rationale: string;
	expected: Record<string, number>;
	previousModelId?: string;
}

export interface ImpactFigure {
	metric: string;
	label: string;
	expected?: number;
	actual?: number;
	/** For rates: the actual rate's 95 % interval. */
	low?: number;
	high?: number;
	/** What the actual figure is counted from (hand-offs, or closed hand-offs for the AUC). */
	n?: number;
}

export interface ChangeImpact {
	change: LoggedChange;
	handoffs: number;
	/** The stretch of time the actual figures cover (epoch ms); none without hand-offs. */
	from?: number;
	to?: number;
	figures: ImpactFigure[];
}

const rateFigure = (metric: ImpactMetric, expected: number | undefined, r: Rate): ImpactFigure => ({
	metric,
	label: IMPACT_METRICS[metric].label,
	expected,
	actual: r.rate,
	low: r.low,
	high: r.high,
	n: r.of,
});

/**
 * Expected beside actual for each logged change (oldest first). `from` and `to` are the report's
 * period; rows outside it are not counted. Expected figures the report cannot measure are listed
 * with no actual value.
 */
export function changeImpacts(rows: readonly ReportRow[], changes: readonly LoggedChange[], period: { from?: number; to?: number } = {}): ChangeImpact[] {
	const sorted = [...changes].sort((a, b) => a.at - b.at || (a.modelId < b.modelId ? -1 : 1));
	const byModel = new Map<string, ReportRow[]>();
	for (const row of rows) {
		if (row.modelId === undefined) continue;
		if (period.from !== undefined && row.handedOffAt < period.from) continue;
		if (period.to !== undefined && row.handedOffAt >= period.to) continue;
		const list = byModel.get(row.modelId);
		if (list) list.push(row);
		else byModel.set(row.modelId, [row]);
	}
	return sorted.map((change) => {
		const next = sorted.find((c) => c.at > change.at && c.previousModelId === change.modelId);
		const own = (byModel.get(change.modelId) ?? []).filter((r) => r.handedOffAt >= change.at);
		const total = buildReport(own, { bands: [] }).total;
		let from: number | undefined;
		let to: number | undefined;
		if (own.length > 0) {
			const last = own.reduce((m, r) => Math.max(m, r.handedOffAt), -Infinity);
			from = Math.max(period.from ?? -Infinity, change.at);
			to = Math.min(period.to ?? last + 1, next?.at ?? Infinity);
			// A stretch shorter than a day would make a week's rate out of a few hours.
			to = Math.max(to, from + DAY);
		}
		const closed = own.filter((r) => r.score !== undefined && (r.stage === 'won' || r.stage === 'lost' || r.stage === 'rejected'));
		const won = closed.filter((r) => r.stage === 'won').length;
		const aucValue = won > 0 && won < closed.length ? auc(closed.map((r) => ({ score: r.score!, converted: r.stage === 'won' }))) : undefined;
		const figures: ImpactFigure[] = [
			{ metric: 'handoffsPerWeek', label: IMPACT_METRICS.handoffsPerWeek.label, expected: change.expected.handoffsPerWeek, actual: from === undefined ? undefined : own.length / ((to! - from) / WEEK), n: own.length },
			rateFigure('acceptanceRate', change.expected.acceptanceRate, total.acceptance),
			rateFigure('meetingRate', change.expected.meetingRate, total.meeting),
			rateFigure('winRate', change.expected.winRate, total.win),
			{ metric: 'auc', label: IMPACT_METRICS.auc.label, expected: change.expected.auc, actual: aucValue, n: closed.length },
		];
		for (const [metric, expected] of Object.entries(change.expected)) {
			if (!(metric in IMPACT_METRICS)) figures.push({ metric, label: metric, expected });
		}
		return { change, handoffs: own.length, from, to, figures: figures.filter((f) => f.expected !== undefined || f.actual !== undefined) };
	});
}
