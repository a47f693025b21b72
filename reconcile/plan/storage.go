package plan

import (
	"math"
	"sort"
	"strings"

	"github.com/retainctl/retainctl/reconcile/policy"
)

// Storage is a policy's projected steady-state storage: daily volume ×
// multiplier × days kept, split into hot and archived when archiveAfter is set.
type Storage struct {
	ObjectType    policy.ObjectType `json:"objectType"`
	DailyVolumeGB float64           `json:"dailyVolumeGB"`
	Multiplier    float64           `json:"multiplier"`
	CurrentGB     float64           `json:"currentGB"`
	ProposedGB    float64           `json:"proposedGB"`
	DeltaGB       float64           `json:"deltaGB"`
	CurrentTB     float64           `json:"currentTB"`
	ProposedTB    float64           `json:"proposedTB"`
	DeltaTB       float64           `json:"deltaTB"`
	HotGB         float64           `json:"hotGB"`
	ArchiveGB     float64           `json:"archiveGB"`
	Level         string            `json:"level"` // LOW | MEDIUM | HIGH, on proposed TB
}

// TypeStorage totals one object type across the organisation.
type TypeStorage struct {
	ObjectType policy.ObjectType `json:"objectType"`
	CurrentGB  float64           `json:"currentGB"`
	ProposedGB float64           `json:"proposedGB"`
}

// OrgStorage totals the organisation, current and proposed.
type OrgStorage struct {
	ByType     []TypeStorage `json:"byType"`
	CurrentGB  float64       `json:"currentGB"`
	ProposedGB float64       `json:"proposedGB"`
	DeltaGB    float64       `json:"deltaGB"`
	CurrentTB  float64       `json:"currentTB"`
	ProposedTB float64       `json:"proposedTB"`
	DeltaTB    float64       `json:"deltaTB"`
	Level      string        `json:"level"`
}

const gbPerTB = 1000

// estimate fills each change's storage and totals the organisation. Live
// policies the plan leaves alone count the same on both sides.
func estimate(cs []Change, unmanaged, orphaned []LiveRef, e policy.Estimates) OrgStorage {
	totals := map[policy.ObjectType]*TypeStorage{}
	add := func(media policy.ObjectType, cur, prop float64) {
		t := totals[media]
		if t == nil {
			t = &TypeStorage{ObjectType: media}
			totals[media] = t
		}
		t.CurrentGB += cur
		t.ProposedGB += prop
	}
	for i := range cs {
		s := policyStorage(cs[i].Before, cs[i].After, e)
		cs[i].Storage = &s
		add(s.ObjectType, s.CurrentGB, s.ProposedGB)
	}
	for _, ref := range append(append([]LiveRef(nil), unmanaged...), orphaned...) {
		lp := policy.Policy{ObjectType: firstMedia(ref.Media), RetentionPeriod: ref.Retention}
		gb := steadyGB(&lp, e)
		add(lp.ObjectType, gb, gb)
	}
	return orgTotals(totals, e.RiskTB)
}

func policyStorage(before, after *policy.Policy, e policy.Estimates) Storage {
	ref := after
	if ref == nil {
		ref = before
	}
	media := firstMedia(ref.ObjectType)
	s := Storage{
		ObjectType:    media,
		DailyVolumeGB: dailyGB(ref, e),
		Multiplier:    multiplier(media, e),
		CurrentGB:     steadyGB(before, e),
		ProposedGB:    steadyGB(after, e),
	}
	if after != nil && after.ArchiveAfter > 0 && policy.Retention(after.ArchiveAfter) < after.RetentionPeriod {
		perDay := s.DailyVolumeGB * s.Multiplier
		s.HotGB = round(perDay * float64(after.ArchiveAfter))
		s.ArchiveGB = round(perDay * float64(int(after.RetentionPeriod)-after.ArchiveAfter))
	}
	s.DeltaGB = round(s.ProposedGB - s.CurrentGB)
	s.CurrentTB, s.ProposedTB, s.DeltaTB = tb(s.CurrentGB), tb(s.ProposedGB), tb(s.DeltaGB)
	s.Level = level(s.ProposedTB, e.RiskTB)
	return s
}

// steadyGB is what p keeps once it has run for its whole retention; a
// disabled or absent policy keeps nothing new.
func steadyGB(p *policy.Policy, e policy.Estimates) float64 {
	if p == nil || !p.IsEnabled() {
		return 0
	}
	media := firstMedia(p.ObjectType)
	return round(dailyGB(p, e) * multiplier(media, e) * float64(p.RetentionPeriod))
}

func dailyGB(p *policy.Policy, e policy.Estimates) float64 {
	if p.DailyVolumeGB != nil {
		return *p.DailyVolumeGB
	}
	return e.DailyVolumeGB[firstMedia(p.ObjectType)]
}

func multiplier(media policy.ObjectType, e policy.Estimates) float64 {
	if m, ok := e.Multipliers[media]; ok {
		return m
	}
	return 1
}

// firstMedia reduces a multi-media live object type ("call+chat") to its
// first media, which is what its retention was read from.
func firstMedia[T ~string](objectType T) policy.ObjectType {
	media, _, _ := strings.Cut(string(objectType), "+")
	return policy.ObjectType(media)
}

func orgTotals(totals map[policy.ObjectType]*TypeStorage, risk policy.RiskTB) OrgStorage {
	var o OrgStorage
	for _, t := range totals {
		t.CurrentGB, t.ProposedGB = round(t.CurrentGB), round(t.ProposedGB)
		o.ByType = append(o.ByType, *t)
		o.CurrentGB += t.CurrentGB
		o.ProposedGB += t.ProposedGB
	}
	sort.Slice(o.ByType, func(i, j int) bool { return o.ByType[i].ObjectType < o.ByType[j].ObjectType })
	o.CurrentGB, o.ProposedGB = round(o.CurrentGB), round(o.ProposedGB)
	o.DeltaGB = round(o.ProposedGB - o.CurrentGB)
	o.CurrentTB, o.ProposedTB, o.DeltaTB = tb(o.CurrentGB), tb(o.ProposedGB), tb(o.DeltaGB)
	o.Level = level(o.ProposedTB, risk)
	return o
}

func level(proposedTB float64, r policy.RiskTB) string {
	switch {
	case r.High > 0 && proposedTB >= r.High:
		return "HIGH"
	case r.Medium > 0 && proposedTB >= r.Medium:
		return "MEDIUM"
	}
	return "LOW"
}

func tb(gb float64) float64 { return round(gb / gbPerTB) }

// round keeps two decimals so that plans are stable across platforms.
func round(x float64) float64 { return math.Round(x*100) / 100 }
