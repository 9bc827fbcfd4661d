/**
 * The stages of a handed-off lead's outcome, as the protocol guide names them: sales accepts or
 * rejects it, contacts the person, books a meeting, opens an opportunity, wins or loses it.
 * Every disposition code has one of these stages; `open` is the stage of a correction that takes a
 * closed outcome back (a won deal reverted to open).
 */

/** Stages the lead moves through while it is open, in funnel order. */
export const PROGRESS_STAGES = ['accepted', 'contacted', 'meeting', 'opportunity'] as const;
/** Stages that close the outcome. */
export const CLOSING_STAGES = ['won', 'lost', 'rejected'] as const;
/** Every stage a disposition code may have. */
export const STAGES = [...PROGRESS_STAGES, ...CLOSING_STAGES, 'open'] as const;

export type ProgressStage = (typeof PROGRESS_STAGES)[number];
export type ClosingStage = (typeof CLOSING_STAGES)[number];
export type Stage = (typeof STAGES)[number];
/** Where an outcome stands: handed off and nothing heard yet, a progress stage, or closed. */
export type OutcomeStage = 'handedOff' | ProgressStage | ClosingStage;

export const STAGE_LABELS: Readonly<Record<OutcomeStage | 'open', string>> = {
	handedOff: 'Handed off',
	accepted: 'Accepted',
	contacted: 'Contacted',
	meeting: 'Meeting booked',
	opportunity: 'Opportunity',
	won: 'Won',
	lost: 'Lost',
	rejected: 'Rejected',
	open: 'Reopened',
};

const PROGRESS_RANK: Readonly<Record<ProgressStage | 'handedOff', number>> = { handedOff: 0, accepted: 1, contacted: 2, meeting: 3, opportunity: 4 };

export function isClosing(stage: Stage | OutcomeStage | undefined): stage is ClosingStage {
	return stage === 'won' || stage === 'lost' || stage === 'rejected';
}

export function isProgress(stage: Stage | OutcomeStage | undefined): stage is ProgressStage {
	return stage === 'accepted' || stage === 'contacted' || stage === 'meeting' || stage === 'opportunity';
}

/** Funnel position of an open stage: handed off 0, accepted 1 ... opportunity 4. */
export function progressRank(stage: ProgressStage | 'handedOff'): number {
	return PROGRESS_RANK[stage];
}

/**
 * What an outcome of this stage does to the hand-off's SLA timer: an acceptance acknowledges it
 * (it closes an acknowledge SLA and is recorded by a contact SLA), a first touch or anything that
 * needs one (a meeting, an opportunity, a close other than a rejection) is the first contact, a
 * rejection cancels it (nobody is expected to call a rejected lead). A reopen does nothing.
 */
export type SlaEffect = 'accept' | 'contact' | 'cancel';

export function slaEffect(stage: Stage): SlaEffect | undefined {
	switch (stage) {
		case 'accepted':
			return 'accept';
		case 'rejected':
			return 'cancel';
		case 'open':
			return undefined;
		default:
			return 'contact';
	}
}
