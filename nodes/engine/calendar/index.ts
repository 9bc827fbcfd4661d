export {
	addBusinessTime,
	businessTimeBetween,
	compileCalendar,
	isWithinHours,
	nextOpening,
	DEFAULT_HOURS,
	DEFAULT_WORKING_DAYS,
	WEEKDAYS,
	type BusinessCalendar,
	type CalendarSpec,
	type TimeRange,
	type Weekday,
} from './calendar';
export { describeSla, dueTime, slaMinutes, type Sla } from './sla';
