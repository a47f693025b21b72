package render_test

import (
	"encoding/json"
	"io"
	"testing"

	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/plan"
	"github.com/retainctl/retainctl/reconcile/policy"
	"github.com/retainctl/retainctl/reconcile/render"
)

// FuzzLiveAnswers feeds arbitrary policy listings, as a hostile or broken
// API might answer, through the plan and every renderer: nothing panics.
func FuzzLiveAnswers(f *testing.F) {
	f.Add([]byte(`[{"id":"1","name":"Calls","description":"x","mediaPolicies":{"callPolicy":{"actions":{"retainRecording":true,"retentionDuration":{"deleteRetention":{"days":-5},"archiveRetention":{"days":900}}},"conditions":{"directions":["SIDEWAYS"],"duration":{"durationMode":"Between","durationRange":"9-x"},"dateRanges":["nope"]}}}}]`))
	f.Add([]byte(`[{"id":"2","name":"All","actions":{"alwaysDelete":true},"conditions":{"forQueues":[{"id":""}]}},{"id":"3","name":"Both","mediaPolicies":{"callPolicy":{},"chatPolicy":{"actions":{}}}}]`))
	f.Add([]byte(`[{"id":"4","name":"a|<b>\n","enabled":false,"order":-1,"mediaPolicies":{"emailPolicy":{"conditions":{"customerParticipation":"MAYBE"}}}}]`))
	desired := []policy.Policy{
		{Name: "Calls", ObjectType: "call", RetentionPeriod: 90, Filters: []policy.Filter{{Attribute: "queue", Operator: "IN", Value: []any{"q1", "q2"}}}},
		{Name: "All", ObjectType: "interaction", RetentionPeriod: 400, ArchiveAfter: 30},
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var live []genesys.Policy
		if json.Unmarshal(data, &live) != nil {
			return
		}
		for _, prune := range []bool{false, true} {
			s := policy.DefaultSettings()
			s.Prune = prune
			p, err := plan.Build(desired, live, s)
			if err != nil {
				return
			}
			for _, format := range render.Plan.Formats() {
				r, _ := render.Plan.Renderer(format)
				if err := r(io.Discard, p, render.Options{Color: true}); err != nil {
					t.Fatalf("plan does not render as %s: %v", format, err)
				}
			}
		}
	})
}
