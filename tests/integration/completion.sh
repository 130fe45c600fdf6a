#!/bin/sh
# completion.sh: the bash completion of keel and keel-pack offers the
# commands and exactly the options --help lists, and the right files.
. "$top_srcdir/tests/lib.sh"
command -v bash >/dev/null || skip_all "bash missing"
comp=$top_srcdir/contrib/bash-completion
BASH_COMPLETION=/usr/share/bash-completion/bash_completion

for f in keel keel-pack; do
	bash -n "$comp/$f" 2>"$TMP/err" && [ ! -s "$TMP/err" ]
	ok $? "bash -n contrib/bash-completion/$f"
	sed 's/^/# /' "$TMP/err"
done

# complete.bash BC FILE LINE: sources FILE (bash-completion first if BC is
# yes), puts LINE on the command line with the cursor at its end, calls
# the function "complete -p PROGRAM" names, and prints COMPREPLY one per
# line. Words split at blanks and at "=", as COMP_WORDBREAKS does; a
# blank at the end starts an empty word. PATH is empty during the call,
# so running any program fails and says so on stderr.
cat >"$TMP/complete.bash" <<'END'
bc=$1 file=$2 line=$3
if [ "$bc" = yes ]; then
	. /usr/share/bash-completion/bash_completion || exit 3
fi
. "$file" || exit 3
prog=${line%% *}
spec=$(complete -p "$prog") || exit 3
read -ra spec <<<"$spec"
func=
for ((i = 0; i < ${#spec[@]}; i++)); do
	[[ ${spec[i]} == -F ]] && func=${spec[i + 1]}
done
[[ $func ]] || { echo "complete -p $prog names no function" >&2; exit 3; }
COMP_WORDS=() word= quote=
for ((i = 0; i < ${#line}; i++)); do
	c=${line:i:1}
	if [[ $quote ]]; then
		[[ $c == "$quote" ]] && quote=
		word+=$c
	elif [[ $c == \\ ]]; then
		word+=$c${line:i+1:1}
		i=$((i + 1))
	elif [[ $c == [\'\"] ]]; then
		quote=$c
		word+=$c
	elif [[ $c == ' ' || $c == = ]]; then
		[[ $word ]] && COMP_WORDS+=("$word")
		word=
		[[ $c == = ]] && COMP_WORDS+=(=)
	else
		word+=$c
	fi
done
COMP_WORDS+=("$word")
[[ ! $word && ${COMP_WORDS[-2]-} == = ]] && unset 'COMP_WORDS[-1]'
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_LINE=$line COMP_POINT=${#line} COMP_TYPE=9 COMP_KEY=9
COMPREPLY=()
PATH=/nonexistent "$func" "$prog" "${COMP_WORDS[COMP_CWORD]}" \
	"${COMP_WORDS[COMP_CWORD - 1]}"
printf '%s\n' "${COMPREPLY[@]}"
END

# Files for the file completions; names with blanks under blank/.
files=$TMP/files
mkdir -p "$files/sub" "$files/blank/a dir" && cd "$files" || exit 1
touch a.ksp b.txt m.json k.pem "blank/my pack.ksp" blank/x.txt

# complete LINE: prints the words offered after LINE, run in $files, as
# a sorted set joined by "|" (a directory's trailing / dropped); stderr
# goes to $TMP/comp.err.
complete() {
	bash "$TMP/complete.bash" "$bc" "$comp/${1%% *}" "$1" 2>>"$TMP/comp.err" |
		sed 's,/$,,' | set_of
}
set_of() { LC_ALL=C sort -u | tr '\n' '|' | sed 's/|$//'; }

# offers LINE DESCRIPTION WORD...: the words offered after LINE are WORDs.
offers() {
	_line=$1 _desc=$2; shift 2
	got=$(complete "$_line")
	want=$(for w; do echo "$w"; done | set_of)
	[ "$got" = "$want" ]
	ok $? "$bc_tag$_desc"
	[ "$got" = "$want" ] || diag "after \"$_line\": offered \"$got\", want \"$want\""
}

# help_options HELP-FILE: the options an --help output lists.
help_options() {
	sed -n 's/^  *\(--[a-z][a-z-]*\).*/\1/p' "$1"
}

"$KEEL" --help >"$TMP/help" 2>&1
commands=$(sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p' "$TMP/help")
globals=$(help_options "$TMP/help")
[ -n "$commands" ] && [ -n "$globals" ]
ok $? "keel --help lists commands ($(echo $commands)) and options"
"$KEEL" hv --help >"$TMP/help" 2>&1
subcommands=$(sed -n 's/^Usage: keel hv \([a-z|]*\) .*/\1/p' "$TMP/help" | tr '|' ' ')
[ -n "$subcommands" ]
ok $? "keel hv --help lists subcommands ($subcommands)"

modes=no
[ -f "$BASH_COMPLETION" ] && modes="no yes" ||
	diag "no $BASH_COMPLETION: testing without bash-completion only"
for bc in $modes; do
	if [ "$bc" = yes ]; then bc_tag="[bash-completion] "; else bc_tag="[plain bash] "; fi
	: >"$TMP/comp.err"

	offers "keel " "keel offers every command of keel --help" $commands
	offers "keel ch" "keel ch offers check-cpu" check-cpu
	offers "keel --" "keel -- offers keel's global options" $globals

	for cmd in $commands; do
		"$KEEL" $cmd --help >"$TMP/help" 2>&1
		want=$(help_options "$TMP/help")
		[ -n "$want" ] || diag "keel $cmd --help lists no options"
		offers "keel $cmd --" "keel $cmd -- offers the options of keel $cmd --help" $want

		# Each option with an argument completes a file or directory.
		for opt in $(sed -n 's/^  *\(--[a-z-]*\) \([A-Z]\{1,\}\) .*/\1=\2/p' "$TMP/help"); do
			case ${opt#*=} in
			DIR) want="blank sub" ;;
			*) want="a.ksp b.txt blank k.pem m.json sub" ;;
			esac
			offers "keel $cmd ${opt%=*} " \
				"keel $cmd ${opt%=*} completes a ${opt#*=}" $want
		done
	done

	for cmd in verify info apply; do
		offers "keel $cmd " \
			"keel $cmd offers packs and directories, no other files" \
			a.ksp blank sub
	done
	offers "keel apply --yes a" "keel apply --yes a offers a.ksp" a.ksp
	offers "keel apply blank/" "keel apply walks into a directory" \
		"blank/a dir" "blank/my pack.ksp"
	offers "keel apply blank/my\\ " "a pack name with an escaped blank" \
		"blank/my pack.ksp"
	offers "keel apply 'blank/a d" "a directory name with a blank, quoted" \
		"blank/a dir"
	offers "keel apply --root " "keel apply --root offers directories only" \
		blank sub
	offers "keel apply --root=s" "keel apply --root=s offers sub" sub
	"$KEEL" apply --help >"$TMP/help" 2>&1
	offers "keel apply --yes --" "keel apply --yes -- no longer offers --yes" \
		$(help_options "$TMP/help" | grep -vx -- --yes)
	"$KEEL" status --help >"$TMP/help" 2>&1
	offers "keel status " "keel status offers its options: it takes no operand" \
		$(help_options "$TMP/help")
	offers "keel hv " "keel hv offers its subcommands" $subcommands
	offers "keel hv l" "keel hv l offers log" log
	offers "keel hv stats " "keel hv stats offers --json" --json
	offers "keel bogus " "keel bogus offers nothing"

	"$KEEL_PACK" --help >"$TMP/help" 2>&1
	offers "keel-pack --" "keel-pack -- offers the options of keel-pack --help" \
		$(help_options "$TMP/help")
	offers "keel-pack --manifest " \
		"keel-pack --manifest offers .json files and directories" \
		m.json blank sub
	offers "keel-pack --out " "keel-pack --out offers .ksp files and directories" \
		a.ksp blank sub
	offers "keel-pack --out=a" "keel-pack --out=a offers a.ksp" a.ksp
	for opt in --key --cert --chain; do
		offers "keel-pack $opt " "keel-pack $opt offers .pem files and directories" \
			k.pem blank sub
	done
	offers "keel-pack --from " "keel-pack --from offers directories only" \
		blank sub
	offers "keel-pack --out x.ksp --from sub --" \
		"keel-pack offers only the options not yet given" \
		$(help_options "$TMP/help" | grep -vx -e --out -e --from)

	[ ! -s "$TMP/comp.err" ]
	ok $? "${bc_tag}completion runs no program and writes nothing to stderr"
	sort -u "$TMP/comp.err" | sed 's/^/# /'
done

done_testing
