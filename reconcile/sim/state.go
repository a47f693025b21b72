package sim

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
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
	lock      *stateLock // held while the org may write the state file
}

type recordingState struct {
	Seed        int64     `json:"seed"`
	GeneratedAt time.Time `json:"generatedAt"`
	// HistoryDays is how far back recordings go (0: defaultHistoryDays).
	HistoryDays int      `json:"historyDays,omitempty"`
	Deleted     []string `json:"deleted"`
	Archived    []string `json:"archived"`
}

// loadOrInit takes the state file's lock (see lockState) and reads the
// file, or makes a new state and writes it.
func (o *Org) loadOrInit() (*state, error) {
	if o.opts.StatePath == "" {
		return o.initState()
	}
	lock, err := lockState(o.opts.StatePath)
	if err != nil {
		return nil, err
	}
	st, err := o.readState()
	if err != nil {
		lock.release()
		return nil, err
	}
	st.lock = lock
	return st, nil
}

func (o *Org) readState() (*state, error) {
	data, err := os.ReadFile(o.opts.StatePath)
	if err == nil {
		return decodeState(o.opts.StatePath, data)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("sim: read state: %w", err)
	}
	return o.initState()
}

func (o *Org) initState() (*state, error) {
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
	return o.saveLocked()
}

// Save writes the state file now (a no-op without StatePath).
func (o *Org) Save() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.opts.StatePath == "" {
		return nil
	}
	return o.saveLocked()
}

// saveLocked saves under the file's lock, taking it again if serving ended
// and gave it up. Call with o.mu held.
func (o *Org) saveLocked() error {
	if o.st.lock == nil {
		lock, err := lockState(o.opts.StatePath)
		if err != nil {
			return err
		}
		o.st.lock = lock
	}
	return o.st.save(o.opts.StatePath)
}

// unlock gives up the state file's lock, for the next user of the file.
func (o *Org) unlock() {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.st.lock != nil {
		o.st.lock.release()
		o.st.lock = nil
	}
}

// stateLockWait is how long a second user of a state file waits for the
// first to finish (two --sim runs one after the other) before it gives up.
const stateLockWait = 3 * time.Second

// A state file has one writer at a time: `retainctl sim` and a --sim run
// on the same file would each keep their own copy in memory and save over
// the other's changes. The lock is an exclusive lock (flock, LockFileEx)
// on PATH.lock, which names its holder; orgs of one process (tests that
// reopen a file) share it.
type stateLock struct {
	path string // of the lock file
	f    *os.File
	n    int // orgs of this process holding it
}

var stateLocks = struct {
	sync.Mutex
	held map[string]*stateLock
}{held: map[string]*stateLock{}}

// ErrStateInUse is returned, wrapped with who holds it, when another
// process holds a state file.
var ErrStateInUse = errors.New("the simulator's state file is in use")

func lockState(statePath string) (*stateLock, error) {
	abs, err := filepath.Abs(statePath)
	if err != nil {
		return nil, fmt.Errorf("sim: state file: %w", err)
	}
	stateLocks.Lock()
	defer stateLocks.Unlock()
	if l := stateLocks.held[abs]; l != nil {
		l.n++
		return l, nil
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		return nil, fmt.Errorf("sim: state file: %w", err)
	}
	l := &stateLock{path: abs + ".lock", n: 1}
	if l.f, err = os.OpenFile(l.path, os.O_RDWR|os.O_CREATE, 0o644); err != nil {
		return nil, fmt.Errorf("sim: lock state file: %w", err)
	}
	for deadline := time.Now().Add(stateLockWait); ; time.Sleep(50 * time.Millisecond) {
		ok, err := tryLock(l.f)
		if err != nil {
			l.f.Close()
			return nil, fmt.Errorf("sim: lock state file %s: %w", l.path, err)
		}
		if ok {
			break
		}
		if time.Now().After(deadline) {
			holder, _ := io.ReadAll(io.LimitReader(l.f, 512))
			l.f.Close()
			who := strings.TrimSpace(string(holder))
			if who == "" {
				who = "another process"
			}
			return nil, fmt.Errorf("sim: %w: %s holds %s (waited %s): stop it, talk to it over HTTP instead of starting another simulator (docs/simulator.md), or give this run a state file of its own (--sim-state FILE)",
				ErrStateInUse, who, statePath, stateLockWait)
		}
	}
	l.note("")
	stateLocks.held[abs] = l
	return l, nil
}

// note writes the holder's line into the lock file: its pid, command and
// since when, and what it serves.
func (l *stateLock) note(serving string) {
	line := fmt.Sprintf("pid %d (%s) since %s", os.Getpid(), command(), time.Now().Format(time.TimeOnly))
	if serving != "" {
		line += ", serving " + serving
	}
	if err := l.f.Truncate(0); err == nil {
		_, _ = l.f.WriteAt([]byte(line+"\n"), 0)
	}
}

// command names this process for the lock file: the program and its verb,
// never the rest of the command line (it may hold a client secret).
func command() string {
	name := filepath.Base(os.Args[0])
	if len(os.Args) > 1 && verb.MatchString(os.Args[1]) {
		name += " " + os.Args[1]
	}
	return name
}

var verb = regexp.MustCompile(`^[a-z]{1,20}$`)

func (l *stateLock) release() {
	stateLocks.Lock()
	defer stateLocks.Unlock()
	if l.n--; l.n > 0 {
		return
	}
	delete(stateLocks.held, l.path[:len(l.path)-len(".lock")])
	_ = l.f.Truncate(0)
	_ = unlock(l.f)
	_ = l.f.Close()
}

// stamp formats a time as the API does.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
