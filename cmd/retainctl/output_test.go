package main

import (
	"strings"
	"testing"
	"time"
)

// fakeProgress is apply's progress on a log (not a terminal) with a clock
// the test moves.
func fakeProgress(pace int) (*applyProgress, *strings.Builder, *time.Time) {
	var b strings.Builder
	clock := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	p := &applyProgress{w: &b, c: console{pace: pace}, start: clock, every: 10 * time.Second}
	p.now = func() time.Time { return clock }
	return p, &b, &clock
}

func TestApplyProgressInALogEveryTenthOrTenSeconds(t *testing.T) {
	p, b, clock := fakeProgress(0)
	for done := 1; done <= 100; done++ {
		*clock = clock.Add(10 * time.Millisecond)
		p.step(done, 100)
	}
	// The first step shows the run has started, then one line per tenth.
	if n := strings.Count(b.String(), "\n"); n != 11 || !strings.HasPrefix(b.String(), "retainctl: applying: 1/100 changes\nretainctl: applying: 10/100 changes\n") {
		t.Errorf("100 quick steps gave %d lines, want the first and one per tenth:\n%s", n, b)
	}
	p, b, clock = fakeProgress(0)
	for done := 1; done <= 5; done++ {
		*clock = clock.Add(11 * time.Second)
		p.step(done, 1000)
	}
	if n := strings.Count(b.String(), "\n"); n != 5 {
		t.Errorf("slow steps 11 s apart gave %d lines, want 5:\n%s", n, b)
	}
	p.step(1000, 1000)
	if !strings.HasSuffix(b.String(), "retainctl: applying: 1000/1000 changes, 18.2/s in 55s\n") {
		t.Errorf("the last line:\n%s", b)
	}
}

func TestApplyProgressSaysWhenTheRateLimitSetsThePace(t *testing.T) {
	p, _, _ := fakeProgress(300)
	// 270 changes in 30 s: 90 % of the minute's allowance of 300 is gone.
	got := p.line(270, 500, 30*time.Second)
	want := "applying: 270/500 changes, 9.0/s, about 46s left (paced by the rate limit, 300 requests/min)"
	if got != want {
		t.Errorf("paced:\n%s\nwant\n%s", got, want)
	}
	// Ten minutes in, 2,990 of 3,000 allowed: still the limit, at 5/s.
	if got := p.line(2990, 4000, 10*time.Minute); !strings.Contains(got, "about 3m23s left (paced by the rate limit") {
		t.Errorf("paced, later: %s", got)
	}
	// 60 changes in 30 s is the API's own speed, far below the limit.
	if got := p.line(60, 500, 30*time.Second); strings.Contains(got, "paced") || !strings.Contains(got, "2.0/s, about 3m40s left") {
		t.Errorf("not paced: %s", got)
	}
	if got := p.line(1, 1, 10*time.Millisecond); got != "applying: 1/1 change" {
		t.Errorf("one change, at once: %q", got)
	}
}
