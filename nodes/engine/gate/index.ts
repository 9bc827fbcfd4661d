export {
	applyCooldown,
	compileGate,
	DEFAULT_COOLDOWN_DAYS,
	DEFAULT_GATE,
	type CompiledGate,
	type Decision,
	type FiredRule,
	type GateGroup,
	type GateProtocol,
	type GateResult,
	type GateRule,
} from './gate';
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
