/** Stored hand-offs as the lab's history: converted at the chosen stage, open ones left out, activities up to the hand-off. */
import assert from 'node:assert/strict';

import { convertedAt, handoffHistoryRow } from '../../../nodes/engine/lab';

describe('closed hand-offs as history', () => {
	it('converted when the stage was reached, not when lost or rejected before it, undecided while open', () => {
		assert.equal(convertedAt({ stage: 'won', reached: { accepted: 1, won: 2 } }, 'won'), true);
		assert.equal(convertedAt({ stage: 'lost', reached: { accepted: 1, meeting: 2, lost: 3 } }, 'won'), false);
		assert.equal(convertedAt({ stage: 'lost', reached: { accepted: 1, meeting: 2, lost: 3 } }, 'meeting'), true);
		assert.equal(convertedAt({ stage: 'rejected', reached: { rejected: 1 } }, 'accepted'), false);
		assert.equal(convertedAt({ stage: 'opportunity', reached: { opportunity: 1 } }, 'won'), undefined);
		assert.equal(convertedAt({ stage: 'handedOff', reached: {} }, 'won'), undefined);
	});

	it('keeps the activities up to the hand-off, the source and campaign of first touch, and the fields given for the lead', () => {
		const row = handoffHistoryRow(
			{ leadKey: 'a@x.com', handedOffAt: 100, stage: 'won', reached: { won: 200 }, source: 'Reference', campaign: 'Spring' },
			true,
			[{ at: 50, data: { type: 'webinar_attended' } }, { at: 100, data: { type: 'page_view' } }, { at: 150, data: { type: 'demo_request' } }],
			'activities',
			{ role: 'Director', source: 'Partner' },
		);
		assert.deepEqual(row, { lead: { role: 'Director', source: 'Partner', campaign: 'Spring', activities: [{ type: 'webinar_attended' }, { type: 'page_view' }] }, converted: true, at: 100 });
	});
});
