#!/usr/bin/env bash
# Pack a built "CNAPS Desktop.app" into a compressed .dmg with an Applications shortcut, and
# sign and notarise it when the environment says so:
#
#     installer/macos/make_dmg.sh "installer/dist/CNAPS Desktop.app" OUT.dmg
#
# Signing (the app itself is signed by PyInstaller through cnaps_desktop.spec when the same
# variable is set at build time):
#   MACOS_CODESIGN_IDENTITY   "Developer ID Application: NAME (TEAMID)" from the login keychain
# Notarisation (needs signing; either a stored notarytool profile or an Apple ID):
#   APPLE_NOTARY_PROFILE      a profile saved with `xcrun notarytool store-credentials`
#   APPLE_ID, APPLE_TEAM_ID, APPLE_APP_PASSWORD   an Apple ID with an app-specific password
# Unset: an unsigned .dmg (people then open the app with right-click > Open the first time).
set -euo pipefail

app=${1:?usage: make_dmg.sh APP OUT.dmg}
dmg=${2:?usage: make_dmg.sh APP OUT.dmg}
[[ -d $app/Contents/MacOS ]] || { echo "error: $app is not an application bundle" >&2; exit 2; }

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp -R "$app" "$stage/"
ln -s /Applications "$stage/Applications"
rm -f "$dmg"
# hdiutil now and then fails with "Resource busy" on build machines; a retry helps.
for attempt in 1 2 3; do
    if hdiutil create -volname "CNAPS Desktop" -srcfolder "$stage" -ov -format UDZO "$dmg"; then
        break
    fi
    [[ $attempt -eq 3 ]] && { echo "error: hdiutil could not create $dmg" >&2; exit 1; }
    sleep 10
done

if [[ -z "${MACOS_CODESIGN_IDENTITY:-}" ]]; then
    echo "== $dmg: unsigned (MACOS_CODESIGN_IDENTITY is not set)"
    exit 0
fi
codesign --force --sign "$MACOS_CODESIGN_IDENTITY" --timestamp "$dmg"
codesign --verify --verbose=2 "$dmg"

if [[ -n "${APPLE_NOTARY_PROFILE:-}" ]]; then
    notary_auth=(--keychain-profile "$APPLE_NOTARY_PROFILE")
elif [[ -n "${APPLE_ID:-}" && -n "${APPLE_TEAM_ID:-}" && -n "${APPLE_APP_PASSWORD:-}" ]]; then
    notary_auth=(--apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" --password "$APPLE_APP_PASSWORD")
else
    echo "== $dmg: signed, not notarised (set APPLE_NOTARY_PROFILE or APPLE_ID/TEAM_ID/APP_PASSWORD)"
    exit 0
fi
xcrun notarytool submit "$dmg" "${notary_auth[@]}" --wait
xcrun stapler staple "$dmg"
spctl --assess --type open --context context:primary-signature --verbose=2 "$dmg"
echo "== $dmg: signed, notarised and stapled"
