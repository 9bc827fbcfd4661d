/**
 * The Lead Quality Report: figures by breakdown in one pass, findings, items, Markdown and HTML.
 * The charts are in ./charts (they load the chart renderer, so only what draws imports them).
 */
export { buildReport, bandLabels, bandOf, compileReportOptions, DEFAULT_BANDS, DEFAULT_MIN_COUNT, DEFAULT_RATIO, DIMENSION_LABELS, DIMENSIONS, FUNNEL, NO_SCORE, NONE } from './report';
export type { CompiledReportOptions, Dimension, FunnelStage, GroupFigures, Reasons, Report, ReportOptions, SlaSpeed } from './report';
export { findings, findingsRule, type Finding, type FindingRule } from './findings';
export { groupItem, reportItems, type ReportItem } from './items';
export { escapeHtml, escapeMarkdown, reportHtml, reportMarkdown, type SummaryOptions } from './summary';
export { REACHED_STAGES, reportRow, type ReachedStage, type ReportRow } from './rows';
export { medianInterval, quantileSorted, rateOf, spreadOf, wilson, Z95, type Rate, type Spread } from './stats';
export { duration, percent } from './format';
export { periodBounds, REPORT_PERIODS, type PeriodBounds, type ReportPeriod } from './period';
