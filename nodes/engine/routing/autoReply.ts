/**
 * The instant answer to a prospect who asked for a demo or to talk to sales: who will be in
 * touch and by when, in the prospect's words (what they asked for, a person's name, a date),
 * never the team's (tier, SLA, score). The promised time is the SLA's due time. Every value
 * from the lead or the roster is one line in the subject and text, and escaped in the HTML.
 */
import { DateTime } from 'luxon';

import { activitiesAsOf } from '../common/asOf';
import type { Activity } from '../common/types';
import { escapeHtml, oneLine } from '../enrich/render/text';

/** The requests that get an answer, and how the prospect would put them. */
export const AUTO_REPLY_REQUESTS: Readonly<Record<string, { asked: string; subject: string }>> = {
	demo_request: { asked: 'asking for a demo', subject: 'Your demo request' },
	contact_sales: { asked: 'getting in touch with our sales team', subject: 'Your message to our sales team' },
};

export interface AutoReplyInput {
	activities: readonly Activity[];
	/** The run's time: a request after it does not count (within the clock skew of a live run, it does). */
	now: number;
	live?: boolean;
	/** The SLA's due time, epoch ms; without one nothing is promised, so there is no reply. */
	dueAt: number | undefined;
	/** The zone the promised time is shown in (the routing calendar's). */
	zone: string;
	/** The prospect's address: the reply goes only to one plain address, never to a list a form was given. */
	email: unknown;
	firstName?: unknown;
	owner?: { name?: unknown; email?: unknown } | null;
}

export interface AutoReply {
	/** The activity type answered: demo_request or contact_sales. */
	request: string;
	/** The prospect's address, checked to be one address. */
	to: string;
	/** ISO time promised: the SLA due time. */
	promisedBy: string;
	/** "Monday 16 March 2026 at 10:00 (Europe/Berlin)". */
	promisedByLocal: string;
	/** The rep's email address for Reply-To, when the roster has one. */
	replyTo: string | null;
	subject: string;
	text: string;
	html: string;
}

/** One address, nothing a mail header would read as a second recipient, a name or a comment. */
const SINGLE_ADDRESS = /^[^\s@<>()[\]",;:\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

const text = (value: unknown): string | undefined => (typeof value === 'string' && oneLine(value) ? oneLine(value) : undefined);

/** The most recent demo or contact-sales request as of `now`, or undefined. */
export function autoReplyRequest(activities: readonly Activity[], now: number, live = false): Activity | undefined {
	let latest: Activity | undefined;
	for (const a of activitiesAsOf(activities, now, live).counted) {
		if (!Object.hasOwn(AUTO_REPLY_REQUESTS, a.type)) continue;
		if (!latest || a.at >= latest.at) latest = a;
	}
	return latest;
}

/**
 * The reply for a lead that asked for a demo or for sales, has a due time and one plain email
 * address; undefined otherwise.
 */
export function renderAutoReply(input: AutoReplyInput): AutoReply | undefined {
	const request = autoReplyRequest(input.activities, input.now, input.live);
	const to = typeof input.email === 'string' ? input.email.trim() : '';
	if (!request || input.dueAt === undefined || !Number.isFinite(input.dueAt) || to.length > 254 || !SINGLE_ADDRESS.test(to)) return undefined;
	const words = AUTO_REPLY_REQUESTS[request.type];
	const due = DateTime.fromMillis(input.dueAt, { zone: input.zone });
	const promisedByLocal = `${due.toFormat('cccc d LLLL yyyy')} at ${due.toFormat('HH:mm')} (${input.zone})`;
	const firstName = text(input.firstName);
	const ownerName = text(input.owner?.name);
	const ownerEmail = text(input.owner?.email);
	const replyTo = ownerEmail && SINGLE_ADDRESS.test(ownerEmail) ? ownerEmail : null;
	const who = ownerName ? `${ownerName} from our sales team` : 'Someone from our sales team';

	const greeting = `Hi ${firstName ?? 'there'},`;
	const thanks = `Thank you for ${words.asked}.`;
	const promise = `${who} will be in touch with you by ${promisedByLocal}.`;
	const reply = replyTo ? 'If anything comes up before then, just reply to this email.' : 'If anything comes up before then, just reply to this email and we will pass it on.';
	const h = escapeHtml;
	return {
		request: request.type,
		to,
		promisedBy: new Date(input.dueAt).toISOString(),
		promisedByLocal,
		replyTo,
		subject: `${words.subject}: we will be in touch by ${due.toFormat('ccc d LLL, HH:mm')}`,
		text: [greeting, '', `${thanks} ${promise}`, '', reply, ''].join('\n'),
		html: [
			`<p>${h(greeting)}</p>`,
			`<p>${h(thanks)} ${ownerName ? `<strong>${h(ownerName)}</strong> from our sales team` : 'Someone from our sales team'} will be in touch with you by <strong>${h(promisedByLocal)}</strong>.</p>`,
			`<p>${h(reply)}</p>`,
			'',
		].join('\n'),
	};
}
