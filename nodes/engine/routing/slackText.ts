/**
 * The hand-off told on Slack, as one mrkdwn line plus the reasons: every value from the lead or
 * the roster escaped (a lead's email with `<!channel>` or `*bold*` stays text, in a code span), only a well-formed
 * Slack user id becomes a mention, and a lead without an owner says where it waits.
 */
import { escapeSlack, oneLine } from '../enrich/render/text';

export interface RoutingForSlack {
	tier: string;
	/** "Mon 16 Mar 2026 10:00 (CET)": the due time in the calendar's zone, with the zone. */
	dueAtLocal?: string | null;
	owner?: { name?: string; slackId?: string } | null;
	queue?: string | null;
}

/** A Slack user (U…) or Enterprise Grid user (W…) id: the only thing that may become a mention. */
const SLACK_USER = /^[UW][A-Z0-9]{2,}$/;

/**
 * "Hot lead `dana@globex.com` for <@U0ANA> (Ana Ruiz), due Mon 16 Mar 2026 10:00 (CET)" and the
 * hand-off reasons below it, one a line.
 */
export function routingSlackText(lead: string, routing: RoutingForSlack, reasons: readonly string[] = []): string {
	const s = (value: string) => escapeSlack(oneLine(value));
	const owner = routing.owner ?? undefined;
	const name = typeof owner?.name === 'string' && owner.name.trim() ? s(owner.name) : undefined;
	const mention = typeof owner?.slackId === 'string' && SLACK_USER.test(owner.slackId) ? `<@${owner.slackId}>` : undefined;
	let who: string;
	if (mention) who = ` for ${mention}${name ? ` (${name})` : ''}`;
	else if (name) who = ` for ${name}`;
	else if (routing.queue) who = `, waiting in the ${s(routing.queue)} queue (no owner yet)`;
	else who = ', no owner assigned';
	const due = routing.dueAtLocal ? `, due ${s(routing.dueAtLocal)}` : '';
	// In a code span Slack applies no formatting, so `*bold*` in an address stays as typed.
	const shown = s(lead).replace(/`/g, "'");
	const head = `${s(routing.tier)} lead ${shown ? `\`${shown}\`` : 'without a name'}${who}${due}`;
	return [head, ...reasons.filter((r) => typeof r === 'string' && r.trim()).map(s)].join('\n');
}
