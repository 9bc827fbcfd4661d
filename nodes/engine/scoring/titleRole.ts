/**
 * Whether a job title is a student's, an intern's, a trainee's or a job seeker's: people who do
 * not buy. It is the role that decides, not a word in the title: "Marketing Intern" is an intern,
 * "Internship Program Coordinator" and "Director of Student Success" work with interns and
 * students. In English the role noun comes last in its phrase ("Student Recruitment Manager" is
 * a manager) and before a preposition ("Head of Student Affairs" is a head); separators (",",
 * " - ", "|", parentheses) start a new phrase ("Intern, Marketing"; "Analyst | Open to work").
 */

export type TitleRole = 'student' | 'intern' | 'trainee' | 'apprentice' | 'jobSeeker';

export interface TitleRoleMatch {
	role: TitleRole;
	/** The words of the title that made it so, e.g. "marketing intern". */
	words: string;
}

/** A noun that names the person's role as a learner or job seeker. */
const LEARNER_NOUNS: Readonly<Record<string, TitleRole>> = {
	student: 'student',
	undergraduate: 'student',
	undergrad: 'student',
	postgraduate: 'student',
	postgrad: 'student',
	pupil: 'student',
	intern: 'intern',
	internship: 'intern',
	coop: 'intern',
	trainee: 'trainee',
	apprentice: 'apprentice',
	seeker: 'jobSeeker',
	jobseeker: 'jobSeeker',
};

/**
 * Words of other languages that only ever name the learner ("Werkstudent Marketing",
 * "Stagiaire marketing": the role comes first there), wherever they stand in the phrase.
 */
const FOREIGN_LEARNER_WORDS: Readonly<Record<string, TitleRole>> = {
	werkstudent: 'intern',
	werkstudentin: 'intern',
	praktikant: 'intern',
	praktikantin: 'intern',
	praktikum: 'intern',
	stagiaire: 'intern',
	stagiair: 'intern',
	becario: 'intern',
	becaria: 'intern',
	pasante: 'intern',
	tirocinante: 'intern',
	stagista: 'intern',
	studentin: 'student',
	estudiante: 'student',
	etudiant: 'student',
	etudiante: 'student',
	studente: 'student',
	studentessa: 'student',
	azubi: 'apprentice',
	auszubildende: 'apprentice',
	auszubildender: 'apprentice',
	lehrling: 'apprentice',
};

/** "PhD candidate", "MBA candidate": a candidate for a degree is a student. */
const DEGREES = new Set(['phd', 'doctoral', 'doctorate', 'mba', 'msc', 'masters', 'master', 'ma', 'bsc', 'ba', 'bachelor', 'bachelors', 'llm', 'mphil', 'dphil']);

/**
 * Occupations a learner is in training for: "Student Nurse", "Trainee Accountant", "Apprentice
 * Electrician" are learners. A management or service role qualified by a learner word is not
 * ("Student Advisor", "Intern Coordinator", "Trainee Recruiter"): that is someone who works with them.
 */
const OCCUPATIONS = new Set([
	'accountant',
	'ambassador',
	'analyst',
	'architect',
	'assistant',
	'associate',
	'carpenter',
	'chef',
	'consultant',
	'designer',
	'developer',
	'electrician',
	'engineer',
	'instructor',
	'journalist',
	'lawyer',
	'mechanic',
	'midwife',
	'nurse',
	'paralegal',
	'pharmacist',
	'physician',
	'plumber',
	'programmer',
	'representative',
	'researcher',
	'scientist',
	'solicitor',
	'teacher',
	'technician',
	'tutor',
	'worker',
	'writer',
]);

/** Words that end a title's role phrase: what follows is its subject ("of Student Affairs") or employer ("at Acme"). */
const PREPOSITIONS = new Set(['of', 'for', 'in', 'at', 'to', 'with', 'on', 'from', 'within', 'by', 'de', 'du', 'des', 'di', 'del', 'della', 'da', 'fur', 'bei', 'im', 'am', 'zu', 'en', 'au', 'aux']);

/** Offices students hold in their own government: "Student Body President", "Secretary of the Student Council". */
const STUDENT_OFFICE =
	/(^| )(president|vice president|treasurer|secretary|chair|representative|senator|member)( of| for| in)?( the)? students? (body|council|government|union|senate|association)( |$)|(^| )students? (body|council|government|senate) (president|vice president|treasurer|secretary|chair|representative|senator|member)( |$)/;

/** Trailing words that are not the role noun: "Student 2026", "Analyst II", "Student MBA". */
const isNoise = (word: string) => /^\d+$/.test(word) || /^(i|ii|iii|iv|v|[a-z])$/.test(word) || DEGREES.has(word);

/** Verbs and adjectives of someone looking for work; no professional role phrase contains them. */
const SEEKING = /(^| )(seeking|looking for|searching for|in search of|open to work|open for work|job hunting|job searching)( |$)/;
/** The same, as the first words of a phrase: "Aspiring data analyst", "Open to new opportunities". */
const SEEKING_FIRST =
	/^((currently|actively|now) )?(aspiring|unemployed|open to|between (jobs|roles|positions)|career break|(recent|recently|new|fresh) (grad|graduate|graduated))( |$)/;

/**
 * The learner or job-seeker role a title names, or undefined for everyone else (and for a
 * title with no words). Reads every phrase of the title; the first that names one decides.
 */
export function studentOrJobSeeker(title: string): TitleRoleMatch | undefined {
	for (const phrase of phrasesOf(title)) {
		const match = roleOfPhrase(phrase);
		if (match) return match;
	}
	return undefined;
}

export function isStudentOrJobSeeker(title: string): boolean {
	return studentOrJobSeeker(title) !== undefined;
}

/** "a student's", "an intern's", "a job seeker's": for reasons sales read. */
export function roleWords(role: TitleRole): string {
	const words = { student: "a student's", intern: "an intern's", trainee: "a trainee's", apprentice: "an apprentice's", jobSeeker: "a job seeker's" };
	return words[role];
}

/** The title's phrases as lists of plain lower-case words, without accents. */
function phrasesOf(title: string): string[][] {
	return title
		.normalize('NFD')
		.replace(/\p{M}+/gu, '')
		.toLowerCase()
		.replace(/\bco-op\b/g, 'coop')
		.replace(/\bjob-seeker\b/g, 'job seeker')
		.replace(/@/g, ' at ')
		.split(/[,;|()[\]{}·•:!?]|\s[-–—]+\s?|[-–—]+\s|[–—]/)
		.map((phrase) => phrase.split(/[^\p{L}\p{N}]+/u).filter((word) => word !== ''))
		.filter((words) => words.length > 0);
}

function roleOfPhrase(words: string[]): TitleRoleMatch | undefined {
	const text = words.join(' ');
	if (SEEKING.test(text) || SEEKING_FIRST.test(text)) return { role: 'jobSeeker', words: text };
	if (STUDENT_OFFICE.test(text)) return { role: 'student', words: text };
	const end = words.findIndex((word) => PREPOSITIONS.has(word));
	const head = end === -1 ? words : words.slice(0, end);
	for (const word of head) {
		const role = FOREIGN_LEARNER_WORDS[word];
		if (role) return { role, words: head.join(' ') };
	}
	let last = head.length - 1;
	while (last > 0 && isNoise(head[last])) last--;
	const noun = head[last];
	if (noun === undefined) return undefined;
	const before = head[last - 1];
	const role = Object.hasOwn(LEARNER_NOUNS, noun) ? LEARNER_NOUNS[noun] : undefined;
	if (role !== undefined) return { role, words: head.slice(0, last + 1).join(' ') };
	if (noun === 'candidate' && before !== undefined && DEGREES.has(before)) return { role: 'student', words: `${before} ${noun}` };
	// "Student Nurse", "Trainee Accountant": a learner word right before an occupation.
	const learner = before === undefined || !Object.hasOwn(LEARNER_NOUNS, before) ? undefined : LEARNER_NOUNS[before];
	if (learner !== undefined && learner !== 'jobSeeker' && OCCUPATIONS.has(noun)) return { role: learner, words: `${before} ${noun}` };
	return undefined;
}
