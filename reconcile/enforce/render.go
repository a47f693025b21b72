package enforce

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// WriteText prints the run as a table, then notes and totals.
func WriteText(w io.Writer, r Report) error {
	mode := ""
	if r.DryRun {
		mode = " (dry run: jobs built, counted and cancelled; nothing deleted or archived)"
	}
	fmt.Fprintf(w, "enforce at %s%s\n", r.Now.UTC().Format(time.RFC3339), mode)
	if len(r.Policies) == 0 {
		_, err := fmt.Fprintln(w, "no policy is due: nothing to enforce")
		return err
	}
	if len(r.Jobs) > 0 {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "\nPOLICY\tACTION\tCREATED (INTERVAL)\tJOB\tOUTCOME\tCONVERSATIONS\tRECORDINGS\tPROCESSED\tFAILED\tSKIPPED")
		for _, j := range r.Jobs {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\n", j.Policy, j.Action, j.Interval,
				orDash(j.JobID), j.Outcome, j.Conversations, j.Recordings, j.Processed, j.Failed, j.Skipped)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	writeNotes(w, r)
	if !r.Horizon.IsZero() && len(r.Jobs) > 0 {
		fmt.Fprintf(w, "\nJobs reach conversations back to %s: Genesys' conversation query covers five years, so older recordings are not enforced.\n",
			r.Horizon.UTC().Format(time.DateOnly))
	}
	t := r.Totals
	_, err := fmt.Fprintf(w, "\n%d jobs: %d succeeded, %d unsuccessful; %d conversations, %d recordings: %d processed, %d failed, %d skipped\n",
		t.Jobs, t.Succeeded, t.Unsuccessful, t.Conversations, t.Recordings, t.Processed, t.Failed, t.Skipped)
	return err
}

func writeNotes(w io.Writer, r Report) {
	var notes []string
	for _, p := range r.Policies {
		if p.Missed != "" {
			notes = append(notes, fmt.Sprintf("%s: catching up on its run of %s, which no enforcement completed", p.Name, p.Missed))
		}
		if p.Forced {
			notes = append(notes, fmt.Sprintf("%s: selected by --policy (its schedule was not consulted)", p.Name))
		}
		if p.KeptDays > 0 {
			notes = append(notes, fmt.Sprintf("%s: deletes only recordings older than %d days: %s keep(s) them that long, and Genesys keeps the longest", p.Name, p.KeptDays, strings.Join(p.KeptFor, ", ")))
		}
		if p.Refused != "" {
			notes = append(notes, fmt.Sprintf("%s: not enforced: %s", p.Name, p.Refused))
		} else if p.Jobs == 0 {
			notes = append(notes, fmt.Sprintf("%s: no recordings can be due (its dateRange ends after the cutoff)", p.Name))
		}
	}
	for _, j := range r.Jobs {
		if j.Error != "" {
			notes = append(notes, fmt.Sprintf("%s %s %s: %s", j.Policy, j.Action, orDash(j.JobID), j.Error))
		}
	}
	if len(r.ActiveJobs) > 0 {
		notes = append(notes, fmt.Sprintf("%d recording jobs were already active in the organisation; this run used the remaining slots", len(r.ActiveJobs)))
	}
	for _, e := range r.Errors {
		notes = append(notes, "error: "+e)
	}
	if len(notes) > 0 {
		fmt.Fprintln(w)
	}
	for _, n := range notes {
		fmt.Fprintln(w, "- "+n)
	}
}

// WriteJSON writes the report as one JSON document, with "ok".
func WriteJSON(w io.Writer, r Report) error {
	if r.Policies == nil {
		r.Policies = []PolicyReport{}
	}
	if r.Jobs == nil {
		r.Jobs = []Result{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		OK bool `json:"ok"`
		Report
	}{r.OK(), r})
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
