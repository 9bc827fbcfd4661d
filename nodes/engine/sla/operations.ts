/**
 * The engine's rules in the shape the store runs them: pure, synchronous deciders for a start, a
 * change and a poll, so that an SLA node only maps parameters to them and results to items. The
 * store hands each decider the timer as stored and, for changes, the timer's policy.
 */
import { buildEscalation, type Escalation, type EscalationContext } from './escalation';
import { compilePolicy, type CompiledPolicy, type StageDue } from './policy';
import {
	acceptTimer,
	advanceTimer,
	cancelTimer,
	contactTimer,
	reassignTimer,
	startTimer,
	type KeptContact,
	type ReassignInput,
	type SlaTimer,
	type StartTimerInput,
	type TimerChange,
} from './timer';

export interface StartState {
	kept: KeptContact[];
	/** The lead's running timers: a new hand-off supersedes them. */
	running: SlaTimer[];
}

/** A start: the new timer (closed at once by a kept contact), and the lead's earlier timers cancelled. */
export function decideStart(policy: CompiledPolicy, input: StartTimerInput, state: StartState): { timer: SlaTimer; others: SlaTimer[]; change: TimerChange } {
	const change = startTimer(policy, input, state.kept);
	const others = state.running.map((t) => cancelTimer(policy, t, input.startedAt, `superseded by hand-off ${input.handoffKey}`).timer);
	return { timer: change.timer, others, change };
}

/** A start decided once an assignment has chosen the owner (Tier Router starts the timer with it). */
export function decideAssignedStart(
	policy: CompiledPolicy,
	input: Omit<StartTimerInput, 'ownerId'>,
	assignment: { repId?: string; team?: string },
	state: StartState,
): { timer: SlaTimer; others: SlaTimer[]; change: TimerChange } {
	return decideStart(policy, { ...input, ...(assignment.repId === undefined ? {} : { ownerId: assignment.repId }), ...(assignment.team ?? input.team ? { team: assignment.team ?? input.team } : {}) }, state);
}

export type TimerOperation =
	| { kind: 'contact'; at: number; /** Found by the lead's key (not the hand-off's): a contact from before the hand-off is not its. */ byLead?: boolean }
	| { kind: 'accept'; at: number }
	| { kind: 'cancel'; at: number; reason?: string }
	| ({ kind: 'reassign' } & ReassignInput);

/**
 * A change for the store to run under the timer's lock: returns the changed timer, or undefined
 * when nothing changes, and records what the engine said about each timer in `results`.
 */
export function changeFor(operation: TimerOperation, results: TimerChange[] = []): (timer: SlaTimer, policy: unknown) => SlaTimer | undefined {
	return (timer, policyJson) => {
		const policy = compilePolicy(policyJson);
		const change = apply(policy, timer, operation);
		results.push(change);
		return change.changed ? change.timer : undefined;
	};
}

function apply(policy: CompiledPolicy, timer: SlaTimer, operation: TimerOperation): TimerChange {
	switch (operation.kind) {
		case 'contact':
			return contactTimer(policy, timer, operation.at, { byLead: operation.byLead });
		case 'accept':
			return acceptTimer(policy, timer, operation.at);
		case 'cancel':
			return cancelTimer(policy, timer, operation.at, operation.reason);
		case 'reassign': {
			const { kind: _kind, ...input } = operation;
			return reassignTimer(policy, timer, input);
		}
	}
}

/** The poll step the store runs on each due timer. */
export const pollStep = (timer: SlaTimer, now: number): { timer: SlaTimer; due: StageDue[] } => advanceTimer(timer, now);

/** The escalations of claimed stages, one per fired stage, oldest first per timer. */
export function escalationsOf(
	claims: ReadonlyArray<{ timer: SlaTimer; policy: unknown; due: readonly StageDue[]; firedAt: number }>,
	contextFor: (timer: SlaTimer) => EscalationContext = () => ({}),
): Escalation[] {
	return claims.flatMap((claim) => {
		const policy = compilePolicy(claim.policy);
		const context = contextFor(claim.timer);
		return claim.due.map((stage) => buildEscalation(policy, claim.timer, stage, claim.firedAt, context));
	});
}
