export { slaClock, type SlaBasis, type SlaClock } from './clock';
export {
	compileEscalation,
	DEFAULT_LADDER,
	describeStageAt,
	FIRST_WINDOW,
	readStageAt,
	REASSIGNED_WINDOW,
	STAGE_LABELS,
	STAGES,
	stageMinutes,
	type CompiledEscalation,
	type EscalationProtocol,
	type Ladder,
	type StageAt,
	type StageName,
} from './ladder';
export { compilePolicy, makePolicy, policyKey, type CompiledPolicy, type RoutingSnapshot, type SlaAction, type SlaPolicy, type StageDue } from './policy';
export {
	acceptTimer,
	advanceTimer,
	appliesTo,
	cancelTimer,
	contactTimer,
	isRunning,
	nextStage,
	reassignTimer,
	RUNNING,
	startTimer,
	type KeptContact,
	type ReassignInput,
	type SlaTimer,
	type SlaTimerStatus,
	type StartTimerInput,
	type TimerChange,
	type TimerOutcome,
} from './timer';
export { describeDuration, describeWhen, firedLate, lateness, type Lateness } from './lateness';
export { buildEscalation, type Contact, type Escalation, type EscalationContext, type EscalationRenderings, type LeadSummary } from './escalation';
export { sampleEscalations } from './sample';
export { decideReassignment, passOver, routeReassignment, type ReassignmentDecision, type ReassignmentRequest } from './reassign';
export { changeFor, decideAssignedStart, decideStart, escalationsOf, pollStep, type StartState, type TimerOperation } from './operations';
export { reassignmentRouting, rosterContact, routingSnapshot, teamManager, teamsOf, type ReassignmentRouting } from './routing';
export { contactOf, DEFAULT_SUMMARY_FIELDS, leadSummaryOf, timerDetails, type LeadSummaryFields } from './details';
