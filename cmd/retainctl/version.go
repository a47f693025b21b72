package main

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version, commit and date are stamped at link time by GoReleaser
// (.goreleaser.yaml) and by the action's build from source (action.yml):
//
//	-ldflags "-X main.version=v1.2.3 -X main.commit=<sha> -X main.date=<RFC 3339>"
//
// A plain `go build` in a clone leaves them empty; the version then comes
// from the module (go install ...@v1.2.3) and the commit and date from the
// VCS information the go command records.
var version, commit, date string

// buildInfo is what `retainctl version` reports.
type buildInfo struct {
	Version, Commit, Date string
	Modified              bool // built from a work tree with uncommitted changes
}

func currentBuild() buildInfo {
	info, _ := debug.ReadBuildInfo()
	return buildOf(version, commit, date, info)
}

// buildOf prefers what was stamped, then the build's own information.
func buildOf(version, commit, date string, info *debug.BuildInfo) buildInfo {
	b := buildInfo{Version: version, Commit: commit, Date: date}
	if info == nil {
		info = &debug.BuildInfo{}
	}
	if b.Version == "" {
		b.Version = "dev"
		if v := info.Main.Version; v != "" && v != "(devel)" {
			b.Version = v
		}
	}
	for _, s := range info.Settings {
		switch {
		case s.Key == "vcs.revision" && b.Commit == "":
			b.Commit = s.Value
		case s.Key == "vcs.time" && b.Date == "":
			b.Date = s.Value
		case s.Key == "vcs.modified" && commit == "":
			b.Modified = s.Value == "true"
		}
	}
	return b
}

func (b buildInfo) String() string {
	s := "retainctl " + b.Version
	if b.Commit == "" && b.Date == "" {
		return s + " (commit and date unknown: not a release, and built without VCS information)"
	}
	c := b.Commit
	if c == "" {
		c = "unknown"
	}
	if b.Modified {
		c += " with uncommitted changes"
	}
	d := b.Date
	if d == "" {
		d = "unknown"
	}
	return fmt.Sprintf("%s (commit %s, built from a commit of %s)", s, c, d)
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the retainctl version, commit and date",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintln(cmd.OutOrStdout(), currentBuild())
			return nil
		},
	}
}
