package validate_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/retainctl/retainctl/reconcile/validate"
)

var sample = []validate.Violation{
	{Rule: "policy.archive", Severity: validate.Deny, Message: "100% bad\r\nsecond line", File: "pol,icies/a:b.yaml", Line: 3, Policy: "P"},
	{Rule: "schedule.short-month", Severity: validate.Warn, Message: "m", File: "b.yaml", Line: 1},
}

func TestWriteGitHubEscapes(t *testing.T) {
	var b bytes.Buffer
	if err := validate.WriteGitHub(&b, sample); err != nil {
		t.Fatal(err)
	}
	want := "::error file=pol%2Cicies/a%3Ab.yaml,line=3,title=policy.archive::P: 100%25 bad%0D%0Asecond line\n" +
		"::warning file=b.yaml,line=1,title=schedule.short-month::m\n"
	if b.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestWriteText(t *testing.T) {
	var b bytes.Buffer
	if err := validate.WriteText(&b, sample); err != nil {
		t.Fatal(err)
	}
	want := "pol,icies/a:b.yaml:3: deny [policy.archive] P: 100% bad\r\nsecond line\n" +
		"b.yaml:1: warn [schedule.short-month] m\n1 error(s), 1 warning(s)\n"
	if b.String() != want {
		t.Fatalf("got %q\nwant %q", b.String(), want)
	}
}

func TestWriteJSONAlwaysHasAnArray(t *testing.T) {
	var b bytes.Buffer
	if err := validate.WriteJSON(&b, nil); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Violations []validate.Violation `json:"violations"`
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil || doc.Violations == nil {
		t.Fatalf("%s: %v", b.String(), err)
	}
	b.Reset()
	if err := validate.WriteJSON(&b, sample); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil || len(doc.Violations) != 2 || doc.Violations[0] != sample[0] {
		t.Fatalf("round trip: %+v %v", doc, err)
	}
}
