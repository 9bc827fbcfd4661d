/** The hand-off line for Slack: lead data never becomes Slack markup, and every owner case reads well. */
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { routingSlackText } from '../../../nodes/engine/routing';

const DUE = 'Mon 16 Mar 2026 10:00 (CET)';

describe('routing Slack text', () => {
	it('names the owner with a mention, the due time with its zone, and the reasons a line each', () => {
		const text = routingSlackText('dana@globex.com', { tier: 'Hot', owner: { name: 'Ana Ruiz', slackId: 'U0ANA' }, dueAtLocal: DUE }, ['Requested a demo (1 hour ago)']);
		assert.equal(text, 'Hot lead `dana@globex.com` for <@U0ANA> (Ana Ruiz), due Mon 16 Mar 2026 10:00 (CET)\nRequested a demo (1 hour ago)');
	});

	it('without an owner says where the lead waits, never "for <@> ()"', () => {
		assert.equal(routingSlackText('a@b.io', { tier: 'Warm', owner: null, queue: 'Unassigned', dueAtLocal: DUE }), 'Warm lead `a@b.io`, waiting in the Unassigned queue (no owner yet), due Mon 16 Mar 2026 10:00 (CET)');
		assert.equal(routingSlackText('a@b.io', { tier: 'Warm', owner: null, queue: null, dueAtLocal: null }), 'Warm lead `a@b.io`, no owner assigned');
		assert.equal(routingSlackText('a@b.io', { tier: 'Warm', owner: { name: 'Ben' }, dueAtLocal: null }), 'Warm lead `a@b.io` for Ben');
		assert.equal(routingSlackText('a@b.io', { tier: 'Warm', owner: { name: '', slackId: '<!here>' } }), 'Warm lead `a@b.io`, no owner assigned', 'a malformed Slack id is no mention');
	});

	it('lead data with Slack markup stays text', () => {
		const text = routingSlackText('<!channel> *bold*@evil.io', { tier: 'Hot', owner: null }, ['Visited <https://x.io|click> & more']);
		assert.equal(text, 'Hot lead `&lt;!channel&gt; *bold*@evil.io`, no owner assigned\nVisited &lt;https://x.io|click&gt; &amp; more');
	});

	it('property: whatever the lead, owner, queue and reasons, the only "<" is the owner\'s mention and the lead stays on its line in a code span', () => {
		fc.assert(
			fc.property(fc.string(), fc.option(fc.string()), fc.option(fc.string()), fc.array(fc.string()), (lead, name, queue, reasons) => {
				const text = routingSlackText(lead, { tier: 'Hot', owner: name === null ? null : { name, slackId: 'U0ANA' }, queue }, reasons);
				const withoutMention = text.replace('<@U0ANA>', '');
				assert.ok(!withoutMention.includes('<') && !withoutMention.includes('>'), text);
				const head = text.split('\n')[0];
				assert.ok(/^Hot lead (`[^`]*`|without a name)/.test(head), head);
				assert.ok(!/&(?!amp;|lt;|gt;)/.test(text), `a bare & in ${text}`);
			}),
		);
	});
});
