package playback

import (
	"reflect"
	"testing"
	"time"
)

func TestAnnouncer(t *testing.T) {
	const s, m = time.Second, time.Minute
	const d = 4 * m // every track in the table lasts 4 minutes
	type step struct {
		st       Status
		announce string        // key expected to be announced, "" for none
		confirm  time.Duration // expected ConfirmAt - st.At, 0 for none
	}
	play := func(key string, progress, offset time.Duration) Status { return obs(key, true, progress, d, offset) }
	pause := func(key string, progress, offset time.Duration) Status { return obs(key, false, progress, d, offset) }
	nothing := func(offset time.Duration) Status { return obs("", false, 0, 0, offset) }
	ad := func(offset time.Duration) Status {
		return Status{Item: Item{Kind: Ad}, Playing: true, Progress: 3 * s, At: at.Add(offset)}
	}
	episode := func(key string, progress, offset time.Duration) Status {
		st := play(key, progress, offset)
		st.Item.Kind = Episode
		return st
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"start-up item is not announced", []step{
			{st: play("a", 30*s, 0)},
			{st: play("a", 40*s, 10*s)},
		}},
		{"start-up item just started is not announced", []step{
			{st: play("a", 200*time.Millisecond, 0)},
			{st: play("a", 10*s, 10*s)},
		}},
		{"change after settling: at once", []step{
			{st: play("a", 30*s, 0)},
			{st: play("b", 5*s, 10*s), announce: "b"},
			{st: play("b", 15*s, 20*s)},
		}},
		{"change seen early: confirmed, then announced", []step{
			{st: play("a", d-500*time.Millisecond, 0)},
			{st: play("b", 1*s, 1500*time.Millisecond), confirm: 500 * time.Millisecond},
			{st: play("b", 1500*time.Millisecond, 2*s), announce: "b"},
			{st: play("b", 11500*time.Millisecond, 12*s)},
		}},
		{"confirmation comes no sooner than 250 ms", []step{
			{st: play("a", 30*s, 0)},
			{st: play("b", 1450*time.Millisecond, 10*s), confirm: 250 * time.Millisecond},
		}},
		{"skip burst: only the last is announced", []step{
			{st: play("a", 30*s, 0)},
			{st: play("b", 300*time.Millisecond, 10*s), confirm: 1200 * time.Millisecond},
			{st: play("c", 400*time.Millisecond, 11200*time.Millisecond), confirm: 1100 * time.Millisecond},
			{st: play("d", 900*time.Millisecond, 12300*time.Millisecond), confirm: 600 * time.Millisecond},
			{st: play("d", 1500*time.Millisecond, 12900*time.Millisecond), announce: "d"},
			{st: play("d", 11500*time.Millisecond, 22900*time.Millisecond)},
		}},
		{"skip back to the previous item is announced", []step{
			{st: play("a", 30*s, 0)},
			{st: play("b", 5*s, 10*s), announce: "b"},
			{st: play("a", 3*s, 20*s), announce: "a"},
		}},
		{"pause and resume", []step{
			{st: play("a", 30*s, 0)},
			{st: pause("a", 35*s, 10*s)},
			{st: pause("a", 35*s, 40*s)},
			{st: play("a", 36*s, 70*s)},
		}},
		{"new item while paused: announced when it plays", []step{
			{st: play("a", 30*s, 0)},
			{st: pause("b", 0, 10*s)},
			{st: pause("b", 0, 40*s)},
			{st: play("b", 20*s, 70*s), announce: "b"},
			{st: play("b", 30*s, 80*s)},
		}},
		{"replay from the start after the middle", []step{
			{st: play("a", d-5*s, 0)},
			{st: play("a", 1*s, 6*s), confirm: 500 * time.Millisecond},
			{st: play("a", 1500*time.Millisecond, 6500*time.Millisecond), announce: "a"},
			{st: play("a", 11500*time.Millisecond, 16500*time.Millisecond)},
		}},
		{"replay seen late still counts", []step{
			{st: play("a", d-5*s, 0)},
			{st: play("a", 5*s, 10*s), announce: "a"},
		}},
		{"replay before the middle does not count", []step{
			{st: play("a", 30*s, 0)},
			{st: play("a", 90*s, 60*s)},
			{st: play("a", 2*s, 70*s)},
			{st: play("a", 12*s, 80*s)},
		}},
		{"seeking back from past the middle is not a replay", []step{
			{st: play("a", 150*s, 0)},
			{st: play("a", 60*s, 10*s)},
		}},
		{"ads are not announced, the music after them is", []step{
			{st: play("a", d-2*s, 0)},
			{st: ad(3 * s)},
			{st: ad(13 * s)},
			{st: play("b", 4*s, 23*s), announce: "b"},
		}},
		{"start-up during an ad", []step{
			{st: ad(0)},
			{st: play("a", 3*s, 10*s), announce: "a"},
		}},
		{"episodes are announced like tracks", []step{
			{st: play("a", 30*s, 0)},
			{st: episode("e", 3*s, 10*s), announce: "e"},
		}},
		{"nothing playing, then the same item again", []step{
			{st: play("a", 30*s, 0)},
			{st: nothing(10 * s)},
			{st: nothing(70 * s)},
			{st: play("a", 31*s, 130*s)},
		}},
		{"nothing playing, then another item", []step{
			{st: play("a", 30*s, 0)},
			{st: nothing(10 * s)},
			{st: play("b", 10*s, 70*s), announce: "b"},
		}},
		{"start-up with nothing playing", []step{
			{st: nothing(0)},
			{st: play("a", 10*s, 60*s), announce: "a"},
		}},
		{"unknown items are neither announced nor forget the current one", []step{
			{st: play("a", 30*s, 0)},
			{st: Status{Item: Item{Kind: Unknown}, Playing: true, At: at.Add(10 * s)}},
			{st: play("a", 50*s, 20*s)},
		}},
		{"errors are not fed: the item after them is judged on its own", []step{
			{st: play("a", 30*s, 0)},
			// polls failed for five minutes
			{st: play("a", 100*s, 300*s)},
			{st: play("b", 100*s, 310*s), announce: "b"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var a Announcer
			for i, st := range tt.steps {
				dec := a.Observe(st.st)
				got := ""
				if dec.Announce != nil {
					got = dec.Announce.Key
					if !reflect.DeepEqual(*dec.Announce, st.st.Item) {
						t.Errorf("step %d: announced %+v, want the observed item", i, *dec.Announce)
					}
				}
				if got != st.announce {
					t.Errorf("step %d: announced %q, want %q", i, got, st.announce)
				}
				var confirm time.Duration
				if !dec.ConfirmAt.IsZero() {
					confirm = dec.ConfirmAt.Sub(st.st.At)
				}
				if confirm != st.confirm {
					t.Errorf("step %d: confirm after %v, want %v", i, confirm, st.confirm)
				}
			}
		})
	}
}
