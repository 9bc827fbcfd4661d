/** Generated people for the no-personal-data-in-messages tests (store and nodes). */
import fc from 'fast-check';

/** A person with distinctive values: no message text can contain them by chance. */
export interface Person {
	email: string;
	firstName: string;
	lastName: string;
	phone: string;
	company: string;
	handoffKey: string;
}

/**
 * Unbiased: fast-check's bias draws a few well-known words ("arguments", "constructor") far more
 * often than chance, so two people of one run, or of two runs on one store, shared a hand-off
 * key and event id, and the second event was a duplicate instead of an error.
 */
const token = fc.noBias(fc.string({ unit: fc.constantFrom(...'abcdefghijkmnpqrstuvwxyz'), minLength: 9, maxLength: 14 }));
const digits = fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 8, maxLength: 10 });
const capital = (word: string) => word[0].toUpperCase() + word.slice(1);

export const person: fc.Arbitrary<Person> = fc.record({ a: token, b: token, c: token, d: digits, e: token, unicode: fc.boolean() }).map(({ a, b, c, d, e, unicode }) => ({
	email: `${a}.${b}@${c}-example.com`,
	firstName: capital(a) + (unicode ? 'ë' : ''),
	lastName: capital(b),
	phone: `+1 555 ${d}`,
	company: `${capital(c)} GmbH`,
	handoffKey: `evt-${e}`,
}));

/** The values of a person that must never be in an error message. */
export function personalValues(p: Person): string[] {
	return [p.email, p.firstName, p.lastName, p.phone, p.company, p.handoffKey, p.email.split('@')[0], p.phone.replace(/\D/g, '').slice(-8)];
}
