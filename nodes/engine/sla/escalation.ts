/**
 * What the SLA Breach Trigger emits for one stage of one timer: the lead, the owner, the manager,
 * how late it is in words, and ready Slack / email / SMS texts (escaped the way Lead Enrich's
 * renderings are: every value from lead data goes through the channel's escaping).
 */
import { SLACK_LIMITS, type SlackBlock, type SlackMessage } from '../enrich/render/slack';
import { fitSms, fitsSms, gsmFriendly } from '../enrich/render/sms';
import { escapeHtml, escapeSlack, oneLine, truncate } from '../enrich/render/text';
import { firedLate, lateness } from './lateness';
import { STAGE_LABELS, type StageName } from './ladder';
import type { CompiledPolicy, StageDue } from './policy';
import type { SlaTimer } from './timer';

export interface Contact {
	id?: string;
	name?: string;
	email?: string;
	slackId?: string;
	phone?: string;
}

export interface LeadSummary {
	name?: string;
	company?: string;
	email?: string;
	phone?: string;
	crmUrl?: string;
}

export interface EscalationContext {
	/** The owner's manager (per team, from the trigger's settings). */
	manager?: Contact;
	/** The channel the last alert goes to, named in messages ("#sales-leads"). */
	channel?: string;
	/** Who the reassignment stage gave the lead to, once it is done. */
	reassignedTo?: Contact;
	/** A stage firing later than this after its due time says how late (default 2 minutes). */
	toleranceMs?: number;
	/** SMS segments the text may use (default 2). */
	smsSegments?: number;
}

export interface EscalationRenderings {
	slack: SlackMessage;
	email: { subject: string; html: string; text: string };
	sms: string;
}

export interface Escalation {
	stage: StageName;
	stageLabel: string;
	handoffKey: string;
	leadKey: string;
	tier: string;
	team?: string;
	ownerId?: string;
	owner?: Contact;
	manager?: Contact;
	channel?: string;
	reassignedTo?: Contact;
	lead: LeadSummary;
	startedAt: number;
	/** The SLA's due time for the current owner. */
	dueAt: number;
	/** When this stage was due, and when it fired. */
	stageDueAt: number;
	firedAt: number;
	overdue: boolean;
	overdueMinutes: number;
	overdueBusinessMinutes: number;
	/** "due 10:00, 1 h 12 min overdue, Ana Ruiz". */
	status: string;
	/** Minutes between the stage's due time and its firing. */
	lateByMinutes: number;
	/** "fired 3 h 5 min late" when the stage fired after a gap in polling. */
	late?: string;
	reassignments: number;
	previousOwners: string[];
	renderings: EscalationRenderings;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

function contactOf(value: unknown, id?: string): Contact | undefined {
	const record = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
	const contact: Contact = {};
	const given = text(record.id) ?? id;
	if (given !== undefined) contact.id = given;
	for (const key of ['name', 'email', 'slackId', 'phone'] as const) {
		const v = text(record[key]);
		if (v !== undefined) contact[key] = v;
	}
	return Object.keys(contact).length ? contact : undefined;
}

function leadOf(details: Record<string, unknown>): LeadSummary {
	const record = typeof details.lead === 'object' && details.lead !== null ? (details.lead as Record<string, unknown>) : {};
	const lead: LeadSummary = {};
	for (const key of ['name', 'company', 'email', 'phone', 'crmUrl'] as const) {
		const v = text(record[key]);
		if (v !== undefined) lead[key] = v;
	}
	return lead;
}

/** The item for one fired stage of one timer. */
export function buildEscalation(policy: CompiledPolicy, timer: SlaTimer, stage: StageDue, firedAt: number, context: EscalationContext = {}): Escalation {
	const owner = contactOf(timer.details.owner, timer.ownerId);
	const ownerName = owner?.name ?? timer.ownerId;
	const standing = lateness(timer.dueAt, firedAt, policy, ownerName);
	const late = firedLate(stage.dueAt, firedAt, context.toleranceMs);
	const escalation: Omit<Escalation, 'renderings'> = {
		stage: stage.stage,
		stageLabel: STAGE_LABELS[stage.stage],
		handoffKey: timer.handoffKey,
		leadKey: timer.leadKey,
		tier: timer.tier,
		...(timer.team === undefined ? {} : { team: timer.team }),
		...(timer.ownerId === undefined ? {} : { ownerId: timer.ownerId }),
		...(owner ? { owner } : {}),
		...(context.manager ? { manager: context.manager } : {}),
		...(context.channel ? { channel: context.channel } : {}),
		...(context.reassignedTo ? { reassignedTo: context.reassignedTo } : {}),
		lead: leadOf(timer.details),
		startedAt: timer.startedAt,
		dueAt: timer.dueAt,
		stageDueAt: stage.dueAt,
		firedAt,
		overdue: standing.overdue,
		overdueMinutes: Math.max(0, standing.clockMinutes),
		overdueBusinessMinutes: Math.max(0, standing.businessMinutes),
		status: standing.text,
		lateByMinutes: Math.max(0, Math.floor((firedAt - stage.dueAt) / 60_000)),
		...(late ? { late } : {}),
		reassignments: timer.reassignments,
		previousOwners: timer.previousOwners,
	};
	return { ...escalation, renderings: renderEscalation(escalation, timer.slaAction, context.smsSegments ?? 2) };
}

/** "Dana Scully · Globex", or whatever names the lead. */
function leadName(e: Omit<Escalation, 'renderings'>): string {
	const parts = [e.lead.name, e.lead.company].filter((p): p is string => !!p);
	return parts.length ? parts.join(' · ') : (e.lead.email ?? e.leadKey);
}

function title(e: Omit<Escalation, 'renderings'>, action: 'contact' | 'acknowledge'): string {
	const awaited = action === 'contact' ? 'a first contact' : 'an acknowledgement';
	switch (e.stage) {
		case 'reminder':
			return `Reminder: ${leadName(e)} is waiting for ${awaited}`;
		case 'manager':
			return `SLA missed: ${leadName(e)}`;
		case 'reassign':
			return e.reassignedTo ? `Reassigned to ${e.reassignedTo.name ?? e.reassignedTo.id}: ${leadName(e)}` : `To reassign: ${leadName(e)}`;
		case 'lastAlert':
			return `Still waiting after reassignment: ${leadName(e)}`;
	}
}

/** Details below the status line, by importance. */
function facts(e: Omit<Escalation, 'renderings'>): Array<[string, string]> {
	const owners = [...e.previousOwners, ...(e.ownerId ? [e.ownerId] : [])];
	return [
		['Tier', e.tier],
		['Owner', e.owner?.name ?? e.ownerId],
		['Manager', e.manager?.name],
		['Team', e.team],
		['Email', e.lead.email],
		['Phone', e.lead.phone],
		['Owners so far', e.reassignments > 0 ? owners.join(' → ') : undefined],
	].filter((f): f is [string, string] => typeof f[1] === 'string' && f[1] !== '');
}

/** A real Slack user id can be mentioned; anything else is shown as text. */
const SLACK_USER = /^[UW][A-Z0-9]{2,}$/;

function renderEscalation(e: Omit<Escalation, 'renderings'>, action: 'contact' | 'acknowledge', smsSegments: number): EscalationRenderings {
	const heading = title(e, action);
	const tierMark = `[${e.tier.toUpperCase()}] `;
	const status = e.late ? `${e.status} (${e.late})` : e.status;

	// Slack: values escaped; only a well-formed user id becomes a mention.
	const s = (v: string) => escapeSlack(oneLine(v));
	const addressee = e.stage === 'manager' ? e.manager : e.stage === 'reminder' ? e.owner : undefined;
	const mention = addressee?.slackId && SLACK_USER.test(addressee.slackId) ? `<@${addressee.slackId}> ` : '';
	const blocks: SlackBlock[] = [
		{ type: 'header', text: { type: 'plain_text', text: truncate(oneLine(`${tierMark}${heading}`), SLACK_LIMITS.header), emoji: true } },
		{ type: 'section', text: { type: 'mrkdwn', text: truncate(`${mention}*${s(status)}*`, SLACK_LIMITS.sectionText) } },
	];
	const fields = facts(e).slice(0, SLACK_LIMITS.fields);
	if (fields.length) blocks.push({ type: 'section', fields: fields.map(([k, v]) => ({ type: 'mrkdwn', text: truncate(`*${k}*\n${s(v)}`, SLACK_LIMITS.fieldText) })) });
	if (e.stage === 'lastAlert' && e.channel) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: truncate(`Sent to ${s(e.channel)}`, SLACK_LIMITS.contextText) }] });
	if (e.lead.crmUrl && e.lead.crmUrl.length <= SLACK_LIMITS.url) {
		blocks.push({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in CRM' }, url: e.lead.crmUrl, style: 'primary' }] });
	}
	const slack: SlackMessage = { text: truncate(s(`${tierMark}${heading} — ${status}`), SLACK_LIMITS.fallbackText), blocks };

	// Email.
	const h = escapeHtml;
	const rows = facts(e);
	const html = [
		'<!DOCTYPE html>',
		'<html><head><meta charset="utf-8"></head>',
		'<body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:14px;line-height:1.5;color:#1f2328;max-width:640px">',
		`<h1 style="font-size:20px;margin:0 0 4px">${h(oneLine(heading))}</h1>`,
		`<p style="margin:0"><strong>${h(oneLine(status))}</strong></p>`,
		...(rows.length ? [`<p style="margin:8px 0 0">${rows.map(([k, v]) => `${h(k)}: ${h(oneLine(v))}`).join('<br>')}</p>`] : []),
		...(e.lead.crmUrl ? [`<p style="margin:16px 0"><a href="${h(e.lead.crmUrl)}" style="background:#1f6feb;color:#ffffff;padding:8px 14px;border-radius:6px;text-decoration:none">Open in CRM</a></p>`] : []),
		'</body></html>',
		'',
	].join('\n');
	const plain = [oneLine(heading), oneLine(status), ...rows.map(([k, v]) => `${k}: ${oneLine(v)}`), ...(e.lead.crmUrl ? ['', `Open in CRM: ${e.lead.crmUrl}`] : []), ''].join('\n');
	const email = { subject: truncate(oneLine(`${tierMark}${heading} — ${e.status}`), 200), html, text: plain };

	// SMS: the heading and the status always (cut to fit), the CRM link when it still fits.
	let sms = fitSms(gsmFriendly(oneLine(`${tierMark}${heading}. ${status}.`)), smsSegments);
	if (e.lead.crmUrl) {
		const withLink = `${sms} ${gsmFriendly(oneLine(e.lead.crmUrl))}`;
		if (fitsSms(withLink, smsSegments)) sms = withLink;
	}
	return { slack, email, sms };
}
