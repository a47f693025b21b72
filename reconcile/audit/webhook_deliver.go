// Webhook delivery: Deliverer.Flush posts pending journal events in signed
// batches, at least once and in order, retrying with backoff.

package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/retainctl/retainctl/reconcile/wait"
)

// maxResponseBody bounds how much of a receiver's answer is read.
const maxResponseBody = 64 << 10

// Deliverer sends pending audit events to the webhook: at least once, in log
// order, each event and delivery carrying a stable id receivers dedupe on.
type Deliverer struct {
	cfg   WebhookConfig
	url   *url.URL
	sleep func(context.Context, time.Duration) error
	now   func() time.Time
}

// NewDeliverer checks cfg (https unless loopback, a secret to sign with).
func NewDeliverer(cfg WebhookConfig) (*Deliverer, error) {
	u, err := checkWebhookURL(cfg.URL)
	if err != nil {
		return nil, err
	}
	if cfg.Secret == "" {
		return nil, fmt.Errorf("%s is empty: set it to the shared secret the receiver verifies %s with", EnvWebhookSecret, SignatureHeader)
	}
	return &Deliverer{cfg: cfg.withDefaults(), url: u, sleep: wait.Sleep, now: time.Now}, nil
}

// Payload is the JSON body of one delivery.
type Payload struct {
	DeliveryID string            `json:"deliveryId"`
	RunID      string            `json:"runId,omitempty"` // the run that sends (events carry their own)
	SentAt     time.Time         `json:"sentAt"`
	EventIDs   []string          `json:"eventIds"`
	Events     []json.RawMessage `json:"events"` // log lines, byte for byte
	Report     *Report           `json:"report,omitempty"`
}

// Result says what a Flush achieved.
type Result struct {
	Delivered int       // events acknowledged by this Flush
	Pending   int       // events still waiting for an acknowledgement
	Batches   int       // POSTs acknowledged
	Warnings  []Warning // skipped log or state lines
}

// Flush sends the events of the log at logPath that no receiver has
// acknowledged yet, in batches, and records each acknowledgement. report, when
// not nil, rides with the last batch (alone if nothing is pending). Delivery
// stops at the first batch that fails for good, so events arrive in order;
// the error says why and the Result how many are still pending.
func (d *Deliverer) Flush(ctx context.Context, logPath, runID string, report *Report) (Result, error) {
	entries, warns, err := ReadLog(logPath)
	if err != nil {
		return Result{}, err
	}
	done, dwarns, err := readDelivered(deliveredPath(logPath))
	if err != nil {
		return Result{}, err
	}
	res := Result{Warnings: append(warns, dwarns...)}
	var pending []Entry
	for _, e := range entries {
		if !done[e.Event.ID] {
			pending = append(pending, e)
		}
	}
	res.Pending = len(pending)
	for len(pending) > 0 || report != nil {
		n := min(len(pending), d.cfg.BatchSize)
		var attach *Report
		if n == len(pending) {
			attach, report = report, nil
		}
		if err := d.deliver(ctx, logPath, runID, pending[:n], attach); err != nil {
			return res, fmt.Errorf("audit webhook %s: %w; %d events stay pending for the next run or `retainctl audit flush`", safeURL(d.url), err, res.Pending)
		}
		res.Delivered += n
		res.Pending -= n
		res.Batches++
		pending = pending[n:]
	}
	return res, nil
}

// deliver posts one batch until acknowledged, then records the acknowledgement.
func (d *Deliverer) deliver(ctx context.Context, logPath, runID string, batch []Entry, report *Report) error {
	p := Payload{DeliveryID: uuid.NewString(), RunID: runID, SentAt: d.now().UTC(), Report: report,
		EventIDs: make([]string, len(batch)), Events: make([]json.RawMessage, len(batch))}
	for i, e := range batch {
		p.EventIDs[i], p.Events[i] = e.Event.ID, e.Raw
	}
	body, err := json.Marshal(p)
	if err != nil {
		return err
	}
	// Events were masked when recorded; mask again for tokens learnt since.
	if body = d.cfg.Masker.Bytes(body); !json.Valid(body) {
		return errors.New("masking broke the payload; refusing to send it unmasked")
	}
	status, err := d.post(ctx, p.DeliveryID, body)
	if err != nil {
		return err
	}
	if len(batch) == 0 {
		return nil
	}
	return appendDelivered(deliveredPath(logPath), deliveryRecord{DeliveryID: p.DeliveryID, Time: d.now().UTC(), Status: status, EventIDs: p.EventIDs})
}

// post sends body, retrying network errors, 408, 429 and 5xx with
// exponential backoff and jitter (or the receiver's Retry-After, capped).
func (d *Deliverer) post(ctx context.Context, deliveryID string, body []byte) (int, error) {
	for attempt := 1; ; attempt++ {
		status, retryAfter, err := d.postOnce(ctx, deliveryID, body)
		if err == nil {
			return status, nil
		}
		var perm permanentError
		if errors.As(err, &perm) || ctx.Err() != nil {
			return status, err
		}
		if attempt >= d.cfg.MaxAttempts {
			return status, fmt.Errorf("%w (gave up after %d attempts)", err, attempt)
		}
		wait := d.backoff(attempt)
		if retryAfter > 0 {
			wait = min(retryAfter, d.cfg.MaxRetryAfter)
		}
		if err := d.sleep(ctx, wait); err != nil {
			return status, err
		}
	}
}

// permanentError is a 4xx answer other than 408 and 429: retrying the same
// body will not help.
type permanentError struct{ error }

func (d *Deliverer) postOnce(ctx context.Context, deliveryID string, body []byte) (status int, retryAfter time.Duration, err error) {
	ctx, cancel := context.WithTimeout(ctx, d.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.url.String(), bytes.NewReader(body))
	if err != nil {
		return 0, 0, permanentError{errors.New("cannot build the request")}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "retainctl-audit")
	req.Header.Set(DeliveryHeader, deliveryID)
	req.Header.Set(SignatureHeader, sign([]byte(d.cfg.Secret), body))
	resp, err := d.cfg.Client.Do(req)
	if err != nil {
		// *url.Error repeats the full URL; report only the cause.
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return 0, 0, fmt.Errorf("POST failed: %s", d.cfg.Masker.String(err.Error()))
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
	io.Copy(io.Discard, io.LimitReader(resp.Body, maxResponseBody)) // let the connection be reused
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return resp.StatusCode, 0, nil
	}
	err = fmt.Errorf("receiver answered %s%s", resp.Status, describeBody(d.cfg.Masker.Bytes(snippet)))
	switch {
	case resp.StatusCode == http.StatusRequestTimeout, resp.StatusCode == http.StatusTooManyRequests, resp.StatusCode >= 500:
		return resp.StatusCode, wait.RetryAfter(resp.Header.Get("Retry-After"), d.now()), err
	default:
		return resp.StatusCode, 0, permanentError{err}
	}
}

func describeBody(b []byte) string {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return ""
	}
	if len(b) > 200 {
		b = append(b[:200:200], "…"...)
	}
	return ": " + strconv.Quote(string(b))
}

// backoff is BaseDelay·2^(attempt-1), capped at MaxDelay, with equal jitter.
func (d *Deliverer) backoff(attempt int) time.Duration {
	exp := d.cfg.BaseDelay << min(attempt-1, 30)
	if exp <= 0 || exp > d.cfg.MaxDelay {
		exp = d.cfg.MaxDelay
	}
	half := exp / 2
	return half + rand.N(half+1)
}
