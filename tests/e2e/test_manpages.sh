#!/usr/bin/env bash
# The man pages: ikewatch(1) and ikewatch.yml(5) lint clean under mandoc and
# groff, every flag `ikewatch --help` prints is in ikewatch(1) and every flag
# there is in --help, and every config key the parsers accept (read from the
# source, not from a list kept by hand) is in ikewatch.yml(5) and the other
# way round.  No lab.
source "$(dirname "$0")/lib.sh"

MAN1=${MAN1:-$E2E_ROOT/man/ikewatch.1}
MAN5=${MAN5:-$E2E_ROOT/man/ikewatch.yml.5}
for c in mandoc groff; do
	command -v "$c" >/dev/null || { fail "$c not installed (scripts/install-deps.sh test)"; e2e_finish manpages; exit 1; }
done

for page in "$MAN1" "$MAN5"; do
	name=$(basename "$page")
	lint=$(mandoc -T lint -W warning "$page" 2>&1)
	check "$name: mandoc -T lint -W warning is silent${lint:+ (got: $lint)}" test -z "$lint"
	gw=$(groff -ww -mandoc -Tutf8 "$page" 2>&1 >/dev/null)
	check "$name: groff -ww is silent${gw:+ (got: $gw)}" test -z "$gw"
	text=$(mandoc -T utf8 "$page" 2>/dev/null | col -b)
	check "$name: renders to text" test "$(wc -l <<<"$text")" -gt 50
done

# flags: --[no-]x counts as --x; "-h" stays as is
norm() { sed -E 's/^-+\[no-\]/--/; s/^-+/--/' | sort -u; }
help_flags=$("$IKEWATCH" --help | grep -oE -- '(^|[ ,])-(-(\[no-\])?[a-z][a-z0-9.-]*|h)' |
	sed -E 's/^[ ,]//; s/[.-]+$//' | norm)
man_flags=$(grep -oE 'Fl -?(\[no-\])?[a-z][a-z0-9.-]*|Fl h' "$MAN1" | sed -E 's/^Fl //; s/^/-/' | norm)
check "--help lists flags (saw $(wc -l <<<"$help_flags"))" test "$(wc -l <<<"$help_flags")" -gt 30
only_help=$(comm -23 <(echo "$help_flags") <(echo "$man_flags") | tr '\n' ' ')
only_man=$(comm -13 <(echo "$help_flags") <(echo "$man_flags") | tr '\n' ' ')
check "every --help flag is in ikewatch.1${only_help:+ (missing: $only_help)}" test -z "$only_help"
check "every flag in ikewatch.1 is in --help${only_man:+ (not in --help: $only_man)}" test -z "$only_man"

# config keys: the names the parsers compare keys with, and the settings
# table's sections and keys
src_files=$(ls "$E2E_ROOT"/src/config/*.c "$E2E_ROOT"/src/http/web_config.c)
keys=$( {
	grep -ohE '(strcmp|_is|PK)\(([a-z_>.-]+, )?"[a-z_]+"' $src_files | sed -E 's/.*"([a-z_]+)"$/\1/'
	grep -ohE '\{ "[a-z_]+", "[a-z_]+",' "$E2E_ROOT/src/config/config.c" | sed -E 's/\{ "([a-z_]+)", "([a-z_]+)",/\2/'
} | grep -vxE 'true|false|yes|no|config|charon|pluto' | sort -u)   # values, not keys
sections=$(grep -ohE '\{ "[a-z_]+", "[a-z_]+",' "$E2E_ROOT/src/config/config.c" |
	sed -E 's/\{ "([a-z_]+)", .*/\1/'; printf '%s\n' probes redact remediation logs)
sections=$(sort -u <<<"$sections")
check "the parsers accept keys (saw $(wc -l <<<"$keys"))" test "$(wc -l <<<"$keys")" -gt 60
man_keys=$(grep -E '^\.It Cm ' "$MAN5" | grep -oE 'Cm [a-z_]+' | sed 's/^Cm //' | sort -u)
man_sections=$(grep -E '^\.Ss [a-z_]+$' "$MAN5" | sed 's/^\.Ss //' | sort -u)
documented=$(sort -u <(echo "$man_keys") <(echo "$man_sections"))
undoc=$(comm -23 <(echo "$keys") <(echo "$documented") | grep -vxFf <(echo "$sections") | tr '\n' ' ')
check "every config key the parsers accept is in ikewatch.yml.5${undoc:+ (missing: $undoc)}" test -z "$undoc"
nosec=$(comm -23 <(echo "$sections") <(echo "$man_sections") | tr '\n' ' ')
check "every config section has its own part in ikewatch.yml.5${nosec:+ (missing: $nosec)}" test -z "$nosec"
unknown=$(comm -13 <(echo "$keys") <(echo "$man_keys") | tr '\n' ' ')
check "every key in ikewatch.yml.5 is one the parsers accept${unknown:+ (unknown: $unknown)}" test -z "$unknown"

e2e_finish manpages
