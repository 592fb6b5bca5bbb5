// Package kpi is the domain of Tiến Độ: the plan (units and indicators with
// their targets), reports, periods, progress, and the Vietnamese-aware reading
// and writing of questions, numbers and periods.
//
// It is pure: no Telegram, no Redis, no clock of its own. Callers pass "now".
package kpi
