import assert from 'node:assert/strict';

import { describeKind, describeValue, LeadDataError } from '../../../nodes/engine/common/errors';

describe('how a wrong value is described in an error', () => {
	it('names the kind of value in plain English', () => {
		assert.equal(describeValue({ when: 'soon' }), 'an object');
		assert.equal(describeValue([1, 2]), 'an array of 2');
		assert.equal(describeValue(undefined), 'nothing');
		assert.equal(describeValue(null), 'null');
		assert.equal(new LeadDataError('activities', 'an array of activities', { a: 1 }).message, 'Field "activities": expected an array of activities, got an object');
	});

	it('the message carries no text or digits of the lead (n8n logs it); the value is kept apart for the user', () => {
		const error = new LeadDataError('activities[0].timestamp', 'an ISO 8601 date-time', 'dana.scully@globex.com');
		assert.equal(error.message, 'Field "activities[0].timestamp": expected an ISO 8601 date-time, got a text of 22 characters');
		assert.equal(error.shown, '"dana.scully@globex.com"');
		assert.equal(new LeadDataError('phone', 'a text', 15550199).message, 'Field "phone": expected a text, got a number');
		assert.deepEqual(['', 'x', Number.NaN, Number.POSITIVE_INFINITY, true].map(describeKind), ['an empty text', 'a text of 1 character', 'NaN', 'Infinity', 'true']);
	});
});
