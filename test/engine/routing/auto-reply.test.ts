/** The prospect's instant answer: who will be in touch and by when, escaped, only for demo and sales requests. */
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { renderAutoReply, type AutoReplyInput } from '../../../nodes/engine/routing';

const NOW = Date.parse('2026-03-16T08:20:00Z');
const DUE = Date.parse('2026-03-16T09:20:00Z');
const base: AutoReplyInput = {
	activities: [
		{ type: 'page_view', at: NOW - 60_000 },
		{ type: 'demo_request', at: NOW - 30_000 },
	],
	now: NOW,
	dueAt: DUE,
	zone: 'Europe/Berlin',
	email: 'dana@globex.com',
	firstName: 'Dana',
	owner: { name: 'Ana Ruiz', email: 'ana@your-company.example' },
};

describe('auto-reply to the prospect', () => {
	it('says who will be in touch and by the SLA due time, in the calendar zone, and what they asked for', () => {
		const reply = renderAutoReply(base)!;
		assert.equal(reply.request, 'demo_request');
		assert.equal(reply.to, 'dana@globex.com');
		assert.equal(reply.promisedBy, '2026-03-16T09:20:00.000Z');
		assert.equal(reply.promisedByLocal, 'Monday 16 March 2026 at 10:20 (Europe/Berlin)');
		assert.equal(reply.replyTo, 'ana@your-company.example');
		assert.equal(reply.subject, 'Your demo request: we will be in touch by Mon 16 Mar, 10:20');
		assert.equal(
			reply.text,
			'Hi Dana,\n\nThank you for asking for a demo. Ana Ruiz from our sales team will be in touch with you by Monday 16 March 2026 at 10:20 (Europe/Berlin).\n\nIf anything comes up before then, just reply to this email.\n',
		);
		assert.match(reply.html, /<strong>Ana Ruiz<\/strong> from our sales team will be in touch with you by <strong>Monday 16 March 2026 at 10:20 \(Europe\/Berlin\)<\/strong>/);
		assert.doesNotMatch(`${reply.subject} ${reply.text}`, /\b(SLA|tier|hot|score|lead)\b/i, "the prospect's words, not the team's");
	});

	it('answers a contact-sales request in its own words, and without an owner promises the team', () => {
		const reply = renderAutoReply({ ...base, activities: [{ type: 'contact_sales', at: NOW }], owner: null, firstName: undefined })!;
		assert.equal(reply.request, 'contact_sales');
		assert.match(reply.text, /^Hi there,\n\nThank you for getting in touch with our sales team\. Someone from our sales team will be in touch/);
		assert.equal(reply.replyTo, null);
	});

	it('nothing for a lead that asked for neither, for a request after the run time, without a due time, or without one plain address', () => {
		assert.equal(renderAutoReply({ ...base, activities: [{ type: 'content_download', at: NOW }] }), undefined);
		assert.equal(renderAutoReply({ ...base, activities: [{ type: 'demo_request', at: NOW + 3_600_000 }] }), undefined);
		assert.equal(renderAutoReply({ ...base, dueAt: undefined }), undefined);
		for (const email of ['a@b.io, c@d.io', 'Dana <dana@globex.com>', 'a@b.io\nBcc: c@d.io', 'dana', '', undefined, 'a@b', 'a@-b.io']) {
			assert.equal(renderAutoReply({ ...base, email }), undefined, `no reply to ${JSON.stringify(email)}`);
		}
		assert.equal(renderAutoReply({ ...base, activities: [{ type: 'demo_request', at: NOW + 60_000 }], live: true })?.request, 'demo_request', 'within the clock skew of a live run');
	});

	it('property: lead and roster data are one line in subject and text, and never markup in the HTML', () => {
		fc.assert(
			fc.property(fc.string(), fc.string(), fc.string(), (firstName, name, email) => {
				const reply = renderAutoReply({ ...base, firstName, owner: { name, email } })!;
				assert.ok(!reply.subject.includes('\n'));
				assert.equal(reply.text.split('\n').length, 6, reply.text);
				const tags = [...reply.html.matchAll(/<\/?([a-zA-Z]+)/g)].map((m) => m[1]);
				assert.ok(tags.every((t) => t === 'p' || t === 'strong'), reply.html);
				assert.ok(!/&(?!amp;|lt;|gt;|quot;|#39;)/.test(reply.html), reply.html);
				assert.ok(reply.replyTo === null || !/[\s<>",;]/.test(reply.replyTo));
			}),
		);
	});
});
