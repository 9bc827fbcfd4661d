import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { compileEnrichment, keyHostProblem, type FirmographicsOutcome } from '../engine/enrich';
import { asOfReader } from '../shared/asOf';
import { clock } from '../shared/clock';
import { processItems } from '../shared/items';
import { parameterReader } from '../shared/ruleViews';
import { openStoreFor, storeCredentialTest } from '../shared/store';
import { createCompanyLookup, type CompanyLookup, type ProviderResponse } from './companyData';
import { leadEnrichProperties } from './description';
import { readEnrichOptions } from './editorOptions';

const COMPANY_DATA_CREDENTIAL = 'leadEnrichCompanyDataApi';

export class LeadEnrich implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Lead Enrich',
		name: 'leadEnrich',
		icon: { light: 'file:leadEnrich.svg', dark: 'file:leadEnrich.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ "Build sales brief" + ($parameter["optionsSource"] === "json" ? " (JSON)" : "") }}',
		description: 'Turns a lead\'s history into a sales brief: profile, recency, firmographics, attribution; rendered for Slack, email, SMS and the CRM',
		defaults: { name: 'Lead Enrich' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [
			{ name: 'leadEnrichCompanyDataApi', required: true, displayOptions: { show: { authentication: ['companyDataApi'] } } },
			// The cache; not needed for a lookup table or when caching within the execution only.
			{ name: 'leadHandoffStoreApi', required: true, testedBy: 'leadHandoffStoreConnectionTest', displayOptions: { show: { cache: ['store'] } } },
		],
		properties: leadEnrichProperties,
	};

	methods = { credentialTest: storeCredentialTest };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const zone = this.getTimezone();
		return processItems(
			this,
			1,
			async () => {
				const options = this.getNodeParameter('options', 0, {}) as { outputField?: string; includeDetails?: boolean };
				const enrichment = compileEnrichment(readOptions(this));
				return {
					enrichment,
					companies: enrichment.provider ? await companyLookup(this, enrichment) : undefined,
					outputField: options.outputField || 'enrichment',
					includeDetails: options.includeDetails !== false,
					asOfFor: asOfReader(this, zone, 'Enrich As Of'),
				};
			},
			async (item, i, { enrichment, companies, outputField, includeDetails, asOfFor }) => {
				const { at: now, live } = asOfFor(i);
				const lead = item.json;
				const activities = enrichment.readActivities(lead, zone);
				const score = enrichment.readScore(lead);
				const handoffReasons = enrichment.readHandoffReasons(lead);
				const target = enrichment.firmographicsTarget(lead);
				let firmographics: FirmographicsOutcome | undefined;
				// The table answers first; the provider is asked only for the companies it lacks.
				if (companies && 'domain' in target && !enrichment.fromTable(target.domain)) firmographics = await companies(target.domain);
				const result = enrichment.enrich(lead, activities, score, { now, live, timezone: zone, handoffReasons, ...(firmographics ? { firmographics } : {}) });
				const { brief, renderings, profile, recency, attribution } = result;
				const out = includeDetails ? { brief, renderings, firmographics: result.firmographics, profile, recency, attribution } : { brief, renderings, firmographics: result.firmographics };
				return { output: 0, json: { ...lead, [outputField]: out as unknown as IDataObject } };
			},
		);
	}
}

function readOptions(ctx: IExecuteFunctions): unknown {
	return readEnrichOptions(parameterReader(ctx, leadEnrichProperties));
}

/** The provider with its cache; the HTTP goes through n8n's helpers, so n8n's proxy settings apply. */
async function companyLookup(ctx: IExecuteFunctions, enrichment: ReturnType<typeof compileEnrichment>): Promise<CompanyLookup> {
	const provider = enrichment.provider!;
	const authenticated = ctx.getNodeParameter('authentication', 0, 'none') === 'companyDataApi';
	const cacheInStore = ctx.getNodeParameter('cache', 0, 'execution') === 'store' && provider.cacheTtlMs > 0;
	const store = cacheInStore ? await openStoreFor(ctx) : undefined;
	// Read once, before any request: a missing credential is a configuration error, not a network error to retry.
	let credentialProblem: string | undefined;
	if (authenticated) {
		try {
			const credential = await ctx.getCredentials(COMPANY_DATA_CREDENTIAL);
			credentialProblem = keyHostProblem(credential.testUrl, enrichment.providerUrl('example.com')!);
		} catch (error) {
			credentialProblem = (error as Error)?.message || String(error);
		}
	}
	const fetch = async (url: string, timeout: number): Promise<ProviderResponse> => {
		// Text, not JSON: a body that is not JSON must become a stated failure, not a thrown error.
		const request: IHttpRequestOptions = { method: 'GET', url, headers: { Accept: 'application/json' }, encoding: 'text', json: false, timeout, returnFullResponse: true, ignoreHttpStatusErrors: true };
		return (authenticated ? await ctx.helpers.httpRequestWithAuthentication.call(ctx, COMPANY_DATA_CREDENTIAL, request) : await ctx.helpers.httpRequest(request)) as ProviderResponse;
	};
	return createCompanyLookup({
		provider,
		fetch,
		url: (domain) => enrichment.providerUrl(domain)!,
		store,
		sleep: (ms) => clock.sleep(ms),
		now: () => clock.now(),
		warn: (message) => ctx.logger.warn(message),
		...(credentialProblem !== undefined ? { credentialProblem } : {}),
	});
}
