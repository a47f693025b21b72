package export

import (
	"strings"
	"testing"

	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/mapping"
	"github.com/retainctl/retainctl/reconcile/policy"
)

func TestFiles(t *testing.T) {
	calls := mapping.ToAPI(policy.Policy{Name: "Calls / 90 days", ObjectType: "call", RetentionPeriod: 90}, nil)
	calls.ID = "1"
	again := mapping.ToAPI(policy.Policy{Name: "calls 90 days", ObjectType: "chat", RetentionPeriod: 30}, nil)
	again.ID, again.Description = "2", "made by hand"
	multi := genesys.Policy{ID: "3", Name: "Both", MediaPolicies: &genesys.MediaPolicies{
		CallPolicy: &genesys.MediaPolicy{Actions: &genesys.Actions{}}, ChatPolicy: &genesys.MediaPolicy{Actions: &genesys.Actions{}},
	}}
	files, skipped := Files([]genesys.Policy{calls, again, multi})
	if len(files) != 2 || files[0].Name != "calls-90-days.yaml" || files[1].Name != "calls-90-days-2.yaml" {
		t.Fatalf("files %+v", files)
	}
	if len(skipped) != 1 || skipped[0].ID != "3" || !strings.Contains(skipped[0].Reason, "several media") {
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
