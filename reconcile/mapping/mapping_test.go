package mapping

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/retainctl/retainctl/reconcile/genesys/model"
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

// An update keeps what the YAML cannot say: evaluations, another medium's
// part, policy-level media types; it replaces what the YAML does say.
func TestUpdateKeepsWhatTheYAMLCannotSay(t *testing.T) {
	evals := json.RawMessage(`[{"evaluationForm":{"id":"f"},"user":{"id":"u"}}]`)
	chat := &model.MediaPolicy{Actions: &model.Actions{AssignEvaluations: evals,
		RetentionDuration: &model.RetentionDuration{DeleteRetention: &model.DeleteRetention{Days: 7}}}}
	base := model.Policy{ID: "id", Name: "Calls", SelfURI: "/x", MediaPolicies: &model.MediaPolicies{
		CallPolicy: &model.MediaPolicy{
			Actions:    &model.Actions{AssignEvaluations: evals, RetentionDuration: &model.RetentionDuration{DeleteRetention: &model.DeleteRetention{Days: 30}}},
			Conditions: &model.Conditions{ForQueues: []model.Ref{{ID: "old"}}},
		},
		ChatPolicy: chat,
	}}
	slots := &policy.TimeAllowed{Timezone: "Europe/Paris", Slots: []policy.TimeSlot{{Day: "monday", Start: "08:00", Stop: "17:00"}}}
	got := ToAPI(policy.Policy{Name: "Calls", ObjectType: "call", RetentionPeriod: 60, TimeAllowed: slots}, &base)
	part := got.MediaPolicies.CallPolicy
	if got.ID != "id" || string(part.Actions.AssignEvaluations) != string(evals) || !reflect.DeepEqual(got.MediaPolicies.ChatPolicy, chat) {
		t.Errorf("what the YAML cannot say was lost: %+v", got.MediaPolicies)
	}
	wantSlots := &model.TimeAllowed{TimeZoneID: "Europe/Paris", TimeSlots: []model.TimeSlot{{Day: 1, StartTime: "08:00:00.000", StopTime: "17:00:00.000"}}}
	if part.Conditions.ForQueues != nil || part.Actions.RetentionDuration.DeleteRetention.Days != 60 || !reflect.DeepEqual(part.Conditions.TimeAllowed, wantSlots) {
		t.Errorf("what the YAML says was not written: %+v", part.Conditions)
	}
	if base.MediaPolicies.CallPolicy.Actions.RetentionDuration.DeleteRetention.Days != 30 {
		t.Error("building an update changed the live policy")
	}
	back := Read(got, "call")
	if !reflect.DeepEqual(back.Policy.TimeAllowed, Canonical(policy.Policy{TimeAllowed: slots}).TimeAllowed) {
		t.Errorf("time slots read back as %+v", back.Policy.TimeAllowed)
	}
}

// Policy-level media types have no YAML form: kept by updates, carried as
// coverage, so enforcement will not act on the policy.
func TestPolicyLevelMediaTypesAreCarried(t *testing.T) {
	base := model.Policy{ID: "id", Name: "All", Conditions: &model.Conditions{MediaTypes: []string{"CALL"}},
		Actions: &model.Actions{RetentionDuration: &model.RetentionDuration{DeleteRetention: &model.DeleteRetention{Days: 30}}}}
	l := Read(base, "interaction")
	if len(l.Carried) != 1 || l.Carried[0].Path != "conditions.mediaTypes" || !l.Carried[0].Coverage {
		t.Fatalf("carried = %+v", l.Carried)
	}
	got := ToAPI(policy.Policy{Name: "All", ObjectType: "interaction", RetentionPeriod: 60}, &base)
	if got.Conditions == nil || !reflect.DeepEqual(got.Conditions.MediaTypes, []string{"CALL"}) {
		t.Errorf("media types dropped: %+v", got.Conditions)
	}
}

// Changing the object type replaces the managed part, and what it held
// goes with it; the other parts stay.
func TestObjectTypeChangeReplacesThePart(t *testing.T) {
	evals := json.RawMessage(`[{"evaluationForm":{"id":"f"}}]`)
	base := model.Policy{ID: "id", Name: "P", MediaPolicies: &model.MediaPolicies{
		CallPolicy:  &model.MediaPolicy{Actions: &model.Actions{AssignEvaluations: evals}},
		EmailPolicy: &model.MediaPolicy{Actions: &model.Actions{RetainRecording: ptr(true)}},
	}}
	got := ToAPI(policy.Policy{Name: "P", ObjectType: "chat", RetentionPeriod: 10}, &base)
	m := got.MediaPolicies
	if m.CallPolicy != nil || m.ChatPolicy == nil || m.ChatPolicy.Actions.AssignEvaluations != nil || m.EmailPolicy == nil {
		t.Errorf("parts after the change: %+v", m)
	}
}

func TestReadNamesOtherParts(t *testing.T) {
	yes := true
	multi := model.Policy{Name: "m", MediaPolicies: &model.MediaPolicies{
		CallPolicy: &model.MediaPolicy{Actions: &model.Actions{}},
		ChatPolicy: &model.MediaPolicy{Actions: &model.Actions{RetentionDuration: &model.RetentionDuration{DeleteRetention: &model.DeleteRetention{Days: 5}}}},
	}}
	l := FromAPI(multi)
	if len(l.Media) != 2 || l.Part != "call" || l.Policy.ObjectType != "call" {
		t.Errorf("multi-media: %+v", l)
	}
	if len(l.Carried) != 1 || l.Carried[0].Path != "mediaPolicies.chatPolicy" || l.Carried[0].What != "keeps recordings 5 days" {
		t.Errorf("carried = %+v", l.Carried)
	}
	if l := Read(multi, "chat"); l.Part != "chat" || l.Policy.RetentionPeriod != 5 {
		t.Errorf("read as chat: %+v", l)
	}
	now := model.Policy{Name: "n", MediaPolicies: &model.MediaPolicies{EmailPolicy: &model.MediaPolicy{Actions: &model.Actions{AlwaysDelete: &yes}}}}
	if l := FromAPI(now); !l.Immediate {
		t.Errorf("immediate delete: %+v", l)
	}
}

func TestCanonicalTime(t *testing.T) {
	for in, want := range map[string]string{"08:00": "08:00", "08:00:00.000": "08:00", "8:00": "", "23:59:59.999": "23:59:59.999",
		"10:10:10.010": "10:10:10.010", "10:00:30": "10:00:30", "24:00": "", "10:00:00.500": "10:00:00.500"} {
		got, ok := CanonicalTime(in)
		if got != want || ok != (want != "") {
			t.Errorf("CanonicalTime(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

// retainRecording defaults to true: a part with actions and no deletion
// keeps its recordings for good, evaluations only included, and
// deleteRecording counts only where retainRecording is false.
func TestRetainDefaultsToTrue(t *testing.T) {
	no, yes := false, true
	part := func(a model.Actions) model.Policy {
		return model.Policy{Name: "P", MediaPolicies: &model.MediaPolicies{CallPolicy: &model.MediaPolicy{Actions: &a}}}
	}
	for name, a := range map[string]model.Actions{
		"evaluations only":     {AssignEvaluations: json.RawMessage(`[{"evaluationForm":{"id":"f"}}]`)},
		"empty actions":        {},
		"delete, retain unset": {DeleteRecording: &yes},
		"retain, no deletion":  {RetainRecording: &yes},
	} {
		if l := FromAPI(part(a)); !l.Forever || len(l.Keeps) != 1 || l.Keeps[0].RetentionPeriod != policy.KeptForGood {
			t.Errorf("%s: %+v", name, l)
		}
	}
	if l := FromAPI(part(model.Actions{DeleteRecording: &yes, RetainRecording: &no})); !l.Immediate || len(l.Keeps) != 0 {
		t.Errorf("delete with retain false: %+v", l)
	}
}

// References without an id and policy-level conditions beside media parts
// are carried as coverage: kept by updates, never enforced.
func TestIdlessRefsAndPolicyLevelConditionsAreCarried(t *testing.T) {
	g := model.Policy{Name: "P", Conditions: &model.Conditions{ForQueues: []model.Ref{{ID: "q9"}}},
		MediaPolicies: &model.MediaPolicies{CallPolicy: &model.MediaPolicy{
			Conditions: &model.Conditions{ForQueues: []model.Ref{{ID: "q1"}, {Name: "Sales"}}},
			Actions:    &model.Actions{RetentionDuration: &model.RetentionDuration{DeleteRetention: &model.DeleteRetention{Days: 90}}}}}}
	l := Read(g, "call")
	var paths []string
	for _, c := range l.Carried {
		if c.Coverage {
			paths = append(paths, c.Path)
		}
	}
	if !reflect.DeepEqual(paths, []string{"mediaPolicies.callPolicy.conditions.forQueues", "conditions"}) {
		t.Errorf("coverage carried: %+v", l.Carried)
	}
	got := ToAPI(policy.Policy{Name: "P", ObjectType: "call", RetentionPeriod: 120,
		Filters: []policy.Filter{{Attribute: "queue", Operator: "EQ", Value: "q1"}}}, &g)
	if qs := got.MediaPolicies.CallPolicy.Conditions.ForQueues; len(qs) != 2 || qs[1].Name != "Sales" || got.Conditions == nil {
		t.Errorf("update dropped what the YAML cannot say: %+v %+v", qs, got.Conditions)
	}
}
