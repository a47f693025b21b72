package redact

import (
	"io"
	"sync"
)

// Writer masks secrets in everything written through it. A secret split
// across Write calls is still masked: bytes that could be the start of a
// secret are held back until the next Write shows whether they are, or until
// Flush. Writer is safe for concurrent use; writes are masked in call order.
type Writer struct {
	mu   sync.Mutex
	m    *Masker
	w    io.Writer
	held []byte
}

// NewWriter returns a Writer that masks with m and writes to w.
func NewWriter(w io.Writer, m *Masker) *Writer {
	return &Writer{m: m, w: w}
}

// Write masks p and writes what can be decided so far. It reports len(p) on
// success, as io.Writer requires, even though some bytes may still be held.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.emit(append(w.held, p...), false); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes any held bytes: call it before the process exits or when the
// stream ends (a command's last output).
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.emit(w.held, true)
}

// Close flushes; it does not close the underlying writer.
func (w *Writer) Close() error { return w.Flush() }

func (w *Writer) emit(buf []byte, final bool) error {
	var out, rest []byte
	if w.m == nil {
		out = buf
	} else {
		w.m.mu.RLock()
		out, rest, _ = w.m.scan(nil, buf, final)
		w.m.mu.RUnlock()
	}
	// Copy rest: it aliases buf, which may alias the caller's p.
	w.held = append(w.held[:0:0], rest...)
	if len(out) == 0 {
		return nil
	}
	_, err := w.w.Write(out)
	return err
}
