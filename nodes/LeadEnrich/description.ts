import type { INodeProperties } from 'n8n-workflow';

import { FIRMOGRAPHICS_PRESETS, MODEL_LABELS, ATTRIBUTION_MODELS } from '../engine/enrich';
import { keptTwins, shownThroughRoot } from '../shared/ruleViews';
import { DEFAULT_OPTIONS_JSON } from './editorOptions';

const editor = { optionsSource: ['editor'] };
const http = { optionsSource: ['editor'], companyData: ['http'] };

const MAPPING_FIELDS: Array<[keyof (typeof FIRMOGRAPHICS_PRESETS)['flat'], string]> = [
	['name', 'Company Name'],
	['domain', 'Domain'],
	['employees', 'Employees'],
	['sizeRange', 'Size Range'],
	['industry', 'Industry'],
	['country', 'Country'],
	['techStack', 'Tech Stack'],
	['fundingTotal', 'Funding Total (USD)'],
	['fundingStage', 'Funding Stage'],
	['description', 'Description'],
];

const LEAD_FIELDS: Array<[string, string, string]> = [
	['name', 'Name', 'name'],
	['firstName', 'First Name', 'firstName'],
	['lastName', 'Last Name', 'lastName'],
	['title', 'Job Title', 'jobTitle'],
	['company', 'Company', 'company'],
	['companySize', 'Company Size', 'companySize'],
	['industry', 'Industry', 'industry'],
	['country', 'Country', 'country'],
	['email', 'Email', 'email'],
	['phone', 'Phone', 'phone'],
	['website', 'Website', 'website'],
	['tier', 'Tier', 'tier'],
	['id', 'CRM Record ID', 'id'],
	['score', 'Lead Score Result', 'score'],
	['handoffReasons', 'Hand-Off Reasons', 'handoff.reasons'],
];

const ACTIVITY_FIELDS: Array<[string, string, string]> = [
	['activities', 'Activities', 'activities'],
	['type', 'Activity Type', 'type'],
	['time', 'Activity Time', 'timestamp'],
	['url', 'Activity URL', 'url'],
	['title', 'Activity Title', 'title'],
	['asset', 'Activity Asset', 'asset'],
	['campaign', 'Activity Campaign', 'campaign'],
	['source', 'Activity Source', 'source'],
	['medium', 'Activity Medium', 'medium'],
	['referrer', 'Activity Referrer', 'referrer'],
];

const cacheOptions = [
	{ name: 'Lead Handoff Store (Across Executions)', value: 'store', description: 'Each domain is fetched once until the cache time to live runs out' },
	{ name: 'This Execution Only', value: 'execution', description: 'No store needed; leads of one company in one run share one call' },
];

const authOptions = [
	{ name: 'None', value: 'none' },
	{ name: 'Company Data API Credential', value: 'companyDataApi', description: 'An API key sent as a bearer token, a header or a query parameter' },
];

const properties: INodeProperties[] = [
	{
		displayName: 'Configure With',
		name: 'optionsSource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Settings', value: 'editor', description: 'Company data, brief and templates as fields' },
			{ name: 'JSON', value: 'json', description: 'One JSON document (enrich.schema.json), e.g. kept in version control per client' },
		],
		default: 'editor',
	},
	{
		displayName: 'Options (JSON)',
		name: 'optionsJson',
		type: 'json',
		default: DEFAULT_OPTIONS_JSON,
		description: 'Validated against enrich.schema.json, shipped in the package; everything has a default, so {} is complete. A link to the lead in your CRM: "crmUrlTemplate": "https://app.hubspot.com/contacts/YOUR-PORTAL-ID/record/0-1/{{id}}"',
		displayOptions: { show: { optionsSource: ['json'] } },
	},
	{
		displayName: 'Company Data',
		name: 'companyData',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'None', value: 'none', description: 'Brief from the lead\'s own fields only' },
			{ name: 'Lookup Table', value: 'table', description: 'Companies you list, keyed by domain; no API call' },
			{ name: 'HTTP API', value: 'http', description: 'A JSON API such as Clearbit / Breeze Intelligence, Apollo or People Data Labs' },
		],
		default: 'none',
		displayOptions: { show: editor },
	},
	{
		displayName: 'URL Template',
		name: 'urlTemplate',
		type: 'string',
		default: 'https://company.clearbit.com/v2/companies/find?domain={{domain}}',
		required: true,
		description: 'The provider URL; {{domain}} (and {{email}}) are URL-encoded into it. Keep this field fixed, not an expression.',
		displayOptions: { show: http },
	},
	{
		displayName: 'Response Shape',
		name: 'preset',
		type: 'options',
		options: [
			{ name: 'Apollo (Organization Enrichment)', value: 'apollo' },
			{ name: 'Clearbit / Breeze Intelligence (Company)', value: 'clearbit' },
			{ name: 'Flat (Name, Employees, Industry, ...)', value: 'flat' },
			{ name: 'People Data Labs (Company)', value: 'peopleDataLabs' },
		],
		default: 'clearbit',
		description: 'Where the company\'s fields are in the answer; change single paths under Field Mapping',
		displayOptions: { show: http },
	},
	{
		displayName: 'Field Mapping',
		name: 'mapping',
		type: 'collection',
		placeholder: 'Add Field Path',
		default: {},
		description: 'Paths into the provider\'s answer, over the response shape, e.g. data.company.name',
		displayOptions: { show: http },
		options: MAPPING_FIELDS.map(([name, label]) => ({ displayName: label, name, type: 'string' as const, default: '', placeholder: `e.g. ${FIRMOGRAPHICS_PRESETS.clearbit[name]}` })),
	},
	{
		displayName: 'Authentication',
		name: 'authentication',
		type: 'options',
		options: authOptions,
		default: 'companyDataApi',
		displayOptions: { show: http },
	},
	{
		displayName: 'Authentication',
		name: 'authentication',
		type: 'options',
		options: authOptions,
		default: 'none',
		description: 'For the HTTP provider of firmographics.urlTemplate, if the JSON has one',
		displayOptions: { show: { optionsSource: ['json'] } },
	},
	{
		displayName: 'Cache Company Data In',
		name: 'cache',
		type: 'options',
		options: cacheOptions,
		default: 'store',
		displayOptions: { show: http },
	},
	{
		displayName: 'Cache Company Data In',
		name: 'cache',
		type: 'options',
		options: cacheOptions,
		default: 'execution',
		description: 'For the HTTP provider of firmographics.urlTemplate, if the JSON has one',
		displayOptions: { show: { optionsSource: ['json'] } },
	},
	{
		displayName: 'Companies',
		name: 'lookupTable',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Company',
		default: {},
		description: 'A lead\'s website, else its email domain, finds its company; a subdomain finds its parent (eu.acme.com is acme.com)',
		displayOptions: { show: { optionsSource: ['editor'], companyData: ['table'] } },
		options: [
			{
				displayName: 'Company',
				name: 'rows',
				values: [
					{ displayName: 'Domain', name: 'domain', type: 'string', default: '', placeholder: 'e.g. acme.com' },
					{ displayName: 'Name', name: 'name', type: 'string', default: '' },
					{ displayName: 'Employees', name: 'employees', type: 'number', default: 0, description: '0 leaves it unknown' },
					{ displayName: 'Industry', name: 'industry', type: 'string', default: '' },
					{ displayName: 'Country', name: 'country', type: 'string', default: '' },
					{ displayName: 'Tech Stack', name: 'techStack', type: 'string', default: '', description: 'Comma-separated' },
					{ displayName: 'Description', name: 'description', type: 'string', default: '' },
				],
			},
		],
	},
	{
		displayName: 'Company Lookup Settings',
		name: 'lookupSettings',
		type: 'collection',
		placeholder: 'Add Setting',
		default: {},
		displayOptions: { show: { optionsSource: ['editor'], companyData: ['http', 'table'] } },
		options: [
			{ displayName: 'Cache Time to Live (Hours)', name: 'cacheTtlHours', type: 'number', default: 720, description: 'How long an answer (a company, or "no such company") is kept; 0 keeps nothing' },
			{ displayName: 'Longest Retry Wait (Seconds)', name: 'maxRetryWaitSeconds', type: 'number', default: 15, description: 'A provider asking (Retry-After) for a longer wait is given up on, so the hand-off is not held' },
			{ displayName: 'Max Attempts', name: 'maxAttempts', type: 'number', typeOptions: { minValue: 1, maxValue: 5 }, default: 3, description: 'Calls per domain in all, for timeouts, 429 and 5xx answers' },
			{ displayName: 'Skip Free-Mail Domains', name: 'skipFreeMail', type: 'boolean', default: true, description: 'Whether to skip the lookup for Gmail, Yahoo and other free-mail addresses, which name no company' },
			{ displayName: 'Timeout (Seconds)', name: 'timeoutSeconds', type: 'number', default: 10, description: 'One call gives up after this long' },
		],
	},
	{
		displayName: 'Brief Settings',
		name: 'brief',
		type: 'collection',
		placeholder: 'Add Setting',
		default: {},
		displayOptions: { show: editor },
		options: [
			{
				displayName: 'Attribution Model',
				name: 'attributionModel',
				type: 'options',
				options: ATTRIBUTION_MODELS.map((m) => ({ name: MODEL_LABELS[m].replace(/^./, (c) => c.toUpperCase()), value: m })),
				default: 'uShaped',
				description: 'The model the brief quotes; every model\'s credits are in the output',
			},
			{
				displayName: 'CRM Record URL',
				name: 'crmUrlTemplate',
				type: 'string',
				default: '',
				placeholder: 'https://app.hubspot.com/contacts/123/record/0-1/{{id}}',
				description: 'Link to the lead in your CRM; {{path}} reads the lead\'s field, URL-encoded',
			},
			{
				displayName: 'CRM Note Format',
				name: 'crmNoteFormat',
				type: 'options',
				options: [
					{ name: 'HTML', value: 'html', description: 'For CRMs whose notes are rich text: HubSpot, Pipedrive' },
					{ name: 'Markdown', value: 'markdown' },
					{ name: 'Plain Text', value: 'text', description: 'For plain-text fields such as a Salesforce task description' },
				],
				default: 'markdown',
			},
			{ displayName: 'Gone Dark After (Days)', name: 'goneDarkDays', type: 'number', default: 21, description: 'A lead that engaged and then went silent this long is flagged' },
			{ displayName: 'Latest Signals', name: 'signals', type: 'number', default: 5, description: 'How many recent signals "why now" lists' },
			{ displayName: 'SMS Includes Personal Data', name: 'smsIncludePersonalData', type: 'boolean', default: true, description: 'Whether the SMS may say who the lead is, why and where (name, company, phone, reasons, CRM link); off sends only tier, grade, score and stage, and says to open the CRM' },
			{ displayName: 'SMS Segments', name: 'smsMaxSegments', type: 'number', typeOptions: { minValue: 1, maxValue: 10 }, default: 1, description: 'One segment is 160 GSM-7 or 70 Unicode characters' },
			{ displayName: 'Talking Points', name: 'maxTalkingPoints', type: 'number', default: 3 },
			{ displayName: 'Top Scoring Rules', name: 'topRules', type: 'number', default: 3, description: 'How many of the rules that gave the most points the brief quotes' },
		],
	},
	{
		displayName: 'Templates',
		name: 'templates',
		type: 'collection',
		placeholder: 'Add Template',
		default: {},
		description: 'Your own wording: {{who.name}}, {{score.grade}}, {{#talkingPoints}}- {{.}}{{/talkingPoints}}; values are escaped for the channel',
		displayOptions: { show: editor },
		options: [
			{ displayName: 'CRM Note', name: 'crmNote', type: 'string', typeOptions: { rows: 4 }, default: '' },
			{ displayName: 'Email HTML', name: 'emailHtml', type: 'string', typeOptions: { rows: 4 }, default: '' },
			{ displayName: 'Email Subject', name: 'emailSubject', type: 'string', default: '' },
			{ displayName: 'Email Text', name: 'emailText', type: 'string', typeOptions: { rows: 4 }, default: '' },
			{ displayName: 'Slack', name: 'slack', type: 'string', typeOptions: { rows: 4 }, default: '', description: 'Slack mrkdwn for the message body; the header and CRM button stay' },
			{ displayName: 'SMS', name: 'sms', type: 'string', default: '' },
		],
	},
	{
		displayName: 'Lead Fields',
		name: 'fields',
		type: 'collection',
		placeholder: 'Add Field Path',
		default: {},
		description: 'Where the lead keeps each value, e.g. properties.jobtitle for a HubSpot contact',
		displayOptions: { show: editor },
		options: [...LEAD_FIELDS, ...ACTIVITY_FIELDS].map(([name, label, path]) => ({ displayName: label, name, type: 'string' as const, default: path })),
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{ displayName: 'Enrich As Of', name: 'asOf', type: 'dateTime', default: '', description: 'The time "2 hours ago" is measured from; default now' },
			{ displayName: 'Include Details', name: 'includeDetails', type: 'boolean', default: true, description: 'Whether to output the profile, recency and every attribution model besides the brief and its renderings' },
			{ displayName: 'Output Field', name: 'outputField', type: 'string', default: 'enrichment' },
		],
	},
];

/**
 * The settings and the JSON are the two views of the options: each is kept, with a notice, while
 * the other is chosen (see ruleViews), and reads its mode from the root so that n8n's clean-up
 * after a switch leaves it alone.
 */
const SETTINGS = ['companyData', 'urlTemplate', 'preset', 'mapping', 'lookupTable', 'lookupSettings', 'brief', 'templates', 'fields'];
const inView = (p: INodeProperties) => SETTINGS.includes(p.name) || p.name === 'optionsJson';
export const leadEnrichProperties: INodeProperties[] = properties.flatMap((p) => {
	if (p.name === 'optionsJson') {
		// The JSON, then the settings kept while it is chosen; the JSON kept while the settings are.
		const settingsKept = properties.filter((s) => SETTINGS.includes(s.name)).flatMap((s) => keptTwins(s, 'optionsSource', ['json']));
		return [shownThroughRoot(p, 'optionsSource'), ...settingsKept, ...keptTwins(p, 'optionsSource', ['editor'])];
	}
	return [inView(p) ? shownThroughRoot(p, 'optionsSource') : p];
});
