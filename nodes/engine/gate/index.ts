export {
	applyCooldown,
	compileGate,
	DEFAULT_COOLDOWN_DAYS,
	DEFAULT_GATE,
	redelivered,
	type CompiledGate,
	type Decision,
	type FiredRule,
	type GateGroup,
	type GateProtocol,
	type GateResult,
	type GateRule,
} from './gate';
export { redeliveredVerdict, verdictAfter, type EarlierHandoff, type GateOutput, type GateVerdict, type LastHandoff } from './handedOff';
export {
	compileCondition,
	type ActivityCondition,
	type CompiledCondition,
	type Condition,
	type ConditionInput,
	type FieldCondition,
	type FieldOperator,
	type Outcome,
	type ScoreMeasure,
} from './condition';
