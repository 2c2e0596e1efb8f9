package notify

import (
	"slices"
	"strings"
	"testing"
)

func TestDBusActions(t *testing.T) {
	long := strings.Repeat("x", 40)
	for _, tc := range []struct {
		name      string
		n         Notification
		supported bool
		want      []string
	}{
		{"no actions", Notification{Tag: 3}, true, []string{}},
		{"server without actions", Notification{Tag: 3, Actions: []Action{{"next", "Next"}}, Default: Action{"open", "Open"}}, false, []string{}},
		{"body click and buttons", Notification{Tag: 3, Actions: []Action{{"next", "Next"}, {"save", "Save"}}, Default: Action{"open", "Open"}},
			true, []string{"default", "Open", "3:next", "Next", "3:save", "Save"}},
		{"buttons only", Notification{Tag: 12, Actions: []Action{{"next", "Next"}}}, true, []string{"12:next", "Next"}},
		{"label cut to a line", Notification{Tag: 1, Actions: []Action{{"k", long + "\nsecond"}}}, true, []string{"1:k", strings.Repeat("x", labelMax-1) + "…"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := dbusActions(tc.n, tc.supported); !slices.Equal(got, tc.want) {
				t.Errorf("dbusActions = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestDecodeKey(t *testing.T) {
	on := shown{tag: 7, defaultKey: "open"}
	for _, tc := range []struct {
		dbusKey string
		s       shown
		want    string
		ok      bool
	}{
		{"7:next", on, "next", true},
		{"7:a:b", on, "a:b", true},
		{"default", on, "open", true},
		{"default", shown{tag: 7}, "", false},
		{"6:next", on, "", false}, // a button of the notification this one replaced
		{"next", on, "", false},
		{"x:next", on, "", false},
		{"", on, "", false},
	} {
		if got, ok := decodeKey(tc.dbusKey, tc.s); got != tc.want || ok != tc.ok {
			t.Errorf("decodeKey(%q, %+v) = %q, %v; want %q, %v", tc.dbusKey, tc.s, got, ok, tc.want, tc.ok)
		}
	}
}
