package playback

import (
	"math/rand/v2"
	"time"
)

// Polling pace. Spotify rate-limits personal apps at around 1,400 calls a
// day per developer account in the worst reports, so the pace follows what
// can change: a playing track can only end at a known time (or be skipped),
// a paused or idle player changes only when the user acts.
const (
	// DefaultInterval is the longest gap between polls while playing; it
	// bounds how late a skip is noticed.
	DefaultInterval = 10 * time.Second
	// MinInterval is the shortest interval a setting may ask for.
	MinInterval = 2 * time.Second
	// PausedPoll is the gap while paused: resuming is noticed within it.
	PausedPoll = 30 * time.Second
	// IdlePoll is the gap while nothing plays (204).
	IdlePoll = 60 * time.Second
	// AdPoll is the longest gap during an ad. The API gives ads no duration;
	// most last 15-30 s, so polling at least this often notices the music
	// coming back within 15 s even with a long interval setting.
	AdPoll = 15 * time.Second
	// endSlack is how long after a track's expected end to look: late enough
	// that Spotify has moved on, early enough to notice within about a second.
	endSlack = time.Second
)

// Retry pace after failures.
const (
	backoffBase  = 2 * time.Second // ceiling of the first retry's delay
	backoffCap   = 2 * time.Minute // ceiling of any retry's delay
	backoffFloor = time.Second     // full jitter can draw ~0; never retry at once
)

// ClampInterval applies the default (for 0 or less) and the minimum.
func ClampInterval(d time.Duration) time.Duration {
	if d <= 0 {
		return DefaultInterval
	}
	return max(d, MinInterval)
}

// NextPoll says how long after cur to poll again. prev is the observation
// before cur (zero if none); it shows whether the position is frozen.
//
// While playing, the poll comes at the track's expected end plus endSlack
// when that is sooner than interval, so a natural track change is noticed
// about a second after it happens; a track reported at its very end (Spotify
// lagging behind the change) is looked at again a second later. When the
// position has not advanced since prev, Spotify's state is stale (a device
// that went away, buffering, a track stuck at its end), and chasing the end
// would poll every second for as long as it stays stale: then the interval
// applies.
func NextPoll(prev, cur Status, interval time.Duration) time.Duration {
	interval = ClampInterval(interval)
	switch {
	case cur.Item.Kind == Nothing:
		return max(interval, IdlePoll)
	case !cur.Playing:
		return max(interval, PausedPoll)
	case cur.Item.Kind == Ad:
		return min(interval, AdPoll)
	}
	if cur.Item.Duration <= 0 || frozen(prev, cur) {
		return interval
	}
	return min(interval, max(cur.Item.Duration-cur.Progress, 0)+endSlack)
}

// frozen reports whether the same item played from prev to cur but its
// position advanced less than half the time between the two observations.
func frozen(prev, cur Status) bool {
	elapsed := cur.At.Sub(prev.At)
	return prev.Playing && prev.Item.Key == cur.Item.Key && elapsed > 0 &&
		cur.Progress-prev.Progress < elapsed/2
}

// Backoff is the delay before retry number failures (1 for the first retry
// after a failure) when Spotify cannot be reached or answers with an error:
// "full jitter", a uniform draw below a ceiling that doubles from 2 s up to
// 2 min, so many clients coming back at once (after a network outage) do not
// call in step. A 429 is not retried this way: its Retry-After is obeyed.
func Backoff(failures int, rnd *rand.Rand) time.Duration {
	ceiling := backoffCap
	if failures < 1 {
		failures = 1
	}
	if failures <= 16 {
		ceiling = min(backoffCap, backoffBase<<(failures-1))
	}
	return max(backoffFloor, time.Duration(rnd.Int64N(int64(ceiling)+1)))
}
