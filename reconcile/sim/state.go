package sim

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/retainctl/retainctl/reconcile/genesys"
)

//go:embed seed.json
var demoSeed []byte

// state is everything the org remembers between runs. Recordings are not
// stored one by one: they are regenerated from their seed and only what
// jobs changed is kept.
type state struct {
	Policies      []genesys.Policy      `json:"policies"`
	Jobs          []*job                `json:"jobs"`
	DataRetention genesys.DataRetention `json:"dataRetention"`
	Recordings    recordingState        `json:"recordings"`
	// Protected are the conversation ids under deletion protection (legal
	// holds), sorted; absent in state files written before it existed.
	Protected []string `json:"protectedConversations"`
	Mutations int64    `json:"mutations"`

	recs      []*Recording
	protected map[string]bool
}

type recordingState struct {
	Seed        int64     `json:"seed"`
	GeneratedAt time.Time `json:"generatedAt"`
	// HistoryDays is how far back recordings go (0: defaultHistoryDays).
	HistoryDays int      `json:"historyDays,omitempty"`
	Deleted     []string `json:"deleted"`
	Archived    []string `json:"archived"`
}

func (o *Org) loadOrInit() (*state, error) {
	if o.opts.StatePath != "" {
		data, err := os.ReadFile(o.opts.StatePath)
		if err == nil {
			return decodeState(o.opts.StatePath, data)
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("sim: read state: %w", err)
		}
	}
	now := o.opts.Now().UTC()
	st := &state{
		Policies:      []genesys.Policy{},
		Jobs:          []*job{},
		DataRetention: genesys.DataRetention{RetentionDays: 1825, DateCreated: stamp(now), DateModified: stamp(now)},
		Recordings:    recordingState{Seed: o.opts.Seed, GeneratedAt: now, HistoryDays: o.opts.HistoryDays},
		protected:     map[string]bool{},
	}
	st.recs = st.Recordings.generate()
	if o.opts.Demo {
		var seed []genesys.Policy
		if err := json.Unmarshal(demoSeed, &seed); err != nil {
			return nil, fmt.Errorf("sim: embedded seed.json: %w", err)
		}
		ids := newIDSource(o.opts.Seed, -1)
		for _, p := range seed {
			p.ID = ids.next()
			p.CreatedDate, p.ModifiedDate = stamp(now), stamp(now)
			p.SelfURI = policiesPath + "/" + p.ID
			st.Policies = append(st.Policies, p)
		}
	}
	if o.opts.StatePath != "" {
		if err := st.save(o.opts.StatePath); err != nil {
			return nil, err
		}
	}
	return st, nil
}

func decodeState(path string, data []byte) (*state, error) {
	var st state
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("sim: state file %s is not valid (%v); delete it to start afresh", path, err)
	}
	if st.Policies == nil {
		st.Policies = []genesys.Policy{}
	}
	if st.Recordings.HistoryDays < 0 || st.Recordings.HistoryDays > maxHistoryDays {
		return nil, fmt.Errorf("sim: state file %s: historyDays %d is not between 0 and %d; delete it to start afresh", path, st.Recordings.HistoryDays, maxHistoryDays)
	}
	st.recs = st.Recordings.generate()
	st.protected = setOf(st.Protected)
	deleted, archived := setOf(st.Recordings.Deleted), setOf(st.Recordings.Archived)
	for _, r := range st.recs {
		r.Deleted, r.Archived = deleted[r.RecordingID], archived[r.RecordingID]
	}
	return &st, nil
}

func setOf(ids []string) map[string]bool {
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// save writes the state atomically: a temporary file renamed over the old.
func (st *state) save(path string) error {
	st.Recordings.Deleted, st.Recordings.Archived = []string{}, []string{}
	st.Protected = make([]string, 0, len(st.protected))
	for id := range st.protected {
		st.Protected = append(st.Protected, id)
	}
	slices.Sort(st.Protected)
	for _, r := range st.recs {
		if r.Deleted {
			st.Recordings.Deleted = append(st.Recordings.Deleted, r.RecordingID)
		}
		if r.Archived {
			st.Recordings.Archived = append(st.Recordings.Archived, r.RecordingID)
		}
	}
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("sim: save state: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".sim-state-*")
	if err != nil {
		return fmt.Errorf("sim: save state: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("sim: save state: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("sim: save state: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("sim: save state: %w", err)
	}
	return nil
}

// commit records a mutation and persists it. Call with o.mu held.
func (o *Org) commit() error {
	o.st.Mutations++
	if o.opts.StatePath == "" {
		return nil
	}
	return o.st.save(o.opts.StatePath)
}

// Save writes the state file now (a no-op without StatePath).
func (o *Org) Save() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.opts.StatePath == "" {
		return nil
	}
	return o.st.save(o.opts.StatePath)
}

// stamp formats a time as the API does.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
