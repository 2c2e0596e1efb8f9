package desktoptest

import (
	"slices"
	"sync"
	"testing"

	"github.com/godbus/dbus/v5"
)

// MatchRules is a log of the match rules clients add on a test bus: the
// signals they listen for. Some clients subscribe only after a first
// attempt (fyne.io/systray registers with the panel, then listens for the
// panel to appear); a test that starts the panel before the subscription
// tests a race, not the app.
type MatchRules struct {
	mu    sync.Mutex
	rules []string
}

// WatchMatchRules records, from now until cleanup, every AddMatch call on
// the bus at addr, as a bus monitor (dbus-monitor) sees it.
func WatchMatchRules(t testing.TB, addr string) *MatchRules {
	t.Helper()
	conn := Connect(t, addr)
	m := &MatchRules{}
	err := conn.BusObject().Call("org.freedesktop.DBus.Monitoring.BecomeMonitor", 0,
		[]string{"type='method_call',interface='org.freedesktop.DBus',member='AddMatch'"}, uint32(0)).Err
	if err != nil {
		t.Fatalf("become a bus monitor: %v", err)
	}
	// Only now: from Eavesdrop on, replies no longer reach Call. Nothing
	// can be missed in between as long as the clients start later.
	msgs := make(chan *dbus.Message, 64)
	conn.Eavesdrop(msgs)
	go func() {
		for msg := range msgs {
			if msg == nil {
				return
			}
			if rule, ok := firstString(msg); ok {
				m.mu.Lock()
				m.rules = append(m.rules, rule)
				m.mu.Unlock()
			}
		}
	}()
	return m
}

func firstString(msg *dbus.Message) (string, bool) {
	if len(msg.Body) == 0 {
		return "", false
	}
	s, ok := msg.Body[0].(string)
	return s, ok
}

// Rules returns the rules added so far, oldest first.
func (m *MatchRules) Rules() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.rules)
}
