package enforce

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/mapping"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// livePolicy decodes a live policy as the client would, unknown fields and all.
func livePolicy(t *testing.T, body string) genesys.Policy {
	t.Helper()
	var g genesys.Policy
	if err := json.Unmarshal([]byte(body), &g); err != nil {
		t.Fatal(err)
	}
	return g
}

const keep90 = `"actions":{"retainRecording":true,"retentionDuration":{"deleteRetention":{"days":90}}}`

// A live policy whose coverage no job can reproduce gets no job, and the
// reason says why; jobs come from the live policy, not the YAML.
func TestScopeRefusesWhatAJobCannotSelect(t *testing.T) {
	tests := []struct {
		name       string
		objectType policy.ObjectType
		body       string
		reason     string
	}{
		{"time slots", "call", `{"id":"1","name":"p","enabled":true,"mediaPolicies":{"callPolicy":{` + keep90 +
			`,"conditions":{"timeAllowed":{"timeSlots":[{"day":1,"startTime":"08:00:00.000","stopTime":"09:00:00.000"}],"timeZoneId":"UTC"}}}}}`, "time of day"},
		{"policy-level media types", "interaction", `{"id":"1","name":"p","enabled":true,` + keep90 + `,"conditions":{"mediaTypes":["CALL"]}}`, "policy-level"},
		{"unknown field", "call", `{"id":"1","name":"p","enabled":true,"mediaPolicies":{"callPolicy":{` + keep90 +
			`,"conditions":{"excludeHolidays":true}}}}`, "no model for (mediaPolicies.callPolicy.conditions.excludeHolidays)"},
		{"a duration that does not read back", "call", `{"id":"1","name":"p","enabled":true,"mediaPolicies":{"callPolicy":{` + keep90 +
			`,"conditions":{"duration":{"durationRange":"PT5M","durationMode":"Sideways"}}}}}`, "cannot select by it"},
		{"disabled", "call", `{"id":"1","name":"p","enabled":false,"mediaPolicies":{"callPolicy":{` + keep90 + `}}}`, "disabled"},
		{"no part of that media", "chat", `{"id":"1","name":"p","enabled":true,"mediaPolicies":{"callPolicy":{` + keep90 + `}}}`, "no chat part"},
		{"deletes at once", "call", `{"id":"1","name":"p","enabled":true,"mediaPolicies":{"callPolicy":{"actions":{"alwaysDelete":true}}}}`, "at once"},
		{"policy-level conditions beside a media part", "call", `{"id":"1","name":"p","enabled":true,"conditions":{"forQueues":[{"id":"q1"}],"mediaTypes":["CALL"]},` +
			`"mediaPolicies":{"callPolicy":{` + keep90 + `}}}`, "policy-level conditions"},
		{"policy-level actions beside a media part", "call", `{"id":"1","name":"p","enabled":true,` + keep90 + `,"mediaPolicies":{"callPolicy":{` + keep90 + `}}}`, "policy-level actions"},
		{"a reference without an id", "call", `{"id":"1","name":"p","enabled":true,"mediaPolicies":{"callPolicy":{` + keep90 +
			`,"conditions":{"forQueues":[{"name":"Sales"}]}}}}`, "without an id"},
		{"problems Genesys reports", "call", `{"id":"1","name":"p","enabled":true,"policyErrors":{"policyErrorMessages":[{"errorCode":"queue.not.found"}]},` +
			`"mediaPolicies":{"callPolicy":{` + keep90 + `}}}`, "queue.not.found"},
		{"enabled not said", "call", `{"id":"1","name":"p","mediaPolicies":{"callPolicy":{` + keep90 + `}}}`, "enabled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := livePolicy(t, tt.body)
			pl := NewPlan([]Selected{{Policy: policy.Policy{Name: "p", ObjectType: tt.objectType, RetentionPeriod: 90}, Live: &g}}, at("2026-11-30T12:00:00Z"), Horizon(at("2026-11-30T12:00:00Z")))
			if len(pl.Jobs) != 0 || !strings.Contains(pl.Policies[0].Refused, tt.reason) {
				t.Errorf("%d jobs, refused %q; want none and a reason with %q", len(pl.Jobs), pl.Policies[0].Refused, tt.reason)
			}
		})
	}
}

// The jobs follow the live policy's filters even when the YAML names a
// wider policy: the organisation deletes by what it has.
func TestJobsFollowTheLivePolicy(t *testing.T) {
	wide := policy.Policy{Name: "p", ObjectType: "call", RetentionPeriod: 90}
	live := mapping.ToAPI(policy.Policy{Name: "p", ObjectType: "call", RetentionPeriod: 90,
		Filters: []policy.Filter{{Attribute: "queue", Operator: "EQ", Value: "q1"}}}, nil)
	pl := NewPlan([]Selected{{Policy: wide, Live: &live}}, at("2026-11-30T12:00:00Z"), Horizon(at("2026-11-30T12:00:00Z")))
	if len(pl.Jobs) != 1 {
		t.Fatalf("%+v", pl.Policies)
	}
	segs, _ := json.Marshal(pl.Jobs[0].Query.ConversationQuery.SegmentFilters)
	if !strings.Contains(string(segs), `"queueId"`) {
		t.Errorf("job ignores the live queue filter: %s", segs)
	}
}
