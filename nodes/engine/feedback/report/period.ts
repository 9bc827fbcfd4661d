/**
 * The report's period when the rows come from the store: the last 30 days up to now, or the last
 * whole calendar month in the workflow's time zone, or from and to as given. Pure: now is an argument.
 */
import { DateTime } from 'luxon';

import { ProtocolError } from '../../common/errors';

export type ReportPeriod = 'last30Days' | 'lastMonth' | 'custom';
export const REPORT_PERIODS: readonly ReportPeriod[] = ['last30Days', 'lastMonth', 'custom'];

export interface PeriodBounds {
	/** At or after (epoch ms); undefined: from the first hand-off. */
	from?: number;
	/** Before (epoch ms); undefined: to the last hand-off. */
	to?: number;
}

/** [from, to) of a period at `now` in `zone`; `custom` takes the bounds given. */
export function periodBounds(period: ReportPeriod, now: number, zone: string, custom: PeriodBounds = {}): PeriodBounds {
	if (period === 'custom') return { ...custom };
	if (period === 'last30Days') return { from: DateTime.fromMillis(now, { zone }).minus({ days: 30 }).toMillis(), to: now };
	if (period === 'lastMonth') {
		const thisMonth = DateTime.fromMillis(now, { zone }).startOf('month');
		return { from: thisMonth.minus({ months: 1 }).toMillis(), to: thisMonth.toMillis() };
	}
	throw ProtocolError.at('/period', `Period: expected one of ${REPORT_PERIODS.join(', ')}; got ${JSON.stringify(period)}`);
}
