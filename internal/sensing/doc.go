// Package sensing is 感知 of 一网统管: the live indicators of the province
// and the alerts (预警) they raise.
//
// A metric (rainfall, river water level, AQI, …) is a fixed definition in
// code with its unit and how readings of it are combined over a region.
// Stations (a rain gauge in 天河区, an air-quality monitor in 福田区) sit in a
// region with coordinates. Sensors send readings: a station, a metric, a
// time and a value, over HTTP as JSON lines or over MQTT through the
// embedded NATS server. Each batch is checked line by line: a reading for
// an unknown station or metric, or outside the sender's region scope, is
// rejected with its line number and a reason while the good ones of the
// same batch are kept.
//
// Readings are stored narrow (integer station, metric and epoch second, a
// float value). Every region a station counts in (province, city, county,
// town) has figures per minute and per hour: down to counties as minute
// roll-ups written in the same transaction and hour roll-ups folded from
// them once the hour closes (rollup.go, StoredLevel); towns summed from
// their stations' readings when read. The cockpit reads these figures.
//
// Rules turn readings into alerts: a threshold rule compares a reading with
// four levels (blue 蓝, yellow 黄, orange 橙, red 红); a rate-of-change rule
// compares the rise per hour since the station's previous reading. A rule
// applies to the stations within its region scope. An alert opens at the
// highest level crossed, escalates when a later reading crosses a higher
// one, and is acknowledged and closed by a duty officer; every change is
// audited and published to the outbox (sensing.alert.raised,
// sensing.alert.escalated, sensing.alert.acknowledged, sensing.alert.closed)
// so that the events engine of governance can open an event for it without
// this package importing governance.
package sensing
