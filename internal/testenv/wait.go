package testenv

import (
	"testing"
	"time"
)

// WaitLimit bounds every wait in the tests for something to happen: a
// process to start, a menu to change, a notification or a request to
// arrive. It is generous because the suite runs under the race detector on
// busy 2-core machines, where a tray takes seconds to react; nothing waits
// for it unless something is broken, and then the test fails with a reason
// instead of hanging until go test's own timeout. Tests never measure how
// long a wait took: wall-clock latency is for the benchmarks.
const WaitLimit = 30 * time.Second

// pollEvery is how often WaitFor looks again: often enough that a wait ends
// soon after its effect, seldom enough that polling a tray's menu over D-Bus
// does not load the machine the tray runs on.
const pollEvery = 10 * time.Millisecond

// WaitFor calls cond until it holds and fails t, saying what it waited for,
// if that takes longer than WaitLimit. It is the only way the tests wait for
// an effect; a helper that wants to say how far things got logs that itself
// (a deferred call runs when WaitFor fails the test).
func WaitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(WaitLimit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", WaitLimit, what)
		}
		time.Sleep(pollEvery)
	}
}
