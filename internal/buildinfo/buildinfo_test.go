package buildinfo

import (
	"runtime/debug"
	"testing"
	"time"
)

func TestString(t *testing.T) {
	day := time.Date(2026, 12, 2, 23, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		info Info
		want string
	}{
		{Info{Version: "1.2.0", Commit: "0123abcd4567ef89", Date: day}, "1.2.0 (commit 0123abcd, built 2026-12-02)"},
		{Info{Version: "1.2.0"}, "1.2.0"},
		{Info{Version: "(devel)", Commit: "0123abcd4567ef89", Modified: true, Date: day},
			"(devel) (commit 0123abcd, modified, built 2026-12-02)"},
		{Info{Version: "1.2.0", Commit: "abc"}, "1.2.0 (commit abc)"},
		{Info{Version: "1.2.0", Date: day}, "1.2.0 (built 2026-12-02)"},
	} {
		if got := tc.info.String(); got != tc.want {
			t.Errorf("%+v: got %q, want %q", tc.info, got, tc.want)
		}
	}
}

func TestResolve(t *testing.T) {
	vcs := &debug.BuildInfo{
		Main: debug.Module{Version: "v1.3.0"},
		Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "fedcba9876543210"},
			{Key: "vcs.time", Value: "2026-11-22T22:26:15Z"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	for _, tc := range []struct {
		name                  string
		version, commit, date string
		bi                    *debug.BuildInfo
		want                  string
	}{
		{"release build: the stamp wins", "1.2.0", "0123abcd4567ef89", "2026-12-02T10:00:00+01:00", vcs,
			"1.2.0 (commit 0123abcd, built 2026-12-02)"},
		{"go install: the module version and VCS stamp", "", "", "", vcs,
			"1.3.0 (commit fedcba98, modified, built 2026-11-22)"},
		{"go install of a module: no VCS stamp", "", "", "", &debug.BuildInfo{Main: debug.Module{Version: "v1.3.0"}},
			"1.3.0"},
		{"pseudo-version", "", "", "", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261122222615-49e2ec4a60fd"}},
			"0.0.0-20261122222615-49e2ec4a60fd"},
		{"go build with -buildvcs=false", "", "", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "(devel)"},
		{"no build info at all", "", "", "", nil, "(devel)"},
		{"bare date stamp", "1.2.0", "", "2026-12-02", nil, "1.2.0 (built 2026-12-02)"},
		{"unreadable date is left out", "1.2.0", "", "yesterday", nil, "1.2.0"},
		{"a stamped commit is not called modified by the checkout", "1.2.0", "0123abcd4567ef89", "", vcs,
			"1.2.0 (commit 0123abcd, built 2026-11-22)"},
		{"a version that is not a number keeps its v", "vnext", "", "", nil, "vnext"},
	} {
		if got := resolve(tc.version, tc.commit, tc.date, tc.bi).String(); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}
