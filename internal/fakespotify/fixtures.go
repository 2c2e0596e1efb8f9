package fakespotify

import (
	"embed"
	"fmt"
)

// testdata holds real Spotify responses (see testdata/PROVENANCE.md).
//
//go:embed testdata
var testdata embed.FS

// Names of the fixtures other packages' tests use most; any path under
// testdata works with Fixture.
const (
	// FixtureTrack is a currently-playing track (paused).
	FixtureTrack = "spotify-web-api-java/GetUsersCurrentlyPlayingTrackRequest.json"
	// FixtureEpisode is a currently-playing podcast episode.
	FixtureEpisode = "spotify-web-api-java/GetUsersCurrentlyPlayingTrackRequest_Episode.json"
	// FixtureAd is currently-playing during an advertisement (item null).
	FixtureAd = "other/currently_playing_ad_from_readme.json"
	// FixtureLocalFile is currently-playing with a local file, built from the
	// track object of spotify-web-api-java/playlist-localfiles-response.json.
	FixtureLocalFile = "derived/currently_playing_local_file.json"
	// FixtureOldTrack is a 2017 capture without currently_playing_type.
	FixtureOldTrack = "zmb3-spotify/player_currently_playing.txt"
	// FixtureMe is a /v1/me answer in its pre-2026 shape.
	FixtureMe = "spotify-web-api-java/GetCurrentUsersProfileRequest.json"
	// FixtureMeNullName is a /v1/me answer with display_name null.
	FixtureMeNullName = "zmb3-spotify/current_user_from_user_test_go.json"
)

// Fixture returns the contents of testdata/name, for tests. An unknown
// name is a mistake in the calling test, so it panics like regexp.MustCompile.
func Fixture(name string) []byte {
	b, err := testdata.ReadFile("testdata/" + name)
	if err != nil {
		panic(fmt.Sprintf("fakespotify: fixture %q: %v", name, err))
	}
	return b
}
