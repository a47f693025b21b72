package policy

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/google/uuid"
)

// MaxConversationsFileSize bounds a hold's conversationsFile: about 200,000
// conversation ids.
const MaxConversationsFileSize = 8 << 20

// isHoldFile reports whether the walked path p is a hold's YAML file.
func isHoldFile(p string) bool {
	return strings.HasPrefix(p, HoldsDir+"/")
}

// ParseHolds decodes the hold documents of one file. It returns the holds
// that decoded cleanly and the problems of the others; a hold's
// conversationsFile is read later, by the loader.
func ParseHolds(file string, data []byte) ([]Hold, []Problem) {
	docs, problems := parseDocuments(file, data)
	var out []Hold
	for _, n := range docs {
		d := decoder{file: file, root: "the hold", policy: policyName(n)}
		var h Hold
		d.value(n, reflect.ValueOf(&h).Elem(), "")
		problems = append(problems, d.problems...)
		if d.typeErrors() {
			continue
		}
		h.Source = Source{File: file, Line: n.Line, Lines: keyLines(n, "", map[string]int{})}
		for i, id := range h.Conversations {
			if p := conversationID(id, file, h.Source.LineOf(fmt.Sprintf("conversations[%d]", i)), h.Name); p != nil {
				problems = append(problems, *p)
			}
			h.Conversations[i] = strings.ToLower(id) // Genesys writes ids in lower case; one id, one claim
		}
		out = append(out, h)
	}
	return out, problems
}

// conversationID checks that id is a conversation id (a UUID, as Genesys
// writes them), so a typo is caught at its line rather than holding nothing.
func conversationID(id, file string, line int, hold string) *Problem {
	if u, err := uuid.Parse(id); err == nil && len(id) == 36 && u.String() == strings.ToLower(id) {
		return nil
	}
	return &Problem{Rule: "hold.conversation-id", File: file, Line: line, Policy: hold,
		Message: fmt.Sprintf("%q is not a conversation id: write the conversation's UUID, such as 3f2c9a1e-0b7d-4e55-9c1a-2d4e6f8a0b1c", id)}
}

// loadHolds parses the hold files and reads each conversationsFile, which
// is relative to its hold's file and read the way policy files are: only a
// regular file, inside the directory, capped.
func loadHolds(fsys fs.FS, prefix string, files []string) ([]Hold, []Problem) {
	var holds []Hold
	var problems []Problem
	for _, f := range files {
		name := filepath.Join(prefix, filepath.FromSlash(f))
		data, err := readCapped(fsys, f)
		if err != nil {
			problems = append(problems, Problem{Rule: "file.read", File: name, Line: 1, Message: err.Error()})
			continue
		}
		hs, ps := ParseHolds(name, data)
		problems = append(problems, ps...)
		for _, h := range hs {
			if h.ConversationsFile != "" {
				ids, ps := conversationsFile(fsys, prefix, path.Dir(f), h)
				h.Conversations = append(h.Conversations, ids...)
				problems = append(problems, ps...)
			}
			holds = append(holds, h)
		}
	}
	return holds, append(problems, duplicateHolds(holds)...)
}

// conversationsFile reads the ids of h's conversationsFile, one per line;
// blank lines and lines starting with # are skipped.
func conversationsFile(fsys fs.FS, prefix, dir string, h Hold) ([]string, []Problem) {
	at := func(msg string) []Problem {
		return []Problem{{Rule: "hold.conversations-file", File: h.Source.File, Line: h.Source.LineOf("conversationsFile"), Policy: h.Name, Message: msg}}
	}
	rel := path.Join(dir, filepath.ToSlash(h.ConversationsFile))
	if !fs.ValidPath(rel) || path.IsAbs(filepath.ToSlash(h.ConversationsFile)) {
		return nil, at(fmt.Sprintf("conversationsFile %q is outside the policies directory: name a file inside it, relative to this hold's file", h.ConversationsFile))
	}
	info, err := fs.Lstat(fsys, rel)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, at(fmt.Sprintf("conversationsFile %q does not exist: name a file of conversation ids, relative to this hold's file", h.ConversationsFile))
	case err != nil:
		return nil, at(fmt.Sprintf("conversationsFile %q: %v", h.ConversationsFile, unwrapPath(err)))
	case !info.Mode().IsRegular():
		return nil, at(fmt.Sprintf("conversationsFile %q is %s: retainctl reads only regular files; replace it with the file itself", h.ConversationsFile, kindOf(info.Mode())))
	case info.Size() > MaxConversationsFileSize:
		return nil, at(fmt.Sprintf("conversationsFile %q is %d bytes, over the %d-byte limit: split the matter into several holds", h.ConversationsFile, info.Size(), MaxConversationsFileSize))
	}
	data, err := fs.ReadFile(fsys, rel)
	if err != nil {
		return nil, at(fmt.Sprintf("conversationsFile %q: %v", h.ConversationsFile, unwrapPath(err)))
	}
	file := filepath.Join(prefix, filepath.FromSlash(rel))
	var ids []string
	var problems []Problem
	line := 0
	for l := range bytes.Lines(data) { // the whole file is in memory, capped: no line is too long to read
		line++
		id := strings.TrimSpace(string(l))
		if id == "" || strings.HasPrefix(id, "#") {
			continue
		}
		if p := conversationID(id, file, line, h.Name); p != nil {
			problems = append(problems, *p)
			continue
		}
		ids = append(ids, strings.ToLower(id))
	}
	return ids, problems
}

// unwrapPath drops the path an fs error repeats, which the message names
// already as the user wrote it.
func unwrapPath(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}

// duplicateHolds reports a hold name used twice: the name is how the plan,
// the audit trail and a release refer to a hold.
func duplicateHolds(hs []Hold) []Problem {
	first := map[string]Hold{}
	var out []Problem
	for _, h := range hs {
		if h.Name == "" {
			continue // reported by the hold.required rule
		}
		key := NameKey(h.Name)
		if prev, ok := first[key]; ok {
			out = append(out, Problem{Rule: "hold.duplicate-name", File: h.Source.File, Line: h.Source.Line, Policy: h.Name,
				Message: fmt.Sprintf("hold name %q is already used at %s:%d: give each matter its own name", h.Name, prev.Source.File, prev.Source.Line)})
			continue
		}
		first[key] = h
	}
	return out
}
