package policy

import (
	"embed"
	"fmt"
)

//go:embed schema/*.schema.json
var schemas embed.FS

// SchemaKinds are the documents Schema describes.
var SchemaKinds = []string{"policy", "settings"}

// Schema returns the JSON Schema (draft 2020-12) of a policy document
// ("policy") or of retainctl.yaml ("settings"), for editors' YAML support.
func Schema(kind string) ([]byte, error) {
	b, err := schemas.ReadFile("schema/" + kind + ".schema.json")
	if err != nil {
		return nil, fmt.Errorf("unknown schema kind %q: use policy or settings", kind)
	}
	return b, nil
}
