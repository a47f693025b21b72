// Package audit keeps retainctl's durable audit trail: every step of apply
// and enforce is one JSON line, fsynced before the step goes on, then shipped
// to a signed webhook and summed up in a run report.
//
// A Session is what a run uses: it opens the journal, delivers what earlier
// runs left pending, and at the end writes the report and ships the events.
//
// The files follow the three concerns:
//
//	event*.go    the event schema (Event, Type, Outcome, CI) and CIFromEnv
//	journal*.go  the append-only log: Open, Record (masked, fsynced), ReadLog
//	jsonl.go     JSON-lines file helpers shared by the journal and the webhook state
//	webhook*.go  signed, batched, at-least-once delivery: Deliverer, Payload,
//	             VerifySignature, and the .delivered acknowledgement sidecar
//	report*.go   the run report: request statistics, Report, its text and file
//	session.go   Session, which ties the three together for one run
package audit
