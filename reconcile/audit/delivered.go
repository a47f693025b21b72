package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"
)

// DeliveredPath is the sidecar that records acknowledged deliveries: one
// JSON line per 2xx answer, listing the event ids it covered.
func DeliveredPath(logPath string) string { return logPath + ".delivered" }

// deliveryRecord is one line of the sidecar.
type deliveryRecord struct {
	DeliveryID string    `json:"deliveryId"`
	Time       time.Time `json:"time"`
	Status     int       `json:"status"`
	EventIDs   []string  `json:"eventIds"`
}

// readDelivered returns the set of acknowledged event ids. Torn lines are
// skipped with a warning: their events are simply sent again.
func readDelivered(path string) (map[string]bool, []Warning, error) {
	done := map[string]bool{}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return done, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("audit delivery state: %w", err)
	}
	var warns []Warning
	for n, line := range bytes.Split(data, []byte("\n")) {
		var rec deliveryRecord
		if len(line) == 0 {
			continue
		}
		if err := json.Unmarshal(line, &rec); err != nil {
			warns = append(warns, Warning{Line: n + 1, Reason: fmt.Sprintf("%s: unreadable delivery record (torn by a crash?); its events will be sent again", path)})
			continue
		}
		for _, id := range rec.EventIDs {
			done[id] = true
		}
	}
	return done, warns, nil
}

// appendDelivered durably records that rec's events were acknowledged.
func appendDelivered(path string, rec deliveryRecord) error {
	line, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	f, err := openAppend(path)
	if err != nil {
		return err
	}
	if _, err := terminateTail(f); err != nil {
		f.Close()
		return err
	}
	_, werr := f.Write(append(line, '\n'))
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		return fmt.Errorf("audit delivery state %s: %w", path, err)
	}
	return nil
}

// terminateTail ends a torn last line (a crash mid-write) so the next record
// starts on a line of its own, and reports whether it had to.
func terminateTail(f *os.File) (bool, error) {
	st, err := f.Stat()
	if err != nil || st.Size() == 0 {
		return false, err
	}
	last := make([]byte, 1)
	if _, err := f.ReadAt(last, st.Size()-1); err != nil {
		return false, err
	}
	if last[0] == '\n' {
		return false, nil
	}
	if _, err := f.Write([]byte{'\n'}); err != nil {
		return true, err
	}
	return true, f.Sync()
}
