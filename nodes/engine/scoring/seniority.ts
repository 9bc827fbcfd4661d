/**
 * Job-title seniority, so a rule can say "Director and above" instead of a list of regexes.
 * Titles are messy ("Sr. Dir. of Marketing", "Head of Growth", "Co-Founder & CEO"); the
 * classifier looks for the most senior marker and knows the usual abbreviations.
 */
import { isStudentOrJobSeeker } from './titleRole';

export const SENIORITY_LEVELS = ['student', 'individual', 'manager', 'director', 'vp', 'c_level'] as const;
export type SeniorityLevel = (typeof SENIORITY_LEVELS)[number];

export const SENIORITY_LABELS: Record<SeniorityLevel, string> = {
	student: 'Student, intern or job seeker',
	individual: 'Individual contributor',
	manager: 'Manager or team lead',
	director: 'Director or head of',
	vp: 'VP',
	c_level: 'C-level, founder or owner',
};

const C_LEVEL =
	/\b(chief( \w+){1,2} officer|ceo|cfo|cto|coo|cmo|cio|cro|cpo|ciso|cdo|founder|co-?founder|owner|co-?owner|president|managing partner|general partner)\b/;
/** Owners of a thing, not of the company. */
const ROLE_OWNER = /\b(product|process|account|data|service|content|business process|system) owner\b/g;
const VP = /\b(vice[- ]president|s?e?vp|avp|v p)\b/;
const DIRECTOR = /\b(director|dir|head of|head|managing director|md)\b/;
const MANAGER = /\b(manager|mgr|lead|team lead|supervisor|superintendent)\b/;
/** Support roles carry the boss's title in them: "Executive Assistant to the CEO". */
const ASSISTANT_TO = /\b(assistant|secretary|ea|pa) (to|of) (the )?\w/;

export function classifyTitle(title: string): SeniorityLevel | undefined {
	const t = title
		.toLowerCase()
		.replace(/[&/,|.]+/g, ' ')
		.replace(ROLE_OWNER, 'role')
		.replace(/\s+/g, ' ')
		.trim();
	if (t === '') return undefined;
	// First: "Seeking a Director role" is no director, "Student Recruitment Manager" no student.
	if (isStudentOrJobSeeker(title)) return 'student';
	if (ASSISTANT_TO.test(t)) return 'individual';
	// "Vice President" contains "president": look for VP before C-level.
	if (VP.test(t)) return 'vp';
	if (C_LEVEL.test(t)) return 'c_level';
	if (DIRECTOR.test(t)) return 'director';
	if (MANAGER.test(t)) return 'manager';
	return 'individual';
}

export function seniorityRank(level: SeniorityLevel): number {
	return SENIORITY_LEVELS.indexOf(level);
}

export function isSeniorityLevel(value: unknown): value is SeniorityLevel {
	return typeof value === 'string' && (SENIORITY_LEVELS as readonly string[]).includes(value);
}
