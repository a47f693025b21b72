package genesys

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestRegionTable(t *testing.T) {
	if n := len(Regions()); n != 18 {
		t.Fatalf("%d regions, want the SDKs' 18", n)
	}
	for in, want := range map[string]string{
		"":                    "https://api.mypurecloud.com",
		"us-east-1":           "https://api.mypurecloud.com",
		"EU_WEST_1":           "https://api.mypurecloud.ie",
		"mypurecloud.ie":      "https://api.mypurecloud.ie",
		"api.usw2.pure.cloud": "https://api.usw2.pure.cloud",
		"eusc-de-east-1":      "https://api.edee1.eusc-pure.cloud",
	} {
		got, err := RegionBaseURL(in)
		if err != nil || got != want {
			t.Errorf("RegionBaseURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := RegionBaseURL("mars-1"); err == nil || !strings.Contains(err.Error(), "eu-west-1") {
		t.Errorf("unknown region: want a list of valid ones, got %v", err)
	}
}

func TestTokenURLFor(t *testing.T) {
	for in, want := range map[string]string{
		"https://api.mypurecloud.ie":      "https://login.mypurecloud.ie/oauth/token",
		"https://API.usw2.pure.cloud/":    "https://login.usw2.pure.cloud/oauth/token",
		"http://127.0.0.1:8765":           "http://127.0.0.1:8765/oauth/token",
		"http://127.0.0.1:8765/ignored?x": "http://127.0.0.1:8765/oauth/token",
	} {
		if got, err := TokenURLFor(in); err != nil || got != want {
			t.Errorf("TokenURLFor(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := TokenURLFor("mypurecloud.ie"); err == nil {
		t.Error("a URL without scheme must be rejected")
	}
}

func TestConfigFromEnv(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	cfg, err := ConfigFromEnv(env(map[string]string{EnvClientID: "id", EnvClientSecret: "s", EnvRegion: "eu_central_1"}))
	if err != nil || cfg.BaseURL != "https://api.mypurecloud.de" {
		t.Fatalf("got %+v, %v", cfg, err)
	}
	cfg, err = ConfigFromEnv(env(map[string]string{EnvAccessToken: "t", EnvAPIURL: "http://127.0.0.1:1"}))
	if err != nil || cfg.BaseURL != "http://127.0.0.1:1" || cfg.AccessToken != "t" {
		t.Fatalf("got %+v, %v", cfg, err)
	}
	_, err = ConfigFromEnv(env(map[string]string{EnvClientID: "id"}))
	if !errors.Is(err, ErrNoCredentials) || !strings.Contains(err.Error(), "missing: "+EnvClientSecret) {
		t.Fatalf("want a clear missing-credentials error, got %v", err)
	}
	_, err = ConfigFromEnv(env(map[string]string{EnvClientID: "id", EnvClientSecret: "s", EnvRegion: "nowhere"}))
	if err == nil || !strings.Contains(err.Error(), EnvRegion) {
		t.Fatalf("want a region error, got %v", err)
	}
}

func TestExpiryMargin(t *testing.T) {
	for life, want := range map[time.Duration]time.Duration{
		24 * time.Hour:   time.Minute,
		5 * time.Minute:  30 * time.Second,
		10 * time.Second: time.Second,
		0:                time.Millisecond,
	} {
		if got := expiryMargin(life); got != want {
			t.Errorf("expiryMargin(%s) = %s, want %s", life, got, want)
		}
	}
}

func TestAPIErrorText(t *testing.T) {
	body := []byte(`{"message":"Value [X] is not valid","code":"invalid.value","status":400,"contextId":"1234","details":[{"fieldName":"directions","errorCode":"invalid.value"}],"errors":[],"extra":1}`)
	e := decodeAPIError("PUT", "/api/v2/recording/mediaretentionpolicies/abc", 400, nil, body)
	want := "PUT /api/v2/recording/mediaretentionpolicies/abc: 400 invalid.value: Value [X] is not valid [directions invalid.value] (contextId 1234)"
	if e.Error() != want {
		t.Fatalf("got  %s\nwant %s", e.Error(), want)
	}
	html := decodeAPIError("GET", "/x", 502, nil, []byte("<html><body>\n<h1>502 Bad Gateway</h1></body></html>"))
	if html.Code != "" || !strings.Contains(html.Message, "502 Bad Gateway") {
		t.Fatalf("HTML body: %+v", html)
	}
	if e := decodeAPIError("GET", "/x", 503, nil, nil); e.Message != "Service Unavailable" {
		t.Fatalf("empty body: %+v", e)
	}
}

func TestIsRegionAPI(t *testing.T) {
	for url, want := range map[string]bool{
		"https://api.mypurecloud.ie":      true,
		"https://api.mypurecloud.ie/":     true,
		"https://API.usw2.pure.cloud":     true,
		"http://api.mypurecloud.ie":       false,
		"https://api.mypurecloud.ie:8443": false,
		"https://api.evil.example":        false,
		"https://u:p@api.mypurecloud.ie":  false,
		"https://api.mypurecloud.ie/x":    false,
		"https://api.mypurecloud.ie.evil": false,
	} {
		if got := IsRegionAPI(url); got != want {
			t.Errorf("IsRegionAPI(%q) = %v", url, got)
		}
	}
}
