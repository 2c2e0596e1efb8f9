#!/bin/sh
# Takes the README's screenshots of `spotray demo` in a real desktop: a
# virtual X display (Xvfb) with a real panel (xfce4-panel, whose systray
# plugin hosts StatusNotifierItems) and a real notification daemon (dunst).
# Nothing of the user's own desktop, login or settings is used or changed.
#
#   assets/screenshots.sh
#
# writes assets/screenshot-menu.png and assets/screenshot-notification.png.
# Needs (Debian): xvfb xfce4-panel xfconf dunst xdotool imagemagick dbus
# libglib2.0-bin (gdbus) curl fonts-dejavu-core adwaita-icon-theme.
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/spotray-shots.XXXXXX)
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

say() { echo "screenshots: $*" >&2; }

# waitfor WHAT COMMAND...: retries COMMAND for up to 60 s (demo tracks last up
# to 40 s).
waitfor() {
	what=$1
	shift
	i=0
	until "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		if [ $i -gt 600 ]; then
			say "gave up waiting for $what"
			[ -f "$work/demo.log" ] && cat "$work/demo.log" >&2
			exit 1
		fi
		sleep 0.1
	done
}

say "building spotray"
(cd "$repo" && go build -o "$work/spotray" ./cmd/spotray)

# A private user: every XDG directory and HOME inside $work.
export HOME="$work/home" XDG_CONFIG_HOME="$work/config" XDG_CACHE_HOME="$work/cache" \
	XDG_STATE_HOME="$work/state" XDG_DATA_HOME="$work/data" XDG_RUNTIME_DIR="$work/run"
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
unset WAYLAND_DISPLAY SPOTIFY_CLIENT_ID SPOTIFY_CLIENT_SECRET SPOTIFY_REDIRECT_URI || true

n=70
while [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ]; do n=$((n + 1)); done
export DISPLAY=":$n"
Xvfb "$DISPLAY" -screen 0 1280x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
pids="$pids $!"
waitfor "the X display" test -S "/tmp/.X11-unix/X$n"
convert -size 1280x800 gradient:'#3a6073-#16222a' "$work/bg.png"
# display exits with 1 after setting the background.
display -window root "$work/bg.png" || true

dbus-daemon --session --fork --print-address=1 --print-pid=1 >"$work/bus"
export DBUS_SESSION_BUS_ADDRESS="$(sed -n 1p "$work/bus")"
pids="$pids $(sed -n 2p "$work/bus")"
# Services the bus starts (xfconfd) must see this display and these dirs.
dbus-update-activation-environment DISPLAY HOME XDG_CONFIG_HOME XDG_CACHE_HOME XDG_STATE_HOME \
	XDG_DATA_HOME XDG_RUNTIME_DIR

# One top panel: a spacer pushing the tray area and a clock to the right.
mkdir -p "$XDG_CONFIG_HOME/xfce4/xfconf/xfce-perchannel-xml"
cat >"$XDG_CONFIG_HOME/xfce4/xfconf/xfce-perchannel-xml/xfce4-panel.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<channel name="xfce4-panel" version="1.0">
  <property name="configver" type="int" value="2"/>
  <property name="panels" type="array">
    <value type="int" value="1"/>
    <property name="panel-1" type="empty">
      <property name="position" type="string" value="p=6;x=0;y=0"/>
      <property name="length" type="uint" value="100"/>
      <property name="position-locked" type="bool" value="true"/>
      <property name="size" type="uint" value="30"/>
      <property name="icon-size" type="uint" value="22"/>
      <property name="plugin-ids" type="array">
        <value type="int" value="1"/>
        <value type="int" value="2"/>
        <value type="int" value="3"/>
      </property>
    </property>
  </property>
  <property name="plugins" type="empty">
    <property name="plugin-1" type="string" value="separator">
      <property name="expand" type="bool" value="true"/>
      <property name="style" type="uint" value="0"/>
    </property>
    <property name="plugin-2" type="string" value="systray">
      <property name="square-icons" type="bool" value="true"/>
    </property>
    <property name="plugin-3" type="string" value="clock">
      <property name="digital-format" type="string" value="%H:%M"/>
    </property>
  </property>
</channel>
EOF

cat >"$work/dunstrc" <<'EOF'
[global]
    monitor = 0
    follow = none
    width = 380
    height = 140
    origin = top-right
    offset = 16x46
    font = DejaVu Sans 11
    frame_width = 1
    frame_color = "#3d3d3d"
    corner_radius = 8
    padding = 14
    horizontal_padding = 14
    text_icon_padding = 14
    icon_position = left
    min_icon_size = 64
    max_icon_size = 64
    markup = full
    format = "<b>%s</b>\n%b"
    alignment = left
    word_wrap = yes
[urgency_low]
    background = "#242424"
    foreground = "#f0f0f0"
    timeout = 0
[urgency_normal]
    background = "#242424"
    foreground = "#f0f0f0"
    timeout = 0
[urgency_critical]
    background = "#242424"
    foreground = "#f0f0f0"
    timeout = 0
EOF
dunst -config "$work/dunstrc" >"$work/dunst.log" 2>&1 &
pids="$pids $!"
xfce4-panel --disable-wm-check >"$work/panel.log" 2>&1 &
pids="$pids $!"

hasowner() {
	dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
		org.freedesktop.DBus.NameHasOwner "string:$1" | grep -q 'boolean true'
}
waitfor "the panel's tray" hasowner org.kde.StatusNotifierWatcher
waitfor "dunst" hasowner org.freedesktop.Notifications

# The browser agrees on the simulated consent page, as a user would.
cat >"$work/browser" <<'EOF'
#!/bin/sh
page=$(mktemp)
final=$(curl -sSL -o "$page" -w '%{url_effective}' "$1")
request=$(sed -n 's/.*name="request" value="\([^"]*\)".*/\1/p' "$page")
rm -f "$page"
[ -n "$request" ] || exit 0
curl -sSL -o /dev/null --data "request=$request&action=agree" \
	"$(echo "$final" | sed 's#^\(https*://[^/]*\).*#\1#')/authorize/accept"
EOF
chmod +x "$work/browser"

say "starting spotray demo"
BROWSER="$work/browser" "$work/spotray" demo >"$work/demo.log" 2>&1 &
demo=$!
pids="$demo $pids"
item="org.kde.StatusNotifierItem-$demo-1"
waitfor "spotray's icon" hasowner "$item"

# menuid LABEL: the dbusmenu id of the entry labelled LABEL.
menuid() {
	gdbus call --session -d "$item" -o /StatusNotifierItem/menu -m com.canonical.dbusmenu.GetLayout -- 0 -1 '[]' |
		grep -o "([0-9]*, {[^}]*'label': <'$1'>" | grep -o '^([0-9]*' | tr -d '('
}
menuhas() { [ -n "$(menuid "$1")" ]; }
click() {
	gdbus call --session -d "$item" -o /StatusNotifierItem/menu -m com.canonical.dbusmenu.Event -- \
		"$(menuid "$1")" clicked '<"">' 0 >/dev/null
}

waitfor "the Connect entry" menuhas "Connect Spotify"
click "Connect Spotify"
waitfor "the login" menuhas "Disconnect"

# Wait for the second demo track, whose name shows labels keep "_" and "&",
# and for its notification.
waitfor "the second track" menuhas "snake__case \& Sunsets — Mina Okafor, The Underscores"
dunstctl close-all
sleep 0.5
waitfor "the next notification" sh -c '[ "$(dunstctl count displayed)" -gt 0 ]'
sleep 1
import -window root "$work/notification.png"
# Crop to dunst's window with a margin of desktop around it.
xwininfo -name Dunst >"$work/dunst.geometry"
geo() { sed -n "s/^ *$1: *\([0-9]*\).*/\1/p" "$work/dunst.geometry"; }
m=16
convert "$work/notification.png" \
	-crop "$(($(geo Width) + 2 * m))x$(($(geo Height) + 2 * m))+$(($(geo 'Absolute upper-left X') - m))+$(($(geo 'Absolute upper-left Y') - m))" \
	+repage "$repo/assets/screenshot-notification.png"
dunstctl close-all

# Open the menu with a click on the icon: find it on the panel by colour
# (the connected icon's green), then click its centre.
import -window root -crop 1280x30+0+0 "$work/panel.png"
xy=$(convert "$work/panel.png" txt:- 2>/dev/null | grep -i -m1 '#1DB954' | sed 's/^\([0-9]*\),\([0-9]*\):.*/\1 \2/')
[ -n "$xy" ] || {
	say "cannot find the icon on the panel"
	exit 1
}
set -- $xy
xdotool mousemove $(($1 + 6)) 15 click 1
sleep 1.5
import -window root "$work/menu.png"
convert "$work/menu.png" -crop 620x290+660+0 +repage "$repo/assets/screenshot-menu.png"
xdotool key Escape
say "wrote assets/screenshot-menu.png and assets/screenshot-notification.png"
