import assert from 'node:assert/strict';

import { describeValue, LeadDataError } from '../../../nodes/engine/common/errors';

describe('how a wrong value is described in an error', () => {
	it('names the kind of value in plain English', () => {
		assert.equal(describeValue({ when: 'soon' }), 'an object');
		assert.equal(describeValue([1, 2]), 'an array of 2');
		assert.equal(describeValue(undefined), 'nothing');
		assert.equal(describeValue(null), 'null');
		assert.equal(new LeadDataError('activities', 'an array of activities', { a: 1 }).message, 'Field "activities": expected an array of activities, got an object');
	});
});
