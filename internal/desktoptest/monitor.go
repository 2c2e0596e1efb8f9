package desktoptest

import (
	"slices"
	"sync"
	"testing"

	"github.com/godbus/dbus/v5"
)

// Messages is a log of the messages on a test bus that match some rules,
// in the order the bus passed them on, as a bus monitor (dbus-monitor)
// sees them: the one order every client agrees on.
type Messages struct {
	mu   sync.Mutex
	msgs []*dbus.Message
}

// WatchMessages records, from now on, every message on the bus at addr
// (one StartBus started) that matches one of rules (D-Bus match rules).
func WatchMessages(t testing.TB, addr string, rules ...string) *Messages {
	t.Helper()
	// Not closed at cleanup but by the bus's end (StartBus kills it):
	// godbus's Close closes the eavesdropping channel while its reader may
	// still send on it, a panic.
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatalf("connect to bus %s: %v", addr, err)
	}
	m := &Messages{}
	err = conn.BusObject().Call("org.freedesktop.DBus.Monitoring.BecomeMonitor", 0, rules, uint32(0)).Err
	if err != nil {
		t.Fatalf("become a bus monitor: %v", err)
	}
	// Only now: from Eavesdrop on, replies no longer reach Call. Nothing
	// can be missed in between as long as the clients start later.
	// godbus drops what does not fit.
	msgs := make(chan *dbus.Message, 4096)
	conn.Eavesdrop(msgs)
	go func() {
		for msg := range msgs {
			if msg == nil {
				return
			}
			m.mu.Lock()
			m.msgs = append(m.msgs, msg)
			m.mu.Unlock()
		}
	}()
	return m
}

// All returns the messages so far, oldest first.
func (m *Messages) All() []*dbus.Message {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.msgs)
}

// Member is msg's interface and member, "com.canonical.dbusmenu.Event".
func Member(msg *dbus.Message) string {
	iface, _ := msg.Headers[dbus.FieldInterface].Value().(string)
	member, _ := msg.Headers[dbus.FieldMember].Value().(string)
	return iface + "." + member
}

// MatchRules is a log of the match rules clients add on a test bus: the
// signals they listen for. Some clients subscribe only after a first
// attempt (fyne.io/systray registers with the panel, then listens for the
// panel to appear); a test that starts the panel before the subscription
// tests a race, not the app.
type MatchRules struct{ m *Messages }

// WatchMatchRules records, from now on, every AddMatch call on the bus at
// addr (one StartBus started).
func WatchMatchRules(t testing.TB, addr string) *MatchRules {
	t.Helper()
	return &MatchRules{WatchMessages(t, addr, "type='method_call',interface='org.freedesktop.DBus',member='AddMatch'")}
}

// Rules returns the rules added so far, oldest first.
func (r *MatchRules) Rules() []string {
	var rules []string
	for _, msg := range r.m.All() {
		if len(msg.Body) > 0 {
			if rule, ok := msg.Body[0].(string); ok {
				rules = append(rules, rule)
			}
		}
	}
	return rules
}
