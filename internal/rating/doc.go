// Package rating is 好差评, the national service-rating scheme: after a case
// is completed (办结), its applicant rates the service once, on five levels
// from 非常满意 (5) to 非常不满意 (1), optionally with four sub-scores of the
// online scheme (办事指南, 办理便捷, 办理时效, 服务态度) and a comment.
//
// A rating is immutable once given. A bad one — 不满意 or worse — opens a
// rectification task (整改) for the case's competent authority, due 15
// working days later. The authority's department head calls the applicant
// back (回访), records what was rectified, and closes the task; an open
// task past its due date is overdue (red on the workbench).
//
// Statistics group ratings by item, by authority or by region (the case's
// 办理地, cut to the province, city or county) and give the count, the
// average score, the satisfaction rate (share of 满意 and 非常满意), the
// bad ratings and how many of them were rectified.
//
// Who may do what:
//   - rate: the case's applicant only, once, when the case is completed;
//   - read a rating: its applicant, and staff who handle, decide or audit
//     cases, or view the cockpit, over the case's region;
//   - see and close rectification tasks: staff of the case's authority
//     holding case.decide (department heads) over the case's region;
//   - statistics: staff holding audit.read or cockpit.view, over the
//     regions of those grants.
//
// Outside a caller's reach the answer is errs.NotFound, as everywhere. Every
// change (a rating given, a task closed) commits with its audit entry and
// its outbox event in one transaction.
package rating
