import freeMailDomains from 'email-providers/all.json';

/** Free-mail providers (gmail.com, qq.com, ...) from a maintained list, not a hand-typed one. */
const FREE_MAIL = new Set<string>(freeMailDomains as string[]);

/** The domain of an email address, lower-cased; undefined when the value is not an address. */
export function emailDomain(email: unknown): string | undefined {
	if (typeof email !== 'string') return undefined;
	const at = email.lastIndexOf('@');
	if (at < 1 || at === email.length - 1) return undefined;
	return email.slice(at + 1).trim().toLowerCase().replace(/\.$/, '');
}

export function isFreeMailDomain(domain: string | undefined): boolean {
	return domain !== undefined && FREE_MAIL.has(domain);
}

/** Whether `domain` is one of `domains` or a subdomain of one (mail.acme.com is acme.com). */
export function domainInList(domain: string | undefined, domains: readonly string[]): boolean {
	if (!domain) return false;
	return domains.some((d) => {
		const wanted = d.trim().toLowerCase().replace(/^@/, '');
		return wanted !== '' && (domain === wanted || domain.endsWith(`.${wanted}`));
	});
}
