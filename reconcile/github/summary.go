package github

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// summaryLimit keeps a step's summary under GitHub's 1 MiB (1,048,576 bytes).
const summaryLimit = 1_000_000

const summaryNote = "> [!WARNING]\n> Output cut here to stay under GitHub's 1 MiB job-summary limit. " +
	"The full plan is in the plan.json artifact, or run the same retainctl command locally."

// WriteStepSummary appends markdown to the job summary file at path
// ($GITHUB_STEP_SUMMARY), cut so the step's summary stays under 1 MiB. An
// empty path (not running in Actions) writes nothing.
func WriteStepSummary(path, markdown string) error {
	if path == "" {
		return nil
	}
	var used int64
	switch fi, err := os.Stat(path); {
	case err == nil:
		used = fi.Size()
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("job summary (GITHUB_STEP_SUMMARY): %w", err)
	}
	budget := summaryLimit - int(used)
	if budget <= 0 {
		return fmt.Errorf("job summary %s already holds %d bytes, GitHub's limit is 1 MiB: nothing added", path, used)
	}
	if markdown != "" && markdown[len(markdown)-1] != '\n' {
		markdown += "\n"
	}
	md, _ := fit(markdown, budget, byteLen, summaryNote)
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("job summary (GITHUB_STEP_SUMMARY): %w", err)
	}
	_, err = f.WriteString(md)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing the job summary %s: %w", path, err)
	}
	return nil
}
