/**
 * Where a Company Data API key may go: only to the host its credential names (the host of the
 * credential's Test URL). A provider URL pointing anywhere else, by mistake or by a copied
 * template, must not receive the key. Host is hostname and port; case does not matter.
 */

function hostOf(url: string): string | undefined {
	try {
		const parsed = new URL(url.trim());
		return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.host.toLowerCase() : undefined;
	} catch {
		return undefined;
	}
}

/** Why the key must not be sent to `requestUrl`, or undefined when it may. */
export function keyHostProblem(credentialUrl: unknown, requestUrl: string): string | undefined {
	const allowed = typeof credentialUrl === 'string' ? hostOf(credentialUrl) : undefined;
	if (allowed === undefined) return 'its Test URL names no host, and the key is sent only to the host the Test URL names';
	const target = hostOf(requestUrl);
	if (target === allowed) return undefined;
	return `its key is sent only to ${allowed}, the host of its Test URL, and the provider URL points to ${target ?? 'no host'}`;
}
