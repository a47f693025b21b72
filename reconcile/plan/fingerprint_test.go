package plan

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/retainctl/retainctl/reconcile/genesys/model"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// org is a simulated organisation of managed policies, one per desired
// policy, with stable ids: apply of a plan leaves it as the plan's desired
// state says.
func org(ds ...policy.Policy) Live {
	var ps []model.Policy
	for _, d := range ds {
		ps = append(ps, live("id-"+d.Name, d))
	}
	return Live{Policies: ps}
}

func mustMake(t *testing.T, ds []policy.Policy, l Live) Plan {
	t.Helper()
	p, err := Make(policy.Repo{Policies: ds, Settings: policy.DefaultSettings()}, l)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Two pull requests opened from the same main, each changing a different
// policy. After the first is merged and applied, the plan apply makes on
// the merged main (against the organisation as the first apply left it)
// is exactly the plan reviewed on the second: its approval still holds,
// in either order.
func TestDisjointPullRequestsBothApply(t *testing.T) {
	calls, chat := desired("Calls", "call", 90, inbound), desired("Chat", "chat", 30)
	callsA, chatB := desired("Calls", "call", 60, inbound), desired("Chat", "chat", 45)
	live0 := org(calls, chat)
	prA := mustMake(t, []policy.Policy{callsA, chat}, live0)
	prB := mustMake(t, []policy.Policy{calls, chatB}, live0)
	if prA.Summary.Changes() != 1 || prB.Summary.Changes() != 1 || prA.Fingerprint == prB.Fingerprint {
		t.Fatalf("each PR should change one policy: A %+v, B %+v", prA.Summary, prB.Summary)
	}
	for _, order := range [][2]Plan{{prA, prB}, {prB, prA}} {
		first, second := order[0], order[1]
		// The first merge: main is the first PR's tree; apply plans it.
		if got := mustMake(t, first.Desired(), live0); got.Fingerprint != first.Fingerprint {
			t.Fatalf("first merge: fresh plan %s, reviewed %s", got.Fingerprint, first.Fingerprint)
		}
		afterFirst := org(first.Desired()...)
		// The second merge: main holds both changes.
		merged := []policy.Policy{callsA, chatB}
		fresh := mustMake(t, merged, afterFirst)
		if fresh.Fingerprint != second.Fingerprint {
			t.Errorf("second merge: fresh plan %s is not the reviewed %s; moved: %v", fresh.Fingerprint, second.Fingerprint, Moved(second, fresh))
		}
		if used, un := Cover(Items(fresh), [][]string{Items(second)}); len(un) != 0 || !slices.Equal(used, []int{0}) {
			t.Errorf("Cover: used %v, uncovered %v", used, un)
		}
	}
}

// The second pull request's plan file, reviewed before the first was
// applied, re-derives its whole desired state: against the organisation
// after the first apply it would set Calls back. That is refused as stale,
// naming Calls. So is a plan of the second PR re-run from its old merge
// commit after the first applied (it reverts Calls), when apply on merge
// compares it with the merged main: its approval does not stretch to the
// part without the revert.
func TestPlanThatWouldRevertAnotherPullRequestIsStale(t *testing.T) {
	calls, chat := desired("Calls", "call", 90, inbound), desired("Chat", "chat", 30)
	callsA, chatB := desired("Calls", "call", 60, inbound), desired("Chat", "chat", 45)
	live0 := org(calls, chat)
	prB := mustMake(t, []policy.Policy{calls, chatB}, live0)
	afterA := org(callsA, chat)

	err := CheckStale(prB, afterA)
	var stale *StaleError
	if !errors.As(err, &stale) || !strings.Contains(strings.Join(stale.Moved, "\n"), "Calls: reviewed as noop, now update") {
		t.Fatalf("CheckStale = %v, want stale naming Calls", err)
	}

	rerun := mustMake(t, []policy.Policy{calls, chatB}, afterA) // the old merge commit, planned again
	if rerun.Summary.Update != 2 {
		t.Fatalf("the re-run plan should revert Calls and change Chat: %+v", rerun.Summary)
	}
	fresh := mustMake(t, []policy.Policy{callsA, chatB}, afterA)
	if fresh.Fingerprint == rerun.Fingerprint {
		t.Fatal("the merged main's plan has the fingerprint of a plan that reverts Calls")
	}
	if used, un := Cover(Items(fresh), [][]string{Items(rerun)}); len(used) != 0 || len(un) != 1 {
		t.Errorf("Cover stretched the revert's approval: used %v, uncovered %v", used, un)
	}
}

// Two pull requests changing the same policy: the second one's approved
// change was made against the policy the first one changed since.
func TestSamePolicyTwiceIsRefused(t *testing.T) {
	calls := desired("Calls", "call", 90, inbound)
	live0 := org(calls)
	prA := mustMake(t, []policy.Policy{desired("Calls", "call", 60, inbound)}, live0)
	calls2 := desired("Calls", "call", 90, inbound)
	calls2.ArchiveAfter = 30
	prB := mustMake(t, []policy.Policy{calls2}, live0)
	afterA := org(prA.Desired()...)
	merged := desired("Calls", "call", 60, inbound)
	merged.ArchiveAfter = 30
	fresh := mustMake(t, []policy.Policy{merged}, afterA)
	if fresh.Fingerprint == prB.Fingerprint {
		t.Fatal("B's approval of Calls 90 → archive 30 approved Calls 60 → archive 30")
	}
	if _, un := Cover(Items(fresh), [][]string{Items(prA), Items(prB)}); len(un) != 1 {
		t.Errorf("uncovered %v, want the Calls update", un)
	}
}

func TestAlreadyAppliedIsNotStale(t *testing.T) {
	calls := desired("Calls", "call", 90, inbound)
	pr := mustMake(t, []policy.Policy{desired("Calls", "call", 60, inbound)}, org(calls))
	err := CheckStale(pr, org(pr.Desired()...))
	var done *AlreadyAppliedError
	if !errors.As(err, &done) || !errors.Is(err, ErrAlreadyApplied) || !strings.Contains(err.Error(), "already applied") {
		t.Fatalf("CheckStale after apply = %v", err)
	}
	if err := CheckStale(pr, org(calls)); err != nil {
		t.Errorf("before apply: %v", err)
	}
}

// What the plan leaves alone does not count; what it changes does,
// including the settings apply acts on.
func TestFingerprintCoversOnlyChanges(t *testing.T) {
	calls, chat := desired("Calls", "call", 90, inbound), desired("Chat", "chat", 30)
	change := desired("Calls", "call", 60, inbound)
	one := mustMake(t, []policy.Policy{change}, org(calls))
	two := mustMake(t, []policy.Policy{change, chat}, org(calls, chat))
	if one.Fingerprint != two.Fingerprint {
		t.Error("an unchanged policy changed the fingerprint")
	}
	if !slices.Equal(Items(one), Items(two)) || len(Items(one)) != 2 {
		t.Errorf("items %v and %v", Items(one), Items(two))
	}
	pruned := two
	pruned.Settings.Prune = true
	if Fingerprint(pruned) == two.Fingerprint || Items(pruned)[0] == Items(two)[0] {
		t.Error("prune does not count")
	}
	for _, k := range Items(two) {
		if len(k) != ItemKeyLen || strings.Trim(k, "0123456789abcdef") != "" {
			t.Errorf("item key %q", k)
		}
	}
	if n := ItemNames(two); n[Items(two)[1]] != "update Calls" {
		t.Errorf("names %v", n)
	}
}

func TestCoverCarriesSupersededPlans(t *testing.T) {
	s := "settings"
	fresh := []string{s, "b1", "c1", "c2"}
	used, un := Cover(fresh, [][]string{{s, "c1", "c2"}, {s, "b1"}, {s, "x9"}, {"other", "b1"}})
	if !slices.Equal(used, []int{0, 1}) || len(un) != 0 {
		t.Errorf("used %v, uncovered %v", used, un)
	}
	used, un = Cover(fresh, [][]string{{s, "c1", "c2"}})
	if !slices.Equal(used, []int{0}) || !slices.Equal(un, []string{"b1"}) {
		t.Errorf("used %v, uncovered %v", used, un)
	}
	if used, un := Cover([]string{s}, nil); used != nil || un != nil {
		t.Error("a plan without changes needs no approval")
	}
}
