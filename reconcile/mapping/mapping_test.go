package mapping

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/policy"
)

func TestToAPIShape(t *testing.T) {
	order := 2
	p := policy.Policy{
		Name: "Inbound", Description: "kept for QA", ObjectType: "call", RetentionPeriod: 90, ArchiveAfter: 30, Order: &order,
		Filters: []policy.Filter{
			{Attribute: "direction", Operator: "EQ", Value: "inbound"},
			{Attribute: "queue", Operator: "IN", Value: []any{"q2", "q1"}},
		},
	}
	got, err := json.Marshal(ToAPI(p, nil))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"name":"Inbound","order":2,"description":"kept for QA\n\nManaged by retainctl — edit in Git","enabled":true,` +
		`"mediaPolicies":{"callPolicy":{"actions":{"retainRecording":true,"deleteRecording":false,"alwaysDelete":false,` +
		`"retentionDuration":{"archiveRetention":{"days":30,"storageMedium":"CLOUDARCHIVE"},"deleteRetention":{"days":90}}},` +
		`"conditions":{"directions":["INBOUND"],"forQueues":[{"id":"q1"},{"id":"q2"}]}}}}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestInteractionUsesTopLevelConditions(t *testing.T) {
	g := ToAPI(policy.Policy{Name: "All", ObjectType: "interaction", RetentionPeriod: 400,
		Filters: []policy.Filter{{Attribute: "customerParticipation", Operator: "EQ", Value: "YES"}}}, nil)
	if g.MediaPolicies != nil || g.Actions == nil || g.Conditions == nil || g.Conditions.CustomerParticipation != "YES" {
		t.Errorf("interaction policy: %+v", g)
	}
	if l := FromAPI(g); l.Policy.ObjectType != "interaction" || len(l.Media) != 1 || !l.Managed {
		t.Errorf("read back: %+v", l)
	}
}

// An update keeps what retainctl does not manage: evaluations, time slots,
// other media's parts are replaced only where the policy says so.
func TestUpdateKeepsUnmanagedFields(t *testing.T) {
	evals := json.RawMessage(`[{"evaluationForm":{"id":"f"},"user":{"id":"u"}}]`)
	slots := &genesys.TimeAllowed{TimeZoneID: "Europe/Paris", TimeSlots: []genesys.TimeSlot{{StartTime: "08:00:00.000", StopTime: "17:00:00.000", Day: 1}}}
	base := genesys.Policy{ID: "id", Name: "Calls", SelfURI: "/x", MediaPolicies: &genesys.MediaPolicies{CallPolicy: &genesys.MediaPolicy{
		Actions:    &genesys.Actions{AssignEvaluations: evals, RetentionDuration: &genesys.RetentionDuration{DeleteRetention: &genesys.DeleteRetention{Days: 30}}},
		Conditions: &genesys.Conditions{TimeAllowed: slots, ForQueues: []genesys.Ref{{ID: "old"}}},
	}}}
	got := ToAPI(policy.Policy{Name: "Calls", ObjectType: "call", RetentionPeriod: 60}, &base)
	part := got.MediaPolicies.CallPolicy
	if got.ID != "id" || string(part.Actions.AssignEvaluations) != string(evals) || !reflect.DeepEqual(part.Conditions.TimeAllowed, slots) {
		t.Errorf("unmanaged fields lost: %+v", part)
	}
	if part.Conditions.ForQueues != nil || part.Actions.RetentionDuration.DeleteRetention.Days != 60 {
		t.Errorf("managed fields not replaced: %+v", part)
	}
}

func TestFromAPIReadsWhatItCannotWrite(t *testing.T) {
	yes := true
	multi := genesys.Policy{Name: "m", MediaPolicies: &genesys.MediaPolicies{
		CallPolicy: &genesys.MediaPolicy{Actions: &genesys.Actions{}},
		ChatPolicy: &genesys.MediaPolicy{Actions: &genesys.Actions{}},
	}}
	if l := FromAPI(multi); len(l.Media) != 2 || l.Policy.ObjectType != "call+chat" {
		t.Errorf("multi-media: %+v", l)
	}
	now := genesys.Policy{Name: "n", MediaPolicies: &genesys.MediaPolicies{EmailPolicy: &genesys.MediaPolicy{Actions: &genesys.Actions{AlwaysDelete: &yes}}}}
	if l := FromAPI(now); !l.Immediate {
		t.Errorf("immediate delete: %+v", l)
	}
}

// Only a part that retains recordings and sets no deletion keeps them for
// good; one that only assigns evaluations keeps nothing of its own.
func TestKeptForGoodNeedsRetain(t *testing.T) {
	yes := true
	evals := genesys.Policy{Name: "QA", MediaPolicies: &genesys.MediaPolicies{CallPolicy: &genesys.MediaPolicy{
		Actions: &genesys.Actions{AssignEvaluations: json.RawMessage(`[{"evaluationForm":{"id":"f"}}]`)}}}}
	if l := FromAPI(evals); l.Forever || len(l.Keeps) != 0 {
		t.Errorf("evaluations only: %+v", l)
	}
	hold := genesys.Policy{Name: "Hold", MediaPolicies: &genesys.MediaPolicies{CallPolicy: &genesys.MediaPolicy{
		Actions: &genesys.Actions{RetainRecording: &yes}}}}
	if l := FromAPI(hold); !l.Forever || len(l.Keeps) != 1 || l.Keeps[0].RetentionPeriod != ForeverDays {
		t.Errorf("retain, no deletion: %+v", l)
	}
}
