// Package workday is the working-day calendar (工作日历) of mainland China:
// it tells working days from days off and counts time limits in working
// days, the way government bodies count them.
//
// # Working days, holidays and 调休
//
// Time limits for government services are set in working days (工作日):
// the promised limit (承诺时限) and the statutory one (法定时限) of every
// item are "N 个工作日". 《行政许可法》第八十二条 says so for licensing: the
// limits are counted in working days, statutory holidays excluded.
//
// A working day is Monday to Friday, except:
//
//   - statutory holidays (法定节假日): 元旦, 春节, 清明节, 劳动节, 端午节,
//     中秋节 and 国庆节. Each year the General Office of the State Council
//     publishes the schedule for the next year (国务院办公厅关于部分节假日安排
//     的通知), usually in October or November. A holiday period often runs
//     through a weekend: 春节 2025 was 28 January to 4 February, eight days.
//   - adjusted working days (调休上班): to make a holiday period longer, the
//     schedule moves days off from a weekday to the holiday and makes a
//     weekend day a working day in exchange. In 2025, Sunday 26 January and
//     Saturday 8 February were working days, so that Monday 3 and Tuesday
//     4 February could be days off. On such a Saturday or Sunday offices
//     open and the clock of every case runs.
//
// So "is it a working day" needs the official schedule of that year, and the
// calendar only has it for the years it covers (Covers). Outside them it
// falls back to Monday–Friday, which is wrong on every holiday: a deadline
// computed into a year that is not covered yet must be recomputed once the
// schedule is out (regenerate the data, see data/README.md). The embedded
// data come from the npm package chinese-days.
//
// All rules use the date in Asia/Shanghai (Shanghai), whatever the location
// of the time.Time passed in: 00:30 on a Friday in Beijing is a Thursday in
// UTC, and it is the Friday that counts.
//
// # Counting a time limit
//
// A limit of N working days starting on the day of acceptance (受理) ends
// at the end of the N-th working day after that day: the acceptance day
// itself does not count, however early the application came in. This is the
// general rule for periods in days (《民法典》第二百零一条: the starting day
// is not counted; counting begins the next day), and the last day ends at
// 24:00. So a case accepted on Friday 24 January 2025 with a limit of 5
// working days counts Sunday 26 January (调休), Monday 27 January, skips
// 春节, and counts 5, 6 and 7 February: the deadline is the end of Friday 7
// February. AddWorkdays computes it; WorkdaysBetween counts how many working
// days of a limit have been used by a given moment.
//
// # Pausing: 补齐补正
//
// When an authority asks the applicant to supplement or correct materials
// (补齐补正), the time the applicant takes does not count against the
// authority's limit: the clock pauses. A case records the working days used
// when it paused, used := c.WorkdaysBetween(accepted, paused), and when the
// materials arrive it gets a new deadline for what is left,
// c.AddWorkdays(resumed, limit-used), counted again from the day after.
//
// # Traffic lights
//
// Supervision (督办) shows each case as green, yellow or red (Status): on
// time, within a warning margin of working days, or overdue.
//
// A Calendar is immutable and safe for concurrent use. IsWorkday,
// AddWorkdays and WorkdaysBetween answer in tens of nanoseconds without
// allocating: they use a table of cumulative working-day counts for the
// covered years and week arithmetic outside them.
package workday
