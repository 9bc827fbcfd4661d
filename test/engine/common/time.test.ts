/**
 * parseTimestamp reads a date as written or refuses it: a day the month does not have
 * ("2026-02-30", "2026-04-31") is an error naming the field, never rolled over into the next
 * month, whether the time carries its offset or is read in the workflow's zone.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DateTime } from 'luxon';

import { LeadDataError } from '../../../nodes/engine/common/errors';
import { parseTimestamp } from '../../../nodes/engine/common/time';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

describe('parseTimestamp', () => {
	it('refuses a day past the end of its month, with or without an offset', () => {
		for (const text of ['2026-02-30T00:00:00Z', '2026-02-29T10:00:00+01:00', '2026-04-31T09:00Z', '2026-02-30 09:00', '2026-02-30']) {
			assert.throws(() => parseTimestamp(text, 'occurredAt', 'Europe/Berlin'), (e: unknown) => e instanceof LeadDataError && e.field === 'occurredAt', text);
		}
		assert.equal(parseTimestamp('2024-02-29T00:00:00Z', 'at'), Date.UTC(2024, 1, 29));
		assert.equal(parseTimestamp('2026-03-31T23:59:59.999-05:00', 'at'), Date.UTC(2026, 3, 1, 4, 59, 59, 999));
	});

	it('any written date: read as that calendar day in the written offset, or refused when the month has no such day (fast-check)', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 1971, max: 9998 }),
				fc.integer({ min: 1, max: 12 }),
				fc.integer({ min: 1, max: 31 }),
				fc.integer({ min: 0, max: 23 }),
				fc.integer({ min: -14, max: 14 }),
				fc.boolean(),
				(year, month, day, hour, offsetHours, withOffset) => {
					const offset = offsetHours === 0 && withOffset ? 'Z' : `${offsetHours < 0 ? '-' : '+'}${pad(Math.abs(offsetHours))}:00`;
					const text = `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:30:00${withOffset ? offset : ''}`;
					const zone = withOffset ? 'UTC' : `UTC${offsetHours < 0 ? '-' : '+'}${Math.abs(offsetHours)}`;
					const exists = day <= DateTime.utc(year, month, 1).daysInMonth!;
					let ms: number | undefined;
					try {
						ms = parseTimestamp(text, 'at', zone);
					} catch (error) {
						assert.ok(error instanceof LeadDataError, String(error));
						assert.equal(error.field, 'at');
						assert.equal(exists, false, `refused a real date: ${text}`);
						return;
					}
					assert.ok(exists, `${text} read as ${new Date(ms).toISOString()}`);
					const read = DateTime.fromMillis(ms, { zone: `UTC${offsetHours < 0 ? '-' : '+'}${Math.abs(offsetHours)}` });
					assert.deepEqual([read.year, read.month, read.day, read.hour, read.minute], [year, month, day, hour, 30], text);
				},
			),
			{ numRuns: 2000, seed: 20 },
		);
	});
});
