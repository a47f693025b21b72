package main

import (
	"runtime/debug"
	"strings"
	"testing"
)

// The version reports what the build stamped, else the VCS information a
// plain go build records, else says it does not know.
func TestVersionReportsCommitAndDate(t *testing.T) {
	vcs := &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"}, {Key: "vcs.time", Value: "2026-03-03T10:00:00Z"}, {Key: "vcs.modified", Value: "true"},
	}}
	for _, tc := range []struct {
		v, c, d string
		info    *debug.BuildInfo
		want    string
	}{
		{"1.2.3", "abc1234", "2026-03-01T00:00:00Z", vcs, "retainctl 1.2.3 (commit abc1234, built from a commit of 2026-03-01T00:00:00Z)"},
		{"", "", "", vcs, "retainctl dev (commit 0123456789abcdef0123456789abcdef01234567 with uncommitted changes, built from a commit of 2026-03-03T10:00:00Z)"},
		{"", "", "", &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}}, "retainctl v1.4.0 (commit and date unknown"},
		{"", "", "", nil, "retainctl dev (commit and date unknown"},
	} {
		if got := buildOf(tc.v, tc.c, tc.d, tc.info).String(); !strings.HasPrefix(got, tc.want) {
			t.Errorf("buildOf(%q, %q, %q) = %q, want %q", tc.v, tc.c, tc.d, got, tc.want)
		}
	}
	if code, out, _ := cli(t, "version"); code != exitOK || !strings.HasPrefix(out, "retainctl ") {
		t.Errorf("retainctl version: exit %d: %q", code, out)
	}
}
