package redact

import "strings"

// EnvVars are the variables whose values are secrets wherever they appear.
var EnvVars = []string{
	"GENESYSCLOUD_OAUTHCLIENT_SECRET",
	"GENESYSCLOUD_ACCESS_TOKEN",
	"RETAINCTL_AUDIT_WEBHOOK_SECRET",
	"GITHUB_TOKEN",
}

// MaskListVar holds extra comma-separated values to mask.
const MaskListVar = "RETAINCTL_MASK"

// FromEnv returns a Masker for the secret variables in EnvVars and every
// comma-separated value of RETAINCTL_MASK, read through getenv (os.Getenv in
// production, a map in tests).
func FromEnv(getenv func(string) string) *Masker {
	m := New()
	for _, name := range EnvVars {
		m.Add(getenv(name))
	}
	for _, v := range strings.Split(getenv(MaskListVar), ",") {
		m.Add(v)
	}
	m.AddBasicAuth(getenv("GENESYSCLOUD_OAUTHCLIENT_ID"), getenv("GENESYSCLOUD_OAUTHCLIENT_SECRET"))
	return m
}
