package notify

import (
	"strconv"
	"strings"

	"github.com/spotray/spotray/internal/text"
)

// defaultKey is the action key the specification reserves for a click on
// the notification body.
const defaultKey = "default"

// labelMax is how many characters of an action label a button shows.
const labelMax = 32

// dbusActions returns the actions array of a Notify call for n: key, label,
// key, label... Each key but the body click's carries n.Tag ("17:next"), so
// that a click meant for a notification that was since replaced (it keeps
// its daemon id) is not taken for the new one's. The body click must use the
// reserved key "default"; it is decoded through the id alone. Without the
// "actions" capability nothing is sent.
func dbusActions(n Notification, supported bool) []string {
	if !supported {
		return []string{}
	}
	out := []string{}
	if n.Default.Key != "" {
		out = append(out, defaultKey, text.Line(n.Default.Label, labelMax))
	}
	for _, a := range n.Actions {
		out = append(out, encodeKey(n.Tag, a.Key), text.Line(a.Label, labelMax))
	}
	return out
}

// encodeKey returns the D-Bus action key for the caller's key of a
// notification tagged tag.
func encodeKey(tag uint64, key string) string {
	return strconv.FormatUint(tag, 10) + ":" + key
}

// shown is what a notifier remembers of a notification on screen.
type shown struct {
	tag        uint64
	defaultKey string // the caller's key for a body click, "" for none
}

// decodeKey turns the D-Bus action key of an ActionInvoked for a
// notification currently showing s into the caller's key. ok is false for a
// key not meant for s: one encoded with another tag (the notification was
// replaced since), a body click on a notification without Default, or a key
// spotray did not send. A body click on a replaced notification counts for
// the notification now on screen, as only the id identifies it.
func decodeKey(dbusKey string, s shown) (key string, ok bool) {
	if dbusKey == defaultKey {
		return s.defaultKey, s.defaultKey != ""
	}
	tagText, key, found := strings.Cut(dbusKey, ":")
	if !found {
		return "", false
	}
	tag, err := strconv.ParseUint(tagText, 10, 64)
	if err != nil || tag != s.tag {
		return "", false
	}
	return key, true
}
