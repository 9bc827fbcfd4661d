export {
	addBusinessTime,
	businessTimeBetween,
	compileCalendar,
	isWithinHours,
	nextOpening,
	slaClockStart,
	slaDueTime,
	slaElapsed,
	whenSlaClockReads,
	DEFAULT_HOURS,
	DEFAULT_WORKING_DAYS,
	WEEKDAYS,
	type BusinessCalendar,
	type CalendarSpec,
	type TimeRange,
	type Weekday,
} from './calendar';
export { describeSla, dueTime, elapsedTime, slaMinutes, timeWhenElapsed, type Sla } from './sla';
