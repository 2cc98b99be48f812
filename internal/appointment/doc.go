// Package appointment books visits to service counters (窗口预约).
//
// A service center (政务服务中心, an organisation of kind center) has
// counters (窗口), each with its opening hours, the length of its slots and
// how many people it serves in one slot. On every working day of the
// official calendar (platform/workday: weekends, statutory holidays and
// 调休 working Saturdays all count as the State Council schedules them) a
// counter offers slots from opening to closing, for example 09:00–09:30 …
// 17:00–17:30, Asia/Shanghai.
//
// A citizen or an enterprise agent picks a center (by region, or from a
// service guide), a day from today to BookingDays ahead and a slot with a
// free seat, and books it, optionally for a service item and for one of
// their open cases. They may cancel until the slot starts. At the center,
// counter staff see the day's bookings, check people in when they arrive
// (签到) and mark those who did not come (爽约). Checking in someone whose
// booking names a case records a visit in person on that case
// (cases.Service.RecordTrip), in the same transaction.
//
// Seats are counted in one row per counter and slot, and taken with a
// conditional UPDATE (… SET booked = booked + 1 WHERE booked < capacity):
// the database decides, so two people can never take the last seat
// together, on SQLite or PostgreSQL. Every change is written with its audit
// entry (the person as subject) and an outbox event in one transaction.
//
// Who may do what: anyone may list centers and free slots; persons and
// enterprise agents book and cancel their own bookings (anyone else's
// answers errs.NotFound); counter staff whose case.receive scope covers
// the center's region handle its bookings (outside it: errs.NotFound);
// counters are managed by administrators holding org.manage over the
// center's region and by the center's own counter staff.
package appointment
