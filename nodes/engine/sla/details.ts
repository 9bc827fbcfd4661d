/**
 * What a timer keeps for its messages (`details`, read by escalation.ts): the lead, the owner
 * and the manager. Found on the lead as Lead Score, Lead Enrich and the CRM webhooks leave it.
 */
import { getPath } from '../common/paths';
import type { Contact, LeadSummary } from './escalation';

const text = (value: unknown): string | undefined => {
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
};

/** Where the lead's name, company, email, phone and CRM link are; Lead Enrich's brief fills the gaps. */
export interface LeadSummaryFields {
	name: string;
	firstName: string;
	lastName: string;
	company: string;
	email: string;
	phone: string;
	crmUrl: string;
	/** Lead Enrich's output, when it ran before: its brief's `who` and `crmUrl`. */
	enrichment: string;
}

export const DEFAULT_SUMMARY_FIELDS: LeadSummaryFields = {
	name: 'name',
	firstName: 'firstName',
	lastName: 'lastName',
	company: 'company',
	email: 'email',
	phone: 'phone',
	crmUrl: 'crmUrl',
	enrichment: 'enrichment',
};

/** The lead as messages name it: "Dana Scully", "Globex", its email, phone and CRM link. */
export function leadSummaryOf(lead: unknown, fields: LeadSummaryFields = DEFAULT_SUMMARY_FIELDS): LeadSummary {
	const at = (path: string) => text(getPath(lead, path));
	const brief = getPath(lead, `${fields.enrichment}.brief`);
	const who = (key: string) => text(getPath(brief, `who.${key}`));
	const fullName = [at(fields.firstName), at(fields.lastName)].filter(Boolean).join(' ');
	const summary: LeadSummary = {};
	const set = (key: keyof LeadSummary, value: string | undefined) => {
		if (value !== undefined && value !== '') summary[key] = value;
	};
	set('name', at(fields.name) ?? (fullName || who('name')));
	set('company', at(fields.company) ?? who('company'));
	set('email', at(fields.email) ?? who('email'));
	set('phone', at(fields.phone) ?? who('phone'));
	set('crmUrl', at(fields.crmUrl) ?? text(getPath(brief, 'crmUrl')));
	return summary;
}

/** A contact with only its given, non-blank fields; undefined when nothing is given. */
export function contactOf(value: Partial<Record<keyof Contact, unknown>> | undefined): Contact | undefined {
	if (!value) return undefined;
	const contact: Contact = {};
	for (const key of ['id', 'name', 'email', 'slackId', 'phone'] as const) {
		const v = text(value[key]);
		if (v !== undefined) contact[key] = v;
	}
	return Object.keys(contact).length ? contact : undefined;
}

/** A timer's details: `{ lead, owner?, manager? }`, as escalation.ts reads them. */
export function timerDetails(lead: LeadSummary, owner?: Contact, manager?: Contact): Record<string, unknown> {
	return { lead, ...(owner ? { owner } : {}), ...(manager ? { manager } : {}) };
}
