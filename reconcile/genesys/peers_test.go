package genesys_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// peer is another tool's way of calling the policy API, written with plain
// net/http so that the benchmarks can set retainctl beside it in one run. It
// is not retainctl's client: no pacing of its own, and a 429 is retried
// after its Retry-After, as the Genesys Go SDK under the Terraform provider
// does (platform-client-sdk-go's apiclient.go retries a 429 whose
// Retry-After is at most 180 s, through go-retryablehttp, whose default
// backoff sleeps the Retry-After; the provider allows 20 retries).
type peer struct {
	o      *limitedOrg
	http   *http.Client
	tokens []string
}

// peerRetries is the provider's RetryMax
// (genesyscloud/provider/provider.go).
const peerRetries = 20

// newPeer fetches n tokens at once, as the provider's pool of SDK clients
// does when it starts.
func newPeer(o *limitedOrg, n int) (*peer, error) {
	p := &peer{o: o, tokens: make([]string, n),
		http: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 32}}}
	return p, workers(n, n, func(_, i int) (err error) {
		p.tokens[i], err = p.grant()
		return err
	})
}

// grant fetches one token with the client credentials.
func (p *peer) grant() (string, error) {
	form := url.Values{"grant_type": {"client_credentials"}}
	req, err := http.NewRequest(http.MethodPost, p.o.srv.URL+"/oauth/token", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.SetBasicAuth("id", "secret")
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	resp, err := p.http.Do(req)
	if err != nil {
		return "", err
	}
	if err := decode(resp, &tok); err != nil {
		return "", fmt.Errorf("token grant: %w", err)
	}
	return tok.AccessToken, nil
}

// call sends method path (with body, when not nil) on token tok, retrying
// 429s, and decodes a 200's body into out, or returns a *statusError.
func (p *peer) call(tok, method, path string, body []byte, out any) error {
	for range peerRetries + 1 {
		req, err := http.NewRequest(method, p.o.srv.URL+path, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		resp, err := p.http.Do(req)
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusTooManyRequests {
			return decode(resp, out)
		}
		_ = resp.Body.Close()
		secs, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
		p.sleep(time.Duration(secs) * time.Second)
	}
	return fmt.Errorf("%s %s: still 429 after %d retries", method, path, peerRetries)
}

// statusError is an answer other than 200.
type statusError int

func (e statusError) Error() string { return "status " + strconv.Itoa(int(e)) }

// decode reads a 200's body into out (when not nil), or returns the status
// as a statusError.
func decode(resp *http.Response, out any) error {
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return statusError(resp.StatusCode)
	}
	if out == nil {
		_, err := io.Copy(io.Discard, resp.Body)
		return err
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// sleep waits d of the platform's time, at the org's scale.
func (p *peer) sleep(d time.Duration) {
	time.Sleep(d / time.Duration(p.o.scale))
}

// listIDs lists every policy page after page on tok, 100 to a page, as the
// provider's getAllPoliciesFn does, and returns their ids.
func (p *peer) listIDs(tok string) ([]string, error) {
	var ids []string
	for n, count := 1, 1; n <= count; n++ {
		var page struct {
			Entities  []struct{ ID string }
			PageCount int
		}
		path := "/api/v2/recording/mediaretentionpolicies?pageSize=100&pageNumber=" + strconv.Itoa(n)
		if err := p.call(tok, http.MethodGet, path, nil, &page); err != nil {
			return nil, fmt.Errorf("page %d: %w", n, err)
		}
		for _, e := range page.Entities {
			ids = append(ids, e.ID)
		}
		count = page.PageCount
	}
	return ids, nil
}

// get reads one policy by id and says whether it was there.
func (p *peer) get(tok, id string) (bool, error) {
	err := p.call(tok, http.MethodGet, policyPath+id, nil, nil)
	if errors.Is(err, statusError(http.StatusNotFound)) {
		return false, nil
	}
	return err == nil, err
}

// create makes the ith policy and returns its id.
func (p *peer) create(tok string, i int) (string, error) {
	body := fmt.Appendf(nil, `{"name":"bench %d","enabled":true}`, i)
	var made struct{ ID string }
	if err := p.call(tok, http.MethodPost, "/api/v2/recording/mediaretentionpolicies", body, &made); err != nil {
		return "", fmt.Errorf("create %d: %w", i, err)
	}
	return made.ID, nil
}

// workers runs do(k, i) for i in [0, n) on w workers, k being the worker,
// and returns the first error; after it the other jobs are skipped.
func workers(w, n int, do func(k, i int) error) error {
	jobs := make(chan int)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	failed := func(err error) bool {
		mu.Lock()
		defer mu.Unlock()
		if first == nil {
			first = err
		}
		return first != nil
	}
	for k := range w {
		wg.Go(func() {
			for i := range jobs {
				if !failed(nil) {
					failed(do(k, i))
				}
			}
		})
	}
	for i := range n {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return first
}

// providerWorkers is Terraform's default -parallelism, the resources the
// provider works on at once.
const providerWorkers = 10

// providerRefresh is the Terraform provider's refresh of n policies: the
// listing page after page on the first token, then one GET per policy on
// 10 workers, worker k on token k of the pool (one token: every call on
// it, as the provider was observed to send them).
func providerRefresh(p *peer, n int) error {
	ids, err := p.listIDs(p.tokens[0])
	if err != nil {
		return err
	}
	if len(ids) != n {
		return fmt.Errorf("listed %d policies, want %d", len(ids), n)
	}
	return workers(providerWorkers, n, func(k, i int) error {
		return p.mustGet(p.tokens[k%len(p.tokens)], ids[i])
	})
}

// mustGet reads policy id, which must be there.
func (p *peer) mustGet(tok, id string) error {
	found, err := p.get(tok, id)
	if err == nil && !found {
		err = fmt.Errorf("policy %s not found", id)
	}
	return err
}

// providerRefreshLoad is providerRefresh's load: the pages one after
// another after the grants, then the GETs 10 at a time.
func providerRefreshLoad(n, tokens int) load {
	pages := (n + 99) / 100
	return load{requests: pages + n, tokens: tokens, rounds: 1 + pages + (n+providerWorkers-1)/providerWorkers}
}

// providerApply is the provider creating n policies on 10 workers, every
// call on one token (observed). Each create is read back: in
// genesyscloud/recording_media_retention_policy/resource_genesyscloud_recording_media_retention_policy.go
// createMediaRetentionPolicy ends with readMediaRetentionPolicy, which GETs
// the policy by id (getPolicyById → GetRecordingMediaretentionpolicy).
func providerApply(p *peer, n int) error {
	tok := p.tokens[0]
	return workers(providerWorkers, n, func(_, i int) error {
		id, err := p.create(tok, i)
		if err != nil {
			return err
		}
		return p.mustGet(tok, id)
	})
}

// providerApplyLoad is providerApply's load: a create and its GET, 10 at a
// time, on one token.
func providerApplyLoad(n int) load {
	return load{requests: 2 * n, tokens: 1, rounds: 1 + 2*((n+providerWorkers-1)/providerWorkers)}
}

// tutorialPolls are the waits before each poll of the tutorial's job.
var tutorialPolls = []time.Duration{2 * time.Second, 4 * time.Second, 6 * time.Second}

// tutorialApply is the original tutorial's apply of n policies: one POST
// at a time on one token, each followed by polling until the policy is
// there, waiting 2 s, then 4 s, then 6 s before each GET. Against the real
// API a POST is synchronous, so the first poll finds it; the waits are
// spent all the same.
func tutorialApply(p *peer, n int) error {
	tok := p.tokens[0]
	for i := range n {
		id, err := p.create(tok, i)
		if err != nil {
			return err
		}
		if err := p.poll(tok, id); err != nil {
			return err
		}
	}
	return nil
}

// poll waits for policy id as the tutorial does.
func (p *peer) poll(tok, id string) error {
	for _, wait := range tutorialPolls {
		p.sleep(wait)
		if found, err := p.get(tok, id); found || err != nil {
			return err
		}
	}
	return fmt.Errorf("policy %s not there after %d polls", id, len(tutorialPolls))
}

// tutorialLoad is tutorialApply's load when each first poll finds its
// policy: a POST and a GET after another, n times, on one token. The
// tutorial's own waits are not the platform's, so they are not in it.
func tutorialLoad(n int) load {
	return load{requests: 2 * n, tokens: 1, rounds: 1 + 2*n}
}

// TestPeers runs each peer pattern on a small org a hundred times faster
// than the platform, the provider's apply into the limit and out of it
// through its 429s. The window (0.6 s) is long enough that the apply's 80
// requests meet the limit of 50 however slowly a loaded machine sends them.
func TestPeers(t *testing.T) {
	const scale = 100
	o := newScaledOrg(t, 50, time.Minute/scale, 0, 250, scale)
	p, err := newPeer(o, 10)
	if err != nil {
		t.Fatal(err)
	}
	if err := providerRefresh(p, 250); err != nil {
		t.Fatal("refresh:", err)
	}
	if err := tutorialApply(p, 3); err != nil {
		t.Fatal("tutorial:", err)
	}
	if err := providerApply(p, 40); err != nil {
		t.Fatal("apply:", err)
	}
	through, limited := o.counts()
	sum := 0
	for _, n := range through {
		sum += n
	}
	if want := 3 + 250 + 2*3 + 2*40; sum != want {
		t.Errorf("%d requests went through, want %d (3 pages, 250 GETs, 3 and 40 creates read back)", sum, want)
	}
	if limited[p.tokens[0]] == 0 {
		t.Error("80 requests on a token of 50 a window met no 429")
	}
}
