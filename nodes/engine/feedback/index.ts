export {
	CLOSING_STAGES,
	isClosing,
	isProgress,
	PROGRESS_STAGES,
	progressRank,
	slaEffect,
	STAGE_LABELS,
	STAGES,
	type ClosingStage,
	type OutcomeStage,
	type ProgressStage,
	type SlaEffect,
	type Stage,
} from './stages';
export {
	compileDispositions,
	DEFAULT_CODES,
	knownCodesWords,
	normalizeName,
	OTHER_REASON,
	parseAmount,
	reasonLabel,
	resolveReason,
	type CompiledDispositions,
	type DispositionCode,
	type DispositionReason,
	type FeedbackProtocol,
	type HubSpotMapping,
	type MappingTarget,
	type PipedriveMapping,
	type ResolvedReason,
	type SalesforceMapping,
	type ValueMap,
} from './dispositions';
export {
	applyOutcomeEvent,
	compareEvents,
	emptyOutcome,
	outcomeOf,
	type CrmRecord,
	type Effect,
	type HistoryEntry,
	type Outcome,
	type OutcomeChange,
	type OutcomeEvent,
} from './outcome';
export { type IgnoredChange, type MappingContext, type MappingPreset, type MappingResult } from './presets/common';
export { compileHubSpot, HUBSPOT_DEAL_STAGE, HUBSPOT_LEAD_STATUS, HUBSPOT_LIFECYCLE_STAGE, type HubSpotPreset } from './presets/hubspot';
export { compileSalesforce, SALESFORCE_LEAD_STATUS, SALESFORCE_OPPORTUNITY_STAGE, type SalesforcePreset } from './presets/salesforce';
export { compilePipedrive, type PipedrivePreset } from './presets/pipedrive';
export { compilePlain, plainEvent, type PlainOutcome, type PlainPreset } from './presets/plain';
export {
	basicAuthHeader,
	headerValue,
	HUBSPOT_MAX_AGE_MS,
	hmacSignature,
	hubspotSignedUri,
	hubspotV3Signature,
	verifyBasicAuth,
	verifyHmacSignature,
	verifyHubSpotV3,
	type AuthFailureReason,
	type AuthResult,
	type HmacOptions,
	type HubSpotRequest,
	type ReplayKey,
	type RequestHeaders,
} from './authenticity';
