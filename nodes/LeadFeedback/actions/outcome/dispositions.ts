/**
 * The disposition codes as the editor shows them: the protocol guide's defaults, a table of the
 * team's own codes, or the whole feedback protocol as JSON (codes, reasons, aliases and the CRM
 * value maps, feedback.schema.json). Both forms compile through the engine's compileDispositions,
 * so a mistake is named by its JSON path, whichever form it was written in.
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { compileDispositions, STAGES, STAGE_LABELS, type CompiledDispositions, type DispositionCode, type FeedbackProtocol } from '../../../engine/feedback';
import { ProtocolError } from '../../../engine/common/errors';

const STAGE_OPTIONS = STAGES.map((stage) => ({ name: STAGE_LABELS[stage], value: stage }));

export const DEFAULT_FEEDBACK_JSON = JSON.stringify(
	{
		includeDefaults: true,
		codes: [{ code: 'demo_held', label: 'Demo held', stage: 'meeting', meaning: 'The product demo took place', aliases: ['Demo done'] }],
		hubspot: { leadStatus: { NEW: null } },
	},
	null,
	2,
);

export const dispositionProperties: INodeProperties[] = [
	{
		displayName: 'Disposition Codes',
		name: 'codesSource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Defaults', value: 'defaults', description: 'Accepted; rejected with a reason; contacted; meeting booked; opportunity; won with an amount; lost with a reason; reopened' },
			{ name: 'Table', value: 'editor', description: 'The defaults plus codes of your own, row by row' },
			{ name: 'JSON', value: 'json', description: 'Codes, reasons, aliases and the CRM value maps as JSON (feedback.schema.json), e.g. kept in version control per client' },
		],
		default: 'defaults',
	},
	{
		displayName: 'Keep Default Codes',
		name: 'includeDefaults',
		type: 'boolean',
		default: true,
		displayOptions: { show: { codesSource: ['editor'] } },
		description: 'Whether the default codes stay beside yours (a code of yours with the same code replaces a default)',
	},
	{
		displayName: 'Codes',
		name: 'codes',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Code',
		default: {},
		displayOptions: { show: { codesSource: ['editor'] } },
		description: "Your team's disposition codes; the CRM value maps are set in JSON",
		options: [
			{
				displayName: 'Code',
				name: 'code',
				values: [
					{ displayName: 'Code', name: 'code', type: 'string', default: '', required: true, placeholder: 'demo_held', description: 'What the CRM or the workflow sends; compared without case, spaces, dashes or underscores' },
					{ displayName: 'Label', name: 'label', type: 'string', default: '', placeholder: 'Demo held', description: 'The words reports use; empty: the code' },
					{ displayName: 'Stage', name: 'stage', type: 'options', options: STAGE_OPTIONS, default: 'contacted', description: 'Where the code puts the outcome' },
					{ displayName: 'Aliases', name: 'aliases', type: 'string', default: '', placeholder: 'Demo done, Demo completed', description: 'Other names the CRM uses for it, comma-separated' },
					{ displayName: 'Reasons', name: 'reasons', type: 'string', default: '', placeholder: 'Student, No budget', description: 'For rejected, lost and won codes: the reasons sales picks from, comma-separated' },
					{ displayName: 'Meaning', name: 'meaning', type: 'string', default: '', description: 'What the code means, for both teams' },
				],
			},
		],
	},
	{
		displayName: 'Feedback Protocol (JSON)',
		name: 'feedbackJson',
		type: 'json',
		default: DEFAULT_FEEDBACK_JSON,
		displayOptions: { show: { codesSource: ['json'] } },
		typeOptions: { rows: 14 },
		description: 'Codes, reasons, aliases and the value maps of the HubSpot, Salesforce and Pipedrive presets; the schema ships in the package as feedback.schema.json',
	},
];

interface CodeRow {
	code?: string;
	label?: string;
	stage?: string;
	aliases?: string;
	reasons?: string;
	meaning?: string;
}

function list(text: string | undefined): string[] {
	return (text ?? '')
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean);
}

function codeOf(label: string): string {
	return label.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '') || label;
}

/** The table's rows as the feedback protocol. */
export function protocolFromRows(rows: CodeRow[], includeDefaults: boolean): FeedbackProtocol {
	const codes: DispositionCode[] = rows.map((row) => {
		const code: DispositionCode = { code: (row.code ?? '').trim(), label: (row.label ?? '').trim() || (row.code ?? '').trim(), stage: (row.stage ?? 'contacted') as DispositionCode['stage'] };
		const aliases = list(row.aliases);
		if (aliases.length) code.aliases = aliases;
		const reasons = list(row.reasons);
		if (reasons.length) code.reasons = reasons.map((label) => ({ code: codeOf(label), label }));
		if (row.meaning?.trim()) code.meaning = row.meaning.trim();
		return code;
	});
	return { includeDefaults, ...(codes.length ? { codes } : {}) };
}

/** The node's disposition codes, compiled once per execution. */
export function dispositionsOf(ctx: IExecuteFunctions): CompiledDispositions {
	const source = ctx.getNodeParameter('codesSource', 0, 'defaults') as string;
	if (source === 'editor') {
		const rows = (ctx.getNodeParameter('codes', 0, {}) as { code?: CodeRow[] }).code ?? [];
		return compileDispositions(protocolFromRows(rows, ctx.getNodeParameter('includeDefaults', 0, true) !== false));
	}
	if (source === 'json') {
		let json = ctx.getNodeParameter('feedbackJson', 0, '{}') as unknown;
		if (typeof json === 'string') {
			try {
				json = JSON.parse(json);
			} catch (error) {
				throw ProtocolError.at('', `Feedback Protocol (JSON) is not valid JSON: ${(error as Error).message}`);
			}
		}
		return compileDispositions(json);
	}
	return compileDispositions({});
}
