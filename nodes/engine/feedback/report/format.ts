/** How the report writes its numbers: "12 %", "5 h", "45 min", "3.2 d", "n = 140". */

export function percent(rate: number | undefined, digits = 0): string {
	if (rate === undefined) return '–';
	const value = rate * 100;
	const shown = digits === 0 && value > 0 && value < 1 ? value.toFixed(1) : value.toFixed(digits);
	return `${shown} %`;
}

/** Minutes in words: under an hour in minutes, under two days in hours, else in days. */
export function duration(minutes: number | undefined): string {
	if (minutes === undefined) return '–';
	if (minutes < 60) return `${Math.round(minutes)} min`;
	if (minutes < 48 * 60) return `${trim(minutes / 60)} h`;
	return `${trim(minutes / 1440)} d`;
}

export function days(value: number | undefined): string {
	return value === undefined ? '–' : `${trim(value)} d`;
}

/** One decimal below 10, none above: 1.5, 12. */
export function trim(value: number): string {
	return value < 10 ? String(Math.round(value * 10) / 10) : String(Math.round(value));
}

export function money(value: number | undefined, currency?: string): string {
	if (value === undefined) return '–';
	const amount = value.toLocaleString('en-US', { maximumFractionDigits: value < 100 ? 2 : 0 });
	return currency && currency !== 'mixed' ? `${amount} ${currency}` : amount;
}

export function interval(low: number | undefined, high: number | undefined, show: (v: number) => string): string {
	return low === undefined || high === undefined ? '' : `${show(low)} to ${show(high)}`;
}
