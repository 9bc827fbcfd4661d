/**
 * Patterns users write in rules run on a linear-time matcher: a pattern that makes a backtracking
 * matcher take exponential time on one lead still answers, and the patterns people write for
 * lead fields match as JavaScript's regular expressions do.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import fc from 'fast-check';

import { compileUserPattern } from '../../../nodes/engine/common/pattern';
import { compileScorer } from '../../../nodes/engine/scoring';

const ROOT = join(__dirname, '../../..');

describe('user-written patterns', () => {
	// Run in a child process, killed after a generous minute: a backtracking matcher would not
	// return (2^40 steps), and a hang inside this process could not be interrupted.
	it('a catastrophic pattern in a scoring rule and a gate condition still scores and gates a hostile lead', () => {
		const script = `
			const { compileScorer } = require('./nodes/engine/scoring');
			const { compileCondition } = require('./nodes/engine/gate');
			const lead = { email: 'x@y.com', title: 'a'.repeat(40) + '!', activities: [{ type: 'page_view', timestamp: '2026-06-01T00:00:00Z', url: '/' + 'a'.repeat(40) + '!' }] };
			const scorer = compileScorer({ fit: [{ id: 'evil', field: 'title', operator: 'matches', value: '^(a+)+$', points: 10 }, { id: 'fine', field: 'title', operator: 'matches', value: '^a+!$', points: 5 }] });
			const scored = scorer.score(lead, Date.parse('2026-06-02T00:00:00Z'), 'UTC');
			const visited = compileCondition({ activity: ['page_view'], urlMatches: '^/(a|aa)+$' }, '/when')({ lead, score: undefined, activities: lead.activities.map((a) => ({ ...a, at: Date.parse(a.timestamp) })), now: Date.parse('2026-06-02T00:00:00Z') });
			process.stdout.write(JSON.stringify({ total: scored.total, visited: visited.ok }));
		`;
		const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
		assert.equal(run.error, undefined, `the child process did not finish: ${run.error?.message}`);
		assert.equal(run.status, 0, run.stderr);
		assert.deepEqual(JSON.parse(run.stdout), { total: 5, visited: false });
	});

	it('look-arounds and back-references are refused when the rules are read, saying why', () => {
		for (const pattern of ['(a)\\1', '(?=vp)', '(?<!no)director']) {
			assert.throws(() => compileScorer({ fit: [{ id: 'r', field: 'title', operator: 'matches', value: pattern, points: 1 }] }), /\/fit\/0\/value: not a regular expression that can run here .*look-arounds/);
		}
	});

	// The shapes of pattern people write for titles, URLs, domains and phone numbers.
	const PATTERNS = ['pricing|demo', '^vp\\b', '\\.edu$', '(ceo|cto|cfo)', '^\\+1', '[0-9]{3}-[0-9]{4}', 'head of (sales|marketing)', '^/(pricing|plans)(/|$)', '\\bdirector\\b', 'a.c', '^[a-z]+@[a-z]+\\.(com|io)$'];
	it('matches as JavaScript would, ignoring case, for the patterns people write', () => {
		const text = fc.oneof(
			fc.string({ unit: fc.constantFrom(...'aAbcCEOVPvp/.-+1234567890 @dirctoheadfsmkngplmx'.split('')), maxLength: 30 }),
			fc.constantFrom('VP Sales', '/pricing', '/pricing/plans', 'jo@uni.edu', '+1 555', 'Head of Marketing', 'Sales Director', 'abc', 'ann@acme.io', '555-1234'),
		);
		fc.assert(
			fc.property(fc.constantFrom(...PATTERNS), text, (pattern, value) => compileUserPattern(pattern).test(value) === new RegExp(pattern, 'i').test(value)),
			{ numRuns: 3000 },
		);
	});
});
