package sim

import (
	"cmp"
	"encoding/binary"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Recording is one simulated recording with the dimensions job queries
// filter on. MediaType uses the analytics names: voice, chat, email, message.
type Recording struct {
	ConversationID string    `json:"conversationId"`
	RecordingID    string    `json:"recordingId"`
	MediaType      string    `json:"mediaType"`
	CreatedAt      time.Time `json:"creationTime"`
	SizeBytes      int64     `json:"sizeBytes"`
	Direction      string    `json:"direction"` // inbound | outbound
	QueueID        string    `json:"queueId"`
	UserID         string    `json:"userId"`
	TeamID         string    `json:"teamId"`
	WrapUpCode     string    `json:"wrapUpCode"`
	LanguageID     string    `json:"requestedLanguageId"`
	Archived       bool      `json:"archived"`
	Deleted        bool      `json:"deleted"`
}

// Fixed ids the demo policies and tests refer to.
var (
	Queues = []string{
		"5b7b5a0e-0d4e-4c2b-9a51-4a1f2c3d4e01",
		"5b7b5a0e-0d4e-4c2b-9a51-4a1f2c3d4e02",
		"5b7b5a0e-0d4e-4c2b-9a51-4a1f2c3d4e03",
		"5b7b5a0e-0d4e-4c2b-9a51-4a1f2c3d4e04",
	}
	WrapUpCodes = []string{
		"9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e01",
		"9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e02",
		"9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e05",
	}
	Teams     = []string{"7e1f0c2a-3b4d-4e5f-8a9b-0c1d2e3f4a01", "7e1f0c2a-3b4d-4e5f-8a9b-0c1d2e3f4a02"}
	Languages = []string{"3a2b1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c01", "3a2b1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c02"}
)

// mediaProfile sets how many recordings of a type exist and how big they are.
var mediaProfile = []struct {
	media    string
	min, max int   // count range
	avgBytes int64 // mean size
}{
	{"voice", 1200, 2400, 2_400_000},
	{"chat", 500, 1000, 40_000},
	{"email", 300, 700, 120_000},
	{"message", 300, 600, 8_000},
}

// How far back recordings go: three years unless Options say otherwise
// (further, to try agedConversationInterval jobs), and at most 20.
const (
	defaultHistoryDays = 3 * 365
	maxHistoryDays     = 20 * 365
)

// generate draws the org's recordings from the seed; the same seed, time
// and history always give the same recordings.
func (rs recordingState) generate() []*Recording {
	seed, now := rs.Seed, rs.GeneratedAt
	history := time.Duration(cmp.Or(rs.HistoryDays, defaultHistoryDays)) * 24 * time.Hour
	rng := rand.New(rand.NewPCG(uint64(seed), 0x7ec0))
	ids := idSource{rng}
	users := make([]string, 8)
	for i := range users {
		users[i] = ids.next()
	}
	var out []*Recording
	for _, mp := range mediaProfile {
		n := mp.min + rng.IntN(mp.max-mp.min+1)
		var conv string
		for i := range n {
			// Voice conversations sometimes hold two recordings (a transfer).
			if i == 0 || mp.media != "voice" || rng.IntN(5) != 0 {
				conv = ids.next()
			}
			out = append(out, &Recording{
				ConversationID: conv,
				RecordingID:    ids.next(),
				MediaType:      mp.media,
				CreatedAt:      now.Add(-time.Duration(rng.Int64N(int64(history)))).Truncate(time.Second),
				SizeBytes:      mp.avgBytes/2 + rng.Int64N(mp.avgBytes),
				Direction:      pick(rng, []string{"inbound", "inbound", "outbound"}),
				QueueID:        pick(rng, Queues),
				UserID:         pick(rng, users),
				TeamID:         pick(rng, Teams),
				WrapUpCode:     pick(rng, WrapUpCodes),
				LanguageID:     pick(rng, Languages),
			})
		}
	}
	return out
}

func pick(rng *rand.Rand, from []string) string { return from[rng.IntN(len(from))] }

// analyticsMedia maps a media name to the analytics mediaType ("" stays "").
func analyticsMedia(m string) string {
	m = strings.ToLower(m)
	if m == "call" {
		return "voice"
	}
	return m
}

// idSource draws UUIDs from a seeded generator, so ids are reproducible.
type idSource struct{ rng *rand.Rand }

func newIDSource(seed, stream int64) idSource {
	return idSource{rand.New(rand.NewPCG(uint64(seed), uint64(stream)))}
}

func (s idSource) next() string {
	var u uuid.UUID
	binary.BigEndian.PutUint64(u[:8], s.rng.Uint64())
	binary.BigEndian.PutUint64(u[8:], s.rng.Uint64())
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	return u.String()
}
