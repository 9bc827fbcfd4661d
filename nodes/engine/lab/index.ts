export { runLab, learnTable, learnWithModel, validateProposal, type LabOptions, type LabReport, type Proposal, type ScoreCalibration, type TableFigures, type Validation } from './lab';
export { readRows, type OutcomeRow, type ReadRow } from './history';
export { inferAttributes, niceNumber, type AttributeSpec } from './features';
export { detectDrift, psi, type DriftOptions, type DriftReport, type FieldDrift } from './drift';
export { auc, bootstrapAucDifference, calibrationBands, logLoss, quantileEdges, topShare, type Band, type Interval, type Scored } from './metrics';
export { calibrate, ElasticNetLogistic, fitPath, type Design, type Fit, type SparseColumn } from './logistic';
export { seededRandom } from './random';
export type { Change, ChangeKind, Evidence } from './table';
