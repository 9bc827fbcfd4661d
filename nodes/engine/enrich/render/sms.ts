/**
 * SMS. One segment holds 160 GSM-7 characters (those in the extension table count twice) or,
 * as soon as one character is outside GSM-7 (an emoji, Cyrillic, Chinese), 70 UTF-16 units.
 * Longer messages split into segments of 153 or 67.
 */
import { withoutPersonalData, type SalesBrief } from '../brief';
import type { Template } from '../template';
import { freshSignals, noEscape, oneLine } from './text';

// GSM 03.38 basic character set (escape 0x1B left out) and its extension table.
const GSM_BASIC = new Set(
	'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXTENDED = new Set('\f^{}\\[~]|€');

export interface SmsInfo {
	encoding: 'GSM-7' | 'UCS-2';
	/** Septets for GSM-7, UTF-16 units for UCS-2. */
	units: number;
	segments: number;
}

export function smsInfo(text: string): SmsInfo {
	let septets = 0;
	for (const ch of text) {
		if (GSM_BASIC.has(ch)) septets += 1;
		else if (GSM_EXTENDED.has(ch)) septets += 2;
		else return { encoding: 'UCS-2', units: text.length, segments: text.length <= 70 ? 1 : Math.ceil(text.length / 67) };
	}
	return { encoding: 'GSM-7', units: septets, segments: septets <= 160 ? 1 : Math.ceil(septets / 153) };
}

export function fitsSms(text: string, maxSegments: number): boolean {
	return smsInfo(text).segments <= maxSegments;
}

/** The longest start of `text` that fits, ending in "..." (GSM-7, so the ellipsis costs no encoding switch). */
export function fitSms(text: string, maxSegments: number): string {
	if (fitsSms(text, maxSegments)) return text;
	const chars = [...text];
	let lo = 0;
	let hi = chars.length;
	while (lo < hi) {
		const mid = Math.ceil((lo + hi) / 2);
		if (fitsSms(`${chars.slice(0, mid).join('').trimEnd()}...`, maxSegments)) lo = mid;
		else hi = mid - 1;
	}
	return `${chars.slice(0, lo).join('').trimEnd()}...`;
}

// Typographic characters outside GSM-7 that would switch a whole SMS to UCS-2 (70 characters).
const GSM_FRIENDLY: Record<string, string> = { '“': '"', '”': '"', '„': '"', '‘': "'", '’': "'", '…': '...', '–': '-', '—': '-', '≥': '>=', '≤': '<=', '×': 'x', '·': '-', '\u00a0': ' ' };

/** Plain punctuation for typographic punctuation, so only a real non-GSM character (a name in Cyrillic, an emoji) costs the UCS-2 limit. */
export function gsmFriendly(text: string): string {
	return text.replace(/[“”„‘’…–—≥≤×·\u00a0]/g, (ch) => GSM_FRIENDLY[ch]);
}

export interface SmsOptions {
	maxSegments: number;
	/** Off: the SMS says that a lead of this tier and score is waiting, and nothing about who. */
	includePersonalData: boolean;
}

/**
 * Default content, by importance: tier, company, score and the reason always (the reason cut to
 * fit); then name, phone, the latest signal and the CRM link, each only if it still fits.
 * Without personal data: tier, grade, score and stage, and a pointer to the CRM; a template then
 * renders from a brief that holds nothing more.
 */
export function renderSms(fullBrief: SalesBrief, options: SmsOptions, template?: Template): string {
	const brief = options.includePersonalData ? fullBrief : withoutPersonalData(fullBrief);
	if (template) return fitSms(gsmFriendly(oneLine(template.render(brief, noEscape))), options.maxSegments);
	if (!options.includePersonalData) return fitSms(gsmFriendly(oneLine(leadWaiting(brief))), options.maxSegments);
	const reason = brief.whyNow.reasons[0] ?? brief.stage.reason;
	const company = brief.who.company ?? (options.includePersonalData ? brief.who.name : undefined) ?? 'a lead';
	const head = [brief.tier ? `${brief.tier.toUpperCase()} lead` : 'Lead', `: ${company}`, brief.score ? `, ${brief.score.grade} ${brief.score.total} pts` : ''].join('');
	let text = fitSms(gsmFriendly(oneLine(`${head}. ${reason}`)), options.maxSegments);
	const latest = freshSignals(brief).find((s) => !reason.toLowerCase().includes(s.label.toLowerCase()));
	const extras = [
		options.includePersonalData && brief.who.name ? `Contact: ${brief.who.name}` : undefined,
		options.includePersonalData && brief.who.phone ? `Tel ${brief.who.phone}` : undefined,
		latest ? `Latest: ${latest.label}, ${latest.ago}` : undefined,
		brief.crmUrl,
	];
	for (const extra of extras) {
		if (!extra) continue;
		const candidate = `${text.replace(/\.?$/, '.')} ${gsmFriendly(oneLine(extra))}`;
		if (fitsSms(candidate, options.maxSegments)) text = candidate;
	}
	return text;
}

/** "HOT lead waiting: A1, 86 pts, ready to talk. Open your CRM for the details." */
function leadWaiting(brief: SalesBrief): string {
	const lead = brief.tier ? `${brief.tier.toUpperCase()} lead waiting` : 'Lead waiting';
	const score = brief.score ? `: ${brief.score.grade}, ${brief.score.total} pts,` : ',';
	return `${lead}${score} ${brief.stage.label}. Open your CRM for the details.`;
}
