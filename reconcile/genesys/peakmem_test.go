package genesys_test

import (
	"runtime"
	"runtime/metrics"
	"testing"
	"time"
)

// heapObjects is the runtime metric peakMeter samples: the bytes of heap
// objects, live or dead and not yet swept, so roughly what the heap holds at
// that moment (a benchmark's ns/op and B/op say nothing of the peak).
const heapObjects = "/memory/classes/heap/objects:bytes"

// peakMeter finds the most heap an operation holds at once, above what was
// live before it, by sampling heapObjects every millisecond while it runs.
// A sample can miss a peak shorter than a millisecond; an in-process server
// counts too. Not for concurrent use.
//
//	m := &peakMeter{}
//	for b.Loop() {
//		b.StopTimer(); m.start(); b.StartTimer()
//		work()
//		m.stop()
//	}
//	m.report(b)
type peakMeter struct {
	base, peak uint64 // this operation's starting level; the highest rise of all
	quit, done chan struct{}
}

// start collects garbage, so that the operation starts from what is live,
// and samples until stop.
func (m *peakMeter) start() {
	runtime.GC()
	m.base = heapNow()
	m.quit, m.done = make(chan struct{}), make(chan struct{})
	go m.sample()
}

func (m *peakMeter) sample() {
	defer close(m.done)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for {
		m.note(heapNow())
		select {
		case <-m.quit:
			return
		case <-tick.C:
		}
	}
}

// note keeps v's rise above the base if it is the highest yet.
func (m *peakMeter) note(v uint64) {
	if v > m.base {
		m.peak = max(m.peak, v-m.base)
	}
}

// stop ends the sampling, with one last sample.
func (m *peakMeter) stop() {
	close(m.quit)
	<-m.done
	m.note(heapNow())
}

// report adds the highest rise of every operation as peak-MiB.
func (m *peakMeter) report(b *testing.B) {
	b.ReportMetric(float64(m.peak)/(1<<20), "peak-MiB")
}

func heapNow() uint64 {
	s := []metrics.Sample{{Name: heapObjects}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

func TestPeakMeterSeesAnAllocation(t *testing.T) {
	m := &peakMeter{}
	m.start()
	held := make([]byte, 8<<20)
	for i := range held {
		held[i] = 1
	}
	time.Sleep(3 * time.Millisecond)
	m.stop()
	runtime.KeepAlive(held)
	// Other goroutines' garbage, freed meanwhile, lowers the level under
	// the base a little (CI saw 8,337,168 bytes for the 8 MiB), so the
	// meter must see most of the 8 MiB, not all of it.
	if m.peak < 6<<20 {
		t.Errorf("peak %d bytes, want most of the 8 MiB held", m.peak)
	}
}
