/**
 * Regular expressions written by users (a rule's "matches", an activity's URL pattern) run on
 * RE2's linear-time matcher (re2js, pure JavaScript), not on V8's backtracking one: a pattern like
 * `(a+)+$` would otherwise hold the node, and every workflow of its n8n process, for minutes on
 * one unlucky lead. RE2 syntax is JavaScript's minus look-arounds and back-references, which are
 * refused when the rules are read, with the reason.
 */
import { RE2JS } from 're2js';

export interface UserPattern {
	readonly source: string;
	/** Whether the pattern occurs anywhere in the text, ignoring case. */
	test(text: string): boolean;
}

/** Compiles a user's pattern, case-insensitive; throws an Error whose message says what to change. */
export function compileUserPattern(source: string): UserPattern {
	let compiled: RE2JS;
	try {
		compiled = RE2JS.compile(source, RE2JS.CASE_INSENSITIVE);
	} catch (error) {
		throw new Error(
			`not a regular expression that can run here (${(error as Error).message}). Patterns run in linear time, so look-arounds ((?=...), (?<=...)) and back-references (\\1) are not available`,
		);
	}
	return { source, test: (text) => compiled.test(text) };
}
