// Package rego embeds retainctl's Rego rules, their unit tests and the data
// they share (data.json: object types, license tiers, the filter table).
package rego

import "embed"

// FS holds the *.rego modules (rules and *_test.rego) and data.json.
//
//go:embed *.rego data.json
var FS embed.FS
