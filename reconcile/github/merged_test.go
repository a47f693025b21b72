package github

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

func TestFindMergedPR(t *testing.T) {
	f, c := newTestClient(t)
	f.pulls["m1"] = []fakePR{
		{Number: 3, Merged: true, MergeCommitSHA: "other"},
		{Number: 9, Merged: false, MergeCommitSHA: "m1"},
		{Number: 12, Merged: true, MergeCommitSHA: "m1"},
	}
	f.pulls["squash"] = []fakePR{{Number: 5, Merged: true, MergeCommitSHA: "rebased-elsewhere"}, {Number: 6}}
	f.pulls["many"] = []fakePR{{Number: 1, Merged: true}, {Number: 2, Merged: true}}
	for i := range 130 { // the match is on the second page
		f.pulls["paged"] = append(f.pulls["paged"], fakePR{Number: 1000 + i, Merged: true, MergeCommitSHA: fmt.Sprint("x", i)})
	}
	f.pulls["paged"] = append(f.pulls["paged"], fakePR{Number: 77, Merged: true, MergeCommitSHA: "paged"})

	for _, tc := range []struct {
		sha     string
		want    int
		wantErr string
	}{
		{"m1", 12, ""},
		{"squash", 5, ""},
		{"paged", 77, ""},
		{"direct", 0, "did not come from a merged pull request"},
		{"many", 0, "several merged pull requests [1 2]"},
		{"", 0, "GITHUB_SHA is empty"},
	} {
		got, err := c.FindMergedPR(context.Background(), tc.sha)
		switch {
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("FindMergedPR(%q) error = %v, want %q", tc.sha, err, tc.wantErr)
		case tc.wantErr == "" && (err != nil || got != tc.want):
			t.Errorf("FindMergedPR(%q) = %d, %v, want %d", tc.sha, got, err, tc.want)
		}
	}
}
