#!/bin/sh
# Regenerates spotray's icons with ImageMagick 6. The results are committed;
# run this only after changing the drawing.
#   icon-connected.png / .ico     green: logged in, all well
#   icon-disconnected.png / .ico  grey: not logged in
#   icon-trouble.png / .ico       green with an amber "!": offline or rate-limited
#   spotray.png                   256 px app icon (notifications, desktop file)
#   hicolor/NxN/apps/spotray.png  the app icon at every size a menu or
#                                 software centre asks the icon theme for;
#                                 installed by the packages under
#                                 /usr/share/icons/hicolor
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# icon SIZE BACKGROUND BADGE OUT: one icon drawn on a 64-unit grid scaled to
# SIZE pixels, so every size is drawn rather than resampled.
icon() {
	s=$(echo "$1 / 64" | bc -l)
	extra=""
	if [ "$3" = yes ]; then
		extra="fill #F5A623 stroke white stroke-width 3 circle 48,48 48,34
		       stroke none fill #222222 roundrectangle 46,39 50,51 1.5,1.5 circle 48,56 48,53.6"
	fi
	convert -size "$1x$1" xc:none -draw "scale $s,$s
		fill $2 circle 32,32 32,2
		fill white
		push graphic-context translate 27,44 rotate -22 ellipse 0,0 9.5,7 0,360 pop graphic-context
		rectangle 33,13 36.5,43
		path 'M 36.5,13 C 38,21 49,22 46,35 C 45,28 41,26 36.5,25 Z'
		$extra" -strip "PNG32:$4"
}

for kind in connected:#1DB954:no disconnected:#8C8C8C:no trouble:#1DB954:yes; do
	name=${kind%%:*} rest=${kind#*:}
	colour=${rest%%:*} withbadge=${rest#*:}
	icon 64 "$colour" "$withbadge" "icon-$name.png"
	for size in 16 24 32 48; do icon "$size" "$colour" "$withbadge" "$tmp/$size.png"; done
	convert "$tmp/16.png" "$tmp/24.png" "$tmp/32.png" "$tmp/48.png" "icon-$name.png" "icon-$name.ico"
done
icon 256 "#1DB954" no spotray.png
for size in 16 22 24 32 48 64 128 256; do
	mkdir -p "hicolor/${size}x$size/apps"
	icon "$size" "#1DB954" no "hicolor/${size}x$size/apps/spotray.png"
done
