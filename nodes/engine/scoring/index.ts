export { compileScorer, type LeadScorer } from './score';
export { allAbove, allBelow, allWithin, readQuantity, type Quantity } from './quantity';
export { normalizeProtocol, modelIdOf, normalizeActivityType, type NormalizedProtocol } from './compile';
export * from './protocol';
export * from './result';
export { classifyTitle, SENIORITY_LEVELS, SENIORITY_LABELS, type SeniorityLevel } from './seniority';
export { isStudentOrJobSeeker, studentOrJobSeeker, type TitleRole, type TitleRoleMatch } from './titleRole';
export { activitiesFromLedger, ledgerEntries, leadKeyOf, scoreHistory, snapshotKeyOf, type LedgerEntry, type ScoreHistory, type StoredActivity } from './ledger';
