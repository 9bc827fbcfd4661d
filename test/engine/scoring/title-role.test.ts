/**
 * "Student or job seeker" is a role, not a word: a title is a student's, an intern's or a job
 * seeker's when its role noun is one, not when "student" or "intern" qualifies another role
 * ("Director of Student Success", "Student Recruitment Manager"). One engine function decides it;
 * the default scoring rule, the default gate and the seniority levels all use it.
 */
import assert from 'node:assert/strict';

import fc from 'fast-check';

import { compileGate, DEFAULT_GATE } from '../../../nodes/engine/gate';
import { classifyTitle, compileScorer, DEFAULT_PROTOCOL, studentOrJobSeeker } from '../../../nodes/engine/scoring';
import { NOW, score } from '../gate/helpers';

/** Titles of people who work with students, interns or job seekers, or merely share letters with the words. */
const PROFESSIONALS = [
	'Director of Student Success',
	'Student Recruitment Manager',
	'Internship Program Coordinator',
	'Head of Student Affairs',
	'Internal Audit Manager',
	'International Sales Lead',
	'Customer Success Manager for Student Accounts',
	'Graduate Recruiter',
	'Campus Recruiting Lead',
	'Director, Student Affairs',
	'VP - Student Experience',
	'Student Advisor',
	'Intern Coordinator',
	'Head of Interns',
	'Dean of Students',
	'Job Seeker Services Manager',
	'Student and Graduate Recruitment Manager',
	'Student/Graduate Recruiter',
	'Trainee Program Manager',
	'Apprenticeship Manager',
	'University Relations Manager, Internships',
	'Graduate Engineer',
	'Internist',
	'Interim CFO',
	'Studio Manager',
	'Open Source Program Manager',
	'Praktikantenbetreuer',
	'Responsable des stagiaires',
	'Coordinador de Estudiantes',
	'Student Union Manager',
	'Marketing Manager',
];

/** Students, interns, trainees and job seekers, however they write it. */
const LEARNERS_AND_SEEKERS: Array<[title: string, role: string]> = [
	['Student', 'student'],
	['MBA Student', 'student'],
	['PhD candidate', 'student'],
	['Graduate student', 'student'],
	['Undergraduate', 'student'],
	['Co-op Student', 'student'],
	['Student Nurse', 'student'],
	['Graduate Student Instructor', 'student'],
	['Student Body President', 'student'],
	['Secretary of the Student Council', 'student'],
	['Student, Computer Science', 'student'],
	['Estudiante de ingeniería', 'student'],
	['Marketing Intern', 'intern'],
	['Intern', 'intern'],
	['Summer Intern - Sales', 'intern'],
	['Intern, Marketing', 'intern'],
	['Intern at Acme', 'intern'],
	['Software Engineering Internship', 'intern'],
	['Werkstudent', 'intern'],
	['Werkstudent Marketing', 'intern'],
	['Praktikantin im Vertrieb', 'intern'],
	['Praktikum Marketing', 'intern'],
	['Stagiaire marketing', 'intern'],
	['Trainee', 'trainee'],
	['Management Trainee', 'trainee'],
	['Trainee Accountant', 'trainee'],
	['Apprentice Electrician', 'apprentice'],
	['Job seeker', 'jobSeeker'],
	['Job-Seeker', 'jobSeeker'],
	['Looking for opportunities', 'jobSeeker'],
	['Seeking new role', 'jobSeeker'],
	['Open to work', 'jobSeeker'],
	['Unemployed', 'jobSeeker'],
	['Aspiring data analyst', 'jobSeeker'],
	['Recent graduate', 'jobSeeker'],
	['Data Analyst | Open to work', 'jobSeeker'],
	['Senior Analyst (seeking new opportunities)', 'jobSeeker'],
];

const scorer = compileScorer(DEFAULT_PROTOCOL);
const gate = compileGate(DEFAULT_GATE);
const studentPoints = (jobTitle: string) =>
	scorer.score({ jobTitle }, NOW, 'UTC').breakdown.filter((l) => l.rule === 'student-or-job-seeker-title').reduce((sum, l) => sum + l.points, 0);
const disqualifiedAsStudent = (jobTitle: string) => gate.evaluate({ jobTitle }, score({ total: 90 }), [], NOW).fired.some((f) => f.id === 'student');

describe('student or job-seeker titles: the role decides, not the word', () => {
	for (const title of PROFESSIONALS) {
		it(`"${title}" is not a student, intern or job seeker`, () => {
			assert.equal(studentPoints(title), 0, 'the default scoring rule takes no points');
			assert.equal(disqualifiedAsStudent(title), false, 'the default gate does not disqualify');
			assert.notEqual(classifyTitle(title), 'student', 'the seniority is not "student"');
			assert.equal(studentOrJobSeeker(title), undefined);
		});
	}

	for (const [title, role] of LEARNERS_AND_SEEKERS) {
		it(`"${title}" is a ${role}'s title`, () => {
			assert.equal(studentPoints(title), -20, 'the default scoring rule takes its points');
			assert.equal(disqualifiedAsStudent(title), true, 'the default gate disqualifies');
			assert.equal(classifyTitle(title), 'student', 'the seniority is the lowest level');
			assert.equal(studentOrJobSeeker(title)?.role, role);
		});
	}

	it('the gate says which role it read in the title', () => {
		const result = gate.evaluate({ jobTitle: 'Marketing Intern' }, score({ total: 90 }), [], NOW);
		assert.deepEqual(result.reasons, ['Student or job seeker: Job title "Marketing Intern" is an intern\'s title']);
		const fine = compileGate({ triggers: [{ name: 'Not a student', when: { field: 'jobTitle', label: 'Job title', operator: 'isStudentOrJobSeeker' } }] });
		assert.deepEqual(fine.evaluate({ jobTitle: 'Director of Student Success' }, score(), [], NOW).reasons, [
			'Not a student: not yet (Job title "Director of Student Success" is not a student\'s, intern\'s or job seeker\'s title)',
		]);
	});

	it('reads every value of a multi-valued title field, and nothing from a missing one', () => {
		assert.equal(studentPoints(['Board Member', 'PhD Student'] as unknown as string), -20);
		assert.equal(studentPoints(undefined as unknown as string), 0);
	});
});

describe('student or job-seeker titles: properties', () => {
	const senior = fc.constantFrom('Director', 'Head', 'VP', 'Vice President', 'Manager', 'Coordinator', 'Dean', 'Lead', 'Officer', 'Senior Manager', 'Global Head', 'Associate Director');
	const studentPhrase = fc.constantFrom(
		'Student',
		'Students',
		'Student Success',
		'Student Affairs',
		'Student Accounts',
		'Student Life',
		'the Student Experience',
		'Intern',
		'Interns',
		'Internships',
		'the Internship Program',
		'Trainees',
		'Apprentices',
		'Graduate Recruitment',
		'Campus Recruiting',
		'Early Careers and Internships',
		'Job Seekers',
		'Student & Graduate Programs',
	);
	const professionalRole = fc.constantFrom(
		'Manager',
		'Director',
		'Coordinator',
		'Recruiter',
		'Lead',
		'Success Manager',
		'Affairs Director',
		'Program Manager',
		'Advisor',
		'Counselor',
		'Administrator',
		'Specialist',
		'Liaison',
		'Services Manager',
		'Recruitment Consultant',
	);
	const casing = fc.constantFrom((s: string) => s, (s: string) => s.toLowerCase(), (s: string) => s.toUpperCase());
	const preposition = fc.constantFrom('of', 'for', 'Of', 'For');

	it('"<senior role> of/for <student phrase>" is never a student, intern or job seeker', () => {
		fc.assert(
			fc.property(senior, preposition, studentPhrase, casing, (role, of, phrase, cased) => {
				const title = cased(`${role} ${of} ${phrase}`);
				assert.equal(studentOrJobSeeker(title), undefined, title);
				assert.notEqual(classifyTitle(title), 'student', title);
			}),
		);
	});

	it('"<student phrase> <professional role>" is never a student, intern or job seeker', () => {
		const bare = fc.constantFrom('Student', 'Intern', 'Internship', 'Trainee', 'Apprentice', 'Graduate', 'Campus', 'Student Success', 'Student Affairs', 'Job Seeker', 'Student Recruitment', 'Internship Program');
		fc.assert(
			fc.property(bare, professionalRole, casing, (phrase, role, cased) => {
				const title = cased(`${phrase} ${role}`);
				assert.equal(studentOrJobSeeker(title), undefined, title);
				assert.notEqual(classifyTitle(title), 'student', title);
			}),
		);
	});

	it('"<field> <learner noun>" and "<learner noun>, <department>" always are', () => {
		const field = fc.constantFrom('Marketing', 'Sales', 'Software Engineering', 'MBA', 'PhD', 'Finance', 'Data Science', 'Summer', 'Graduate', 'Research');
		const learner = fc.constantFrom('Student', 'Intern', 'Trainee', 'Apprentice', 'Internship');
		const separator = fc.constantFrom(', ', ' - ', ' – ', ' | ', ' at ', ' (', ' in ');
		fc.assert(
			fc.property(field, learner, separator, casing, (f, noun, sep, cased) => {
				for (const title of [`${f} ${noun}`, `${noun}${sep}${f}`].map(cased)) assert.ok(studentOrJobSeeker(title), title);
			}),
		);
	});
});
