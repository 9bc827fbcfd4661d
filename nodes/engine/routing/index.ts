export {
	capacityWindowStart,
	eligibleReps,
	pickLeastLoaded,
	pickOwner,
	unavailability,
	weightedSequence,
	type CompiledRep,
	type OwnerPick,
	type RepLoad,
	type SkippedRep,
} from './assign';
export {
	DEFAULT_FALLBACK,
	DEFAULT_FIELDS,
	DEFAULT_TIERS,
	type Assignment,
	type AssignmentFields,
	type AssignmentRule,
	type Fallback,
	type ManagerContact,
	type RosterRep,
	type RoutingProtocol,
	type Strategy,
	type Team,
	type Tier,
} from './protocol';
export { AUTO_REPLY_REQUESTS, autoReplyRequest, renderAutoReply, type AutoReply, type AutoReplyInput } from './autoReply';
export { quietTierIndex } from './quietTier';
export { routingSlackText, type RoutingForSlack } from './slackText';
export {
	compileRouter,
	type AssignedVia,
	type CompiledRouter,
	type OwnerResult,
	type RepContact,
	type RoutingState,
	type TeamChoice,
	type TierResult,
} from './router';
