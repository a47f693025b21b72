package policy

import (
	"embed"
	"fmt"
)

//go:embed schema/*.schema.json
var schemas embed.FS

// SchemaKinds are the documents Schema describes.
var SchemaKinds = []string{"policy", "settings", "hold"}

// Schema returns the JSON Schema (draft 2020-12) of a policy document
// ("policy"), of retainctl.yaml ("settings") or of a legal hold ("hold"),
// for editors' YAML support.
func Schema(kind string) ([]byte, error) {
	b, err := schemas.ReadFile("schema/" + kind + ".schema.json")
	if err != nil {
		return nil, fmt.Errorf("unknown schema kind %q: use policy, settings or hold", kind)
	}
	return b, nil
}
