package notify

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

// scripted is a Notifier whose results the test decides.
type scripted struct{ results []error }

func (s *scripted) Notify(Notification) error {
	err := s.results[0]
	s.results = s.results[1:]
	return err
}

func (s *scripted) SetInvoked(func(Invoked)) {}

func (s *scripted) Close() error { return nil }

func TestLoggedReportsOncePerRunOfFailures(t *testing.T) {
	down := errors.New("org.freedesktop.DBus.Error.ServiceUnknown")
	results := []error{nil, down, down, down, nil, nil, down, down}
	var buf bytes.Buffer
	n := Logged(&scripted{results: results}, slog.New(slog.NewTextHandler(&buf, nil)))
	for i, want := range results {
		if err := n.Notify(Notification{Summary: "s"}); !errors.Is(err, want) {
			t.Errorf("call %d: error %v, want %v", i, err, want)
		}
	}
	var levels []string
	for line := range strings.Lines(buf.String()) {
		_, rest, _ := strings.Cut(line, "level=")
		level, _, _ := strings.Cut(rest, " ")
		levels = append(levels, level)
	}
	if got := strings.Join(levels, ","); got != "WARN,INFO,WARN" {
		t.Errorf("logged levels %s, want WARN,INFO,WARN; log:\n%s", got, buf.String())
	}
	if !strings.Contains(buf.String(), "ServiceUnknown") {
		t.Errorf("the warning does not say why:\n%s", buf.String())
	}
}

func TestNewChecksArguments(t *testing.T) {
	for _, tc := range []struct{ app, icon string }{{"", "icon.png"}, {"spotray", ""}} {
		if _, err := New(tc.app, tc.icon); err == nil {
			t.Errorf("New(%q, %q) succeeded", tc.app, tc.icon)
		}
	}
}
