/**
 * Generated closed leads with a known truth: conversion follows a logistic model of the
 * lead's attributes and activities, so tests know which rules matter and which do not.
 */
import type { OutcomeRow } from '../../../nodes/engine/lab';
import { seededRandom } from '../../../nodes/engine/lab';
import { DEFAULT_PROTOCOL, type ScoringProtocolInput } from '../../../nodes/engine/scoring';

export const START = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;

export const SOURCES = ['Google', 'Direct', 'Reference', 'Partner', 'Social', 'Email', 'Events', 'Ads'];
export const ROLES = ['Director', 'Manager', 'Engineer', 'Student', 'Founder'];
/** True log-odds effects. Reference and Partner sources convert far better; Ads worse. */
const SOURCE_EFFECT: Record<string, number> = { Reference: 1.6, Partner: 0.9, Ads: -0.8 };
const ROLE_EFFECT: Record<string, number> = { Director: 0.9, Founder: 0.6, Student: -1.2 };

export interface SyntheticOptions {
	seed?: number;
	/** Days the rows span, from START. */
	days?: number;
	/** Source mix: weights per SOURCES entry (default even). */
	sourceWeights?: number[];
	/** Added to every lead's log-odds (moves the base rate). */
	shift?: number;
}

export function syntheticRows(count: number, options: SyntheticOptions = {}): OutcomeRow[] {
	const random = seededRandom(options.seed ?? 7);
	const days = options.days ?? 180;
	const weights = options.sourceWeights ?? SOURCES.map(() => 1);
	const totalWeight = weights.reduce((a, b) => a + b, 0);
	const pickSource = () => {
		let x = random() * totalWeight;
		for (let i = 0; i < SOURCES.length; i++) if ((x -= weights[i]) < 0) return SOURCES[i];
		return SOURCES[SOURCES.length - 1];
	};
	const rows: OutcomeRow[] = [];
	for (let i = 0; i < count; i++) {
		const at = START + Math.floor((i / count) * days * DAY);
		const source = pickSource();
		const role = ROLES[Math.floor(random() * ROLES.length)];
		const minutes = Math.floor(-Math.log(1 - random()) * 12);
		const webinar = random() < 0.2;
		const pricing = random() < 0.3;
		const opens = Math.floor(random() * 6);
		const unsubscribed = random() < 0.05;
		const country = random() < 0.15 ? undefined : ['US', 'DE', 'IN', 'GB'][Math.floor(random() * 4)];
		const activities: Array<Record<string, unknown>> = [];
		if (webinar) activities.push({ type: 'webinar_attended', timestamp: at - 2 * DAY });
		if (pricing) activities.push({ type: 'page_view', url: '/pricing', timestamp: at - DAY });
		for (let k = 0; k < opens; k++) activities.push({ type: 'email_open', timestamp: at - (k + 1) * DAY });
		const logit =
			-1.6 +
			(options.shift ?? 0) +
			(SOURCE_EFFECT[source] ?? 0) +
			(ROLE_EFFECT[role] ?? 0) +
			(webinar ? 1.0 : 0) +
			(pricing ? 0.7 : 0) +
			(minutes > 15 ? 0.8 : 0) +
			(unsubscribed ? -1.0 : 0) +
			(country === undefined ? -0.5 : 0);
		const converted = random() < 1 / (1 + Math.exp(-logit));
		rows.push({
			lead: { source, role, minutesOnSite: minutes, unsubscribed, ...(country ? { country } : {}), activities },
			converted,
			at,
		});
	}
	return rows;
}

/** The standard table with its fields on the generated leads. */
export const SYNTHETIC_TABLE: ScoringProtocolInput = {
	...DEFAULT_PROTOCOL,
	fit: [
		{ label: 'Director+ title', field: 'role', operator: 'oneOf', value: ['Director', 'Founder'], points: 15, why: 'Decision-making authority' },
		{ label: 'Target country', field: 'country', operator: 'oneOf', value: ['US', 'GB'], points: 10, why: 'Where we sell' },
	],
	negative: [
		{ label: 'Unsubscribed', field: 'unsubscribed', operator: 'isTrue', points: -25, why: 'Asked not to be contacted by marketing' },
		{ label: 'Competitor domain', field: 'email', operator: 'emailDomainIn', value: ['rival.example'], points: -50, why: 'Researching our positioning' },
	],
};

export interface ConfoundedOptions {
	seed: number;
	/** Share of leads from the chat source. */
	chatShare: number;
	/** How strongly the chat source goes with a chat conversation as last activity, and email opens with students (0..1). */
	confounding: number;
	/** True log-odds effect of the chat source, with everything else equal (positive). */
	chatEffect: number;
	/** True log-odds effect of each email open, with everything else equal (positive). */
	openEffect: number;
}

/**
 * Leads whose features go together so that a feature's effect alone and its effect with the
 * others counted point opposite ways: chat leads mostly end on a chat conversation (which
 * converts badly) and students (who rarely buy) open the most emails, while the chat source and
 * each open raise the odds for leads alike in everything else.
 */
export function confoundedRows(count: number, options: ConfoundedOptions): OutcomeRow[] {
	const random = seededRandom(options.seed);
	const { confounding } = options;
	const rows: OutcomeRow[] = [];
	for (let i = 0; i < count; i++) {
		const at = START + i * 3_600_000;
		const chat = random() < options.chatShare;
		const source = chat ? 'Chat' : ['Web', 'Referral', 'Events'][Math.floor(random() * 3)];
		const conversation = random() < (chat ? confounding : 0.05);
		const lastActivity = conversation ? 'Chat Conversation' : ['Email Opened', 'SMS Sent', 'Page Visited'][Math.floor(random() * 3)];
		const student = random() < 0.3;
		const role = student ? 'Student' : ['Director', 'Manager', 'Engineer'][Math.floor(random() * 3)];
		const opens = student && random() < confounding ? 2 + Math.floor(random() * 4) : Math.floor(random() * 2);
		const pricing = random() < 0.3;
		const activities: Array<Record<string, unknown>> = [];
		for (let k = 0; k < opens; k++) activities.push({ type: 'email_open', timestamp: at - (k + 1) * DAY });
		if (pricing) activities.push({ type: 'page_view', url: '/pricing', timestamp: at - DAY });
		const logit =
			-0.4 +
			(chat ? options.chatEffect : 0) +
			(conversation ? -2.2 : 0) +
			(lastActivity === 'SMS Sent' ? 0.6 : 0) +
			options.openEffect * opens +
			(student ? -2 : 0) +
			(source === 'Referral' ? 0.8 : 0) +
			(pricing ? 0.9 : 0);
		rows.push({ lead: { source, lastActivity, role, activities }, converted: random() < 1 / (1 + Math.exp(-logit)), at });
	}
	return rows;
}
