package desktoptest

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

const (
	notificationsName  = "org.freedesktop.Notifications"
	notificationsPath  = dbus.ObjectPath("/org/freedesktop/Notifications")
	notificationsIface = "org.freedesktop.Notifications"
)

// NotifyCall is one org.freedesktop.Notifications.Notify call as received.
type NotifyCall struct {
	Sender        string // unique bus name of the caller
	AppName       string
	ReplacesID    uint32
	AppIcon       string
	Summary       string
	Body          string
	Actions       []string
	Hints         map[string]dbus.Variant
	ExpireTimeout int32
	ID            uint32 // the id the server answered with
	At            time.Time
}

// Hint returns the value of hint name, or nil if the call did not carry it.
func (c NotifyCall) Hint(name string) any {
	v, ok := c.Hints[name]
	if !ok {
		return nil
	}
	return v.Value()
}

// DefaultCapabilities are the capabilities NotificationServer advertises
// unless told otherwise: those of a common daemon (dunst) that renders body
// markup.
var DefaultCapabilities = []string{"actions", "body", "body-hyperlinks", "body-markup", "icon-static", "persistence"}

// NotificationServer plays org.freedesktop.Notifications on a test bus and
// records every call. Ids follow the specification: a call with a non-zero
// replaces_id gets that id back, others get a fresh one.
type NotificationServer struct {
	conn *dbus.Conn

	mu     sync.Mutex
	caps   []string
	calls  []NotifyCall
	closed []uint32
	lastID uint32
}

// NewNotificationServer owns org.freedesktop.Notifications on the bus at addr
// and serves it until cleanup (or Stop).
func NewNotificationServer(t testing.TB, addr string) *NotificationServer {
	t.Helper()
	s := &NotificationServer{conn: Connect(t, addr), caps: slices.Clone(DefaultCapabilities)}
	if err := s.conn.Export(notificationsObject{s}, notificationsPath, notificationsIface); err != nil {
		t.Fatalf("export notification server: %v", err)
	}
	ownName(t, s.conn, notificationsName)
	return s
}

// SetCapabilities changes what GetCapabilities answers from now on.
func (s *NotificationServer) SetCapabilities(caps ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.caps = slices.Clone(caps)
}

// Calls returns the Notify calls received so far, oldest first.
func (s *NotificationServer) Calls() []NotifyCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// Closed returns the ids passed to CloseNotification so far, oldest first.
func (s *NotificationServer) Closed() []uint32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.closed)
}

// Expire emits NotificationClosed(id, 1) as a daemon does when a
// notification times out; clients see the signal on their connection.
func (s *NotificationServer) Expire(id uint32) error {
	if err := s.conn.Emit(notificationsPath, notificationsIface+".NotificationClosed", id, uint32(1)); err != nil {
		return fmt.Errorf("emit NotificationClosed: %w", err)
	}
	return nil
}

// Invoke emits ActionInvoked(id, key) as a daemon does when the user
// clicks an action ("default" for the notification itself). Daemons that
// then close the notification also emit NotificationClosed: see Expire.
func (s *NotificationServer) Invoke(id uint32, key string) error {
	if err := s.conn.Emit(notificationsPath, notificationsIface+".ActionInvoked", id, key); err != nil {
		return fmt.Errorf("emit ActionInvoked: %w", err)
	}
	return nil
}

// Stop releases the name and closes the connection: from then on Notify
// calls fail as they do with no daemon running.
func (s *NotificationServer) Stop() {
	s.conn.Close()
}

// notificationsObject holds the exported D-Bus methods, kept apart from
// NotificationServer so that its Go methods are not exported on the bus.
type notificationsObject struct{ s *NotificationServer }

func (o notificationsObject) Notify(sender dbus.Sender, appName string, replacesID uint32, appIcon, summary, body string,
	actions []string, hints map[string]dbus.Variant, expireTimeout int32) (uint32, *dbus.Error) {
	s := o.s
	s.mu.Lock()
	defer s.mu.Unlock()
	id := replacesID
	if id == 0 {
		s.lastID++
		id = s.lastID
	}
	s.calls = append(s.calls, NotifyCall{
		Sender: string(sender), AppName: appName, ReplacesID: replacesID, AppIcon: appIcon,
		Summary: summary, Body: body, Actions: actions, Hints: hints, ExpireTimeout: expireTimeout,
		ID: id, At: time.Now(),
	})
	return id, nil
}

func (o notificationsObject) GetCapabilities() ([]string, *dbus.Error) {
	o.s.mu.Lock()
	defer o.s.mu.Unlock()
	return slices.Clone(o.s.caps), nil
}

func (o notificationsObject) GetServerInformation() (name, vendor, version, specVersion string, err *dbus.Error) {
	return "desktoptest", "spotray", "1.0", "1.2", nil
}

func (o notificationsObject) CloseNotification(id uint32) *dbus.Error {
	o.s.mu.Lock()
	o.s.closed = append(o.s.closed, id)
	o.s.mu.Unlock()
	// Reason 3: closed by a call to CloseNotification.
	if err := o.s.conn.Emit(notificationsPath, notificationsIface+".NotificationClosed", id, uint32(3)); err != nil {
		return dbus.MakeFailedError(err)
	}
	return nil
}
