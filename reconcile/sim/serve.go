package sim

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"
)

// shutdownGrace bounds the wait for requests in flight when serving ends.
const shutdownGrace = 5 * time.Second

// Serve answers on ln until ctx ends, then lets requests in flight finish
// (for a few seconds), saves the state and gives up the state file's lock.
// While it serves, the lock file says where.
func (o *Org) Serve(ctx context.Context, ln net.Listener) error {
	o.mu.Lock()
	if o.st.lock != nil {
		o.st.lock.note("http://" + ln.Addr().String())
	}
	o.mu.Unlock()
	defer o.unlock()
	srv := &http.Server{Handler: o, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return o.Save()
}

// Start serves the org on a free loopback port in the background, for a
// command's --sim, and returns its base URL and a stop func that shuts it
// down and saves the state.
func (o *Org) Start(ctx context.Context) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() { _ = o.Serve(sctx, ln); close(done) }()
	stop := func() { cancel(); <-done }
	return "http://" + ln.Addr().String(), stop, nil
}
