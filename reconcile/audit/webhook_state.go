// The webhook's delivery state: the <log>.delivered sidecar, one JSON line per
// acknowledged POST, from which Flush knows what is still pending.

package audit

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// deliveredPath is the sidecar that records acknowledged deliveries: one
// JSON line per 2xx answer, listing the event ids it covered.
func deliveredPath(logPath string) string { return logPath + ".delivered" }

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
	var warns []Warning
	err := readLines(path, func(n int, line []byte, tooLong bool) {
		var rec deliveryRecord
		if tooLong || json.Unmarshal(line, &rec) != nil {
			warns = append(warns, Warning{Line: n, Reason: fmt.Sprintf("%s: unreadable delivery record (torn by a crash?); its events will be sent again", path)})
			return
		}
		for _, id := range rec.EventIDs {
			done[id] = true
		}
	})
	if err != nil {
		return nil, nil, fmt.Errorf("audit delivery state: %w", err)
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
