// Package emergency runs emergencies (突发事件应急指挥): a duty officer
// declares an incident — public health (公共卫生), natural disaster (自然灾害),
// accident (事故灾难) or social security (社会安全) — at a grade from I (特别重大)
// to IV (一般) in a region, names the command structure (总指挥 and the
// operations, planning, logistics and finance sections), starts the
// response, gives tasks to departments with deadlines (hours, or working days
// on the working-day clock), deploys resources (shelters 避难场所, rescue
// teams, supplies) kept with their coordinates, writes the situation report
// (态势) as a timeline, and issues public alerts. An incident closes only with
// an after-action report (总结评估).
//
// Public alerts are OASIS Common Alerting Protocol 1.2 messages (cap.go):
// the first is an Alert, later ones Updates and the last a Cancel, each
// referencing the earlier ones; anyone may read the current ones, as CAP
// XML, as an Atom feed and on the public page /alerts. A drill's messages
// carry status Exercise.
//
// Authorization: commanding an incident (declaring, changing it, issuing
// alerts) needs event.command over its region (the duty officer);
// reading needs event.command or cockpit.view (the leader). An incident
// outside the caller's scope is "not found". Every change is audited in the
// transaction that makes it, and published to the outbox as emergency.*.
// Changes to an incident carry the version the caller saw: of two duty
// officers changing the same incident at once, the second gets
// errs.Conflict ("emergency.incident_changed") and reloads.
//
// The package may read sensing (to declare from an indicator alert); sensing
// and governance never import it.
package emergency
