/**
 * The 20 rules as a marketer's developer writes them in a Code node: a title regex, a short
 * free-mail list, decay per activity, caps over the last 30 days: what the benchmarks compare Lead
 * Score with. Source text for a Code node; `new Function` runs it in the benchmark's process.
 */
export const SCORE_FUNCTION = `
const DAY = 86400000;
const SENIOR = /\\b(vp|vice president|director|chief|ceo|cto|cfo|cmo|coo|founder|president)\\b/i;
const NOT_BUYER = /\\b(student|intern|job seeker|looking for)/i;
const FREE_MAIL = ['gmail.com', 'yahoo.com', 'hotmail.com', 'outlook.com', 'aol.com', 'icloud.com'];
const INDUSTRIES = ['software', 'saas', 'technology', 'financial services'];
function scoreLead(lead, now) {
	const title = String(lead.jobTitle || '');
	let fit = 0, engagement = 0, negative = 0;
	const seniority = SENIOR.test(title) ? 15 : 0;
	fit += seniority;
	if (INDUSTRIES.includes(String(lead.industry || '').toLowerCase())) fit += 10;
	const size = Number(lead.companySize);
	if (size >= 50 && size <= 500) fit += 10;
	if (['US', 'GB', 'DE'].includes(lead.country)) fit += 5;
	if (size > 1000) fit += 5;
	if (lead.phone) fit += 3;
	let blog = 0, opens = 0, clicks = 0;
	for (const a of lead.activities || []) {
		const ageDays = (now - new Date(a.timestamp).getTime()) / DAY;
		const weight = Math.pow(0.5, ageDays / 30); // 30-day half-life
		const url = String(a.url || '').toLowerCase();
		if (a.type === 'page_view' && url.includes('/pricing')) engagement += 20 * weight;
		if (a.type === 'content_download' && /case.?stud|customer story/i.test(a.asset || '')) engagement += 15 * weight;
		if (a.type === 'webinar_attended') engagement += 15 * weight;
		if (a.type === 'page_view' && url.includes('/blog/') && ageDays <= 30 && blog < 15) { blog += 3; engagement += 3 * weight; }
		if (a.type === 'email_open' && ageDays <= 30 && opens < 5) { opens += 1; engagement += weight; }
		if (a.type === 'page_view' && url.includes('/docs')) engagement += 5 * weight;
		if (a.type === 'email_click' && ageDays <= 30 && clicks < 9) { clicks += 3; engagement += 3 * weight; }
		if (a.type === 'form_submit') engagement += 10 * weight;
		if (a.type === 'demo_request') engagement += 40 * weight;
	}
	if (lead.unsubscribed === true) negative -= 25;
	if (NOT_BUYER.test(title)) negative -= 20;
	const domain = String(lead.email || '').split('@')[1];
	if (FREE_MAIL.includes(String(domain).toLowerCase())) negative -= 10;
	if (lead.emailBounced === true) negative -= 15;
	engagement = Math.round(engagement * 100) / 100;
	const total = Math.min(100, Math.round((fit + engagement + negative) * 100) / 100);
	return { total, fit, engagement, negative, seniority };
}
`;
