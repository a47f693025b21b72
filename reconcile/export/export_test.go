package export

import (
	"strings"
	"testing"

	"github.com/retainctl/retainctl/reconcile/genesys/model"
	"github.com/retainctl/retainctl/reconcile/mapping"
	"github.com/retainctl/retainctl/reconcile/policy"
	"github.com/retainctl/retainctl/reconcile/resolve"
)

// A policy with several parts is written as its first part, and the rest
// is named in a comment: plans keep it as it is.
func TestOtherPartsAreNamedInAComment(t *testing.T) {
	days := func(n int) *model.Actions {
		return &model.Actions{RetentionDuration: &model.RetentionDuration{DeleteRetention: &model.DeleteRetention{Days: n}}}
	}
	multi := model.Policy{ID: "3", Name: "Both", Description: "two\nlines", MediaPolicies: &model.MediaPolicies{
		CallPolicy: &model.MediaPolicy{Actions: days(90)}, ChatPolicy: &model.MediaPolicy{Actions: days(30)},
	}}
	files, skipped := Files([]model.Policy{multi}, resolve.Naming{})
	if len(files) != 1 || len(skipped) != 0 {
		t.Fatalf("files %+v, skipped %+v", files, skipped)
	}
	got := string(files[0].Content)
	if !strings.Contains(got, "#   mediaPolicies.chatPolicy: keeps recordings 30 days\n") || !strings.Contains(got, "objectType: call") {
		t.Errorf("content:\n%s", got)
	}
}

func TestFiles(t *testing.T) {
	calls := mapping.ToAPI(policy.Policy{Name: "Calls / 90 days", ObjectType: "call", RetentionPeriod: 90}, nil)
	calls.ID = "1"
	again := mapping.ToAPI(policy.Policy{Name: "calls 90 days", ObjectType: "chat", RetentionPeriod: 30}, nil)
	again.ID, again.Description = "2", "made by hand"
	none := model.Policy{ID: "3", Name: "Conditions only", MediaPolicies: &model.MediaPolicies{
		CallPolicy: &model.MediaPolicy{Conditions: &model.Conditions{ForQueues: []model.Ref{{ID: "q"}}}},
	}}
	files, skipped := Files([]model.Policy{calls, again, none}, resolve.Naming{})
	if len(files) != 2 || files[0].Name != "calls-90-days.yaml" || files[1].Name != "calls-90-days-2.yaml" {
		t.Fatalf("files %+v", files)
	}
	if len(skipped) != 1 || skipped[0].ID != "3" || !strings.Contains(skipped[0].Reason, "sets no retention period") {
		t.Errorf("skipped %+v", skipped)
	}
	first := string(files[0].Content)
	if !strings.Contains(first, "already managed") || strings.Contains(first, "Managed by retainctl") || strings.Contains(first, "enabled:") {
		t.Errorf("content:\n%s", first)
	}
	if !strings.Contains(string(files[1].Content), "unmanaged: the first plan adopts it") {
		t.Errorf("content:\n%s", files[1].Content)
	}
}

// An exported policy says, at its top, that schedules and tags are not in
// Genesys, and carries a commented schedule to fill in; the file still
// loads as it is (comments only), with no schedule.
func TestExportSaysWhatItCannotKnow(t *testing.T) {
	days := &model.Actions{RetentionDuration: &model.RetentionDuration{DeleteRetention: &model.DeleteRetention{Days: 90}}}
	files, skipped := Files([]model.Policy{{ID: "1", Name: "Calls", MediaPolicies: &model.MediaPolicies{CallPolicy: &model.MediaPolicy{Actions: days}}}}, resolve.Naming{})
	if len(skipped) != 0 || len(files) != 1 {
		t.Fatalf("files %d, skipped %v", len(files), skipped)
	}
	doc := string(files[0].Content)
	if !strings.Contains(doc, NotInGenesys) || !strings.Contains(doc, "\n# schedule: {frequency: WEEKLY") {
		t.Errorf("the exported file does not say schedules and tags are missing:\n%s", doc)
	}
	ps, problems := policy.ParsePolicies("calls.yaml", files[0].Content)
	if len(problems) != 0 || len(ps) != 1 || ps[0].Schedule != nil || len(ps[0].Tags) != 0 {
		t.Errorf("the exported file does not load as the policy alone: %v %+v", problems, ps)
	}
}
