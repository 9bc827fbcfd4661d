/**
 * The engine's outcome state machine as the store's fold: the stored events of a hand-off in,
 * where its outcome stands out (with the history kept as details).
 */
import { outcomeOf, type OutcomeEvent } from '../engine/feedback';
import type { OutcomeFold, OutcomeSummary } from '../store';

export const foldOutcome: OutcomeFold = (events) => {
	const outcome = outcomeOf(events as unknown as OutcomeEvent[]);
	const summary: OutcomeSummary = {
		stage: outcome.stage,
		closed: outcome.closed,
		reached: { ...outcome.reached },
		corrections: outcome.corrections,
		details: { history: outcome.history },
	};
	if (outcome.code !== undefined) summary.code = outcome.code;
	if (outcome.reason !== undefined) summary.reason = outcome.reason;
	if (outcome.reasonText !== undefined) summary.reasonText = outcome.reasonText;
	if (outcome.amount !== undefined) summary.amount = outcome.amount;
	if (outcome.currency !== undefined) summary.currency = outcome.currency;
	if (outcome.closedAt !== undefined) summary.closedAt = outcome.closedAt;
	return summary;
};
