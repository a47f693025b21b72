// Writing the report: as text for people and as a JSON file beside the log.

package audit

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/retainctl/retainctl/reconcile/redact"
)

// reportPath is where the report of run runID is written: beside the log.
func reportPath(logPath, runID string) string {
	return filepath.Join(filepath.Dir(logPath), "retainctl-report-"+runID+".json")
}

// writeReportFile writes r as indented JSON to path, masked, atomically
// (temporary file, fsync, rename).
func writeReportFile(path string, r Report, m *redact.Masker) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("audit report: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".retainctl-report-*")
	if err != nil {
		return fmt.Errorf("audit report: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	_, werr := tmp.Write(append(m.Bytes(data), '\n'))
	serr := tmp.Sync()
	if err := errors.Join(werr, serr, tmp.Close()); err != nil {
		return fmt.Errorf("audit report: write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("audit report: %w", err)
	}
	return nil
}

// WriteText prints r for people (stderr in the CLI).
func (r Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Audit report, run %s (%.1fs)\n", r.RunID, r.DurationMs/1000)
	fmt.Fprintf(&b, "  changes:   %d applied, %d failed, %d skipped, %d dry-run; success rate %s\n",
		r.Changes.Applied, r.Changes.Failed, r.Changes.Skipped, r.Changes.DryRun, percent(r.Changes.SuccessRate))
	if r.Conflicts.Creates > 0 || r.Conflicts.Resolved > 0 { // an enforce run creates no policy: no line
		fmt.Fprintf(&b, "  conflicts: %d resolved of %d creates; conflict rate %s\n",
			r.Conflicts.Resolved, r.Conflicts.Creates, percent(r.Conflicts.Rate))
	}
	q := r.Requests
	fmt.Fprintf(&b, "  requests:  %d (%d failed, %d retries); latency avg %.0fms p50 %.0fms p95 %.0fms max %.0fms\n",
		q.Total, q.Failed, q.Retries, q.AvgMs, q.P50Ms, q.P95Ms, q.MaxMs)
	fmt.Fprintf(&b, "  429s:      %d, %.1fs spent waiting; paced %.1fs\n", q.RateLimited, q.RateLimitWaitMs/1000, q.PaceWaitMs/1000)
	j := r.Jobs
	fmt.Fprintf(&b, "  jobs:      %d created, %d fulfilled, %d failed, %d cancelled; duration avg %.1fs max %.1fs\n",
		j.Created, j.Fulfilled, j.Failed, j.Cancelled, j.AvgMs/1000, j.MaxMs/1000)
	fmt.Fprintf(&b, "  errors:    %d\n", r.Errors)
	var counts []string
	for _, t := range eventTypes {
		if n := r.Events[t]; n > 0 {
			counts = append(counts, fmt.Sprintf("%s=%d", t, n))
		}
	}
	fmt.Fprintf(&b, "  events:    %s\n", strings.Join(counts, " "))
	_, err := io.WriteString(w, b.String())
	return err
}

func percent(r *float64) string {
	if r == nil {
		return "n/a"
	}
	return fmt.Sprintf("%.1f%%", *r*100)
}
