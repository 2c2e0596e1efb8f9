package playback

import "time"

// Calm is how long a new item must have played before it is announced: a
// user skipping through tracks presses "next" faster than that, and each
// track passed over on the way is not worth a notification.
const Calm = 1500 * time.Millisecond

// restartSlack absorbs the difference between Spotify's clock, which dates
// the position, and ours, which dates the observation.
const restartSlack = time.Second

// minConfirm keeps a confirmation poll from following the previous poll
// within milliseconds when the position is just short of Calm.
const minConfirm = 250 * time.Millisecond

// Decision is what an observation calls for.
type Decision struct {
	// Announce, when not nil, is an item to notify about now.
	Announce *Item
	// ConfirmAt, when not zero, is when to poll again to see whether a new
	// item that has not yet played for Calm is still playing then.
	ConfirmAt time.Time
}

// Announcer decides which observations deserve a notification: a new track
// or episode once it has settled, or the same one played again from the
// start after it had passed its middle. It stays silent for the item already
// playing when it starts, for pause and resume, for ads, for nothing playing
// and for an item it has seen before. Failed polls are simply not fed to it.
// The zero value is ready to use.
type Announcer struct {
	started bool
	key     string        // the item the listener is on; "" for none
	fresh   bool          // key is a new play not announced yet
	reach   time.Duration // furthest position seen in this play of key
	seenAt  time.Time     // when key was last observed
}

// Observe takes the next observation, in time order.
func (a *Announcer) Observe(s Status) Decision {
	first := !a.started
	a.started = true
	it := s.Item
	if it.Kind != Track && it.Kind != Episode {
		return Decision{}
	}
	switch {
	case first:
		a.play(s, false)
	case it.Key != a.key, a.restarted(s):
		a.play(s, true)
	default:
		a.reach = max(a.reach, s.Progress)
		a.seenAt = s.At
	}
	if !a.fresh || !s.Playing {
		return Decision{}
	}
	if s.Progress < Calm {
		return Decision{ConfirmAt: s.At.Add(max(Calm-s.Progress, minConfirm))}
	}
	a.fresh = false
	return Decision{Announce: &it}
}

// Know takes s as seen and already announced: another source (a local
// player) showed it while this Announcer was not fed.
func (a *Announcer) Know(s Status) {
	a.started = true
	if s.Item.Kind != Track && s.Item.Kind != Episode {
		return
	}
	if s.Item.Key != a.key {
		a.play(s, false)
		return
	}
	a.fresh = false
	a.reach = max(a.reach, s.Progress)
	a.seenAt = s.At
}

// play starts tracking a new play of s's item.
func (a *Announcer) play(s Status, fresh bool) {
	a.key, a.fresh, a.reach, a.seenAt = s.Item.Key, fresh, s.Progress, s.At
}

// restarted reports whether s is the current item played again from the
// beginning: it had passed its middle, and it is now at a position it can
// only have reached by starting over since it was last seen.
func (a *Announcer) restarted(s Status) bool {
	d := s.Item.Duration
	return d > 0 && a.reach > d/2 && s.Progress < d/2 &&
		s.Progress <= s.At.Sub(a.seenAt)+restartSlack
}
