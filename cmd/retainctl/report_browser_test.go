//go:build browser

package main

import (
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// chromium finds a Chromium or Chrome binary: RETAINCTL_CHROMIUM, else the
// names Debian's and others' packages install.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("RETAINCTL_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no chromium found (apt-get install -y --no-install-recommends chromium, or set RETAINCTL_CHROMIUM): the report is not rendered in a browser")
	return ""
}

// headless runs the browser on page with args and returns its stdout.
func headless(t *testing.T, bin, page string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
		"--user-data-dir=" + t.TempDir(), "--window-size=1000,1800"}
	cmd := exec.CommandContext(ctx, bin, append(append(base, args...), "file://"+page)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", bin, err, stderr.String())
	}
	return out
}

// TestReportInABrowser renders the HTML report of the demo organisation,
// read through the simulator, in headless Chromium: the DOM it builds
// holds the gap and the chart with both sides, and the screenshot shows
// the chart's bars painted (no script runs: the page's CSP forbids it).
func TestReportInABrowser(t *testing.T) {
	bin := chromium(t)
	inExample(t)
	if code, _, errOut := cli(t, "report", "--sim", "--format", "html", "--out", "report.html"); code != exitOK {
		t.Fatalf("report: exit %d %s", code, errOut)
	}
	page, err := filepath.Abs("report.html")
	if err != nil {
		t.Fatal(err)
	}
	dom := string(headless(t, bin, page, "--dump-dom"))
	for _, want := range []string{
		"Gaps: recordings no enabled policy covers are kept indefinitely by the platform:",
		"call × OUTBOUND", `class="gap"`, "Current against planned",
		`<svg id="storage-chart"`, `class="bar current"`, `class="bar planned"`, "5 years",
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("the rendered DOM lacks %q", want)
		}
	}
	if strings.Contains(dom, "<script") {
		t.Error("the rendered DOM holds a script")
	}
	// Every bar of the chart has a height: the gaps' red on top of each.
	gaps := regexp.MustCompile(`<rect class="gap"[^>]* height="([0-9.]+)"`).FindAllStringSubmatch(dom, -1)
	if len(gaps) != 6 {
		t.Fatalf("want 6 bars (current and planned at 1, 3, 5 years), found %d in\n%s", len(gaps), dom)
	}
	for _, g := range gaps {
		if h, _ := strconv.ParseFloat(g[1], 64); h <= 0 {
			t.Errorf("a gap bar of height %s", g[1])
		}
	}

	shot := filepath.Join(t.TempDir(), "report.png")
	headless(t, bin, page, "--screenshot="+shot, "--hide-scrollbars")
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	colours := map[string][3]uint32{"gaps #d44": {0xdd, 0x44, 0x44}, "planned #4a7": {0x44, 0xaa, 0x77}, "current #79b": {0x77, 0x99, 0xbb}}
	for name, want := range colours {
		n := 0
		b := img.Bounds()
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				r, g, bl, _ := img.At(x, y).RGBA()
				if near(r>>8, want[0]) && near(g>>8, want[1]) && near(bl>>8, want[2]) {
					n++
				}
			}
		}
		if n < 200 {
			t.Errorf("the screenshot shows %d pixels of %s: the chart was not painted", n, name)
		}
	}
}

func near(a, b uint32) bool { return a+6 >= b && b+6 >= a }
